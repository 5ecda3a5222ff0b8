"""Claims (a manager asks, staff decide), direct edit by managers, and the contact relay."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories.accounts import UserFactory
from tests.factories.contributions import (  # noqa: F401 (fixtures)
    ClaimFactory,
    ContactMessageFactory,
    atlas_fixture,
    fresh_rate_limits_fixture,
)
from tests.places.manage_helpers import manager_form_data
from tierslieux.accounts.roles import Role, has_role
from tierslieux.core.transitions import transition_history
from tierslieux.places.contributions import services
from tierslieux.places.contributions.models import Claim, ContactMessage
from tierslieux.places.services import place_add_manager

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


def edit_form(place, **extra):
    return manager_form_data(place, **extra)


# --- Claims ---------------------------------------------------------------------------------------------
def test_claim_needs_login(client, atlas):
    url = reverse("contributions:claim", args=[atlas["port"].slug])
    response = client.get(url)
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    assert client.post(url, {"message": "C’est moi"}).status_code == 302
    assert not Claim.objects.exists()


def test_claim_approved_makes_a_manager_and_emails_them(
    client_for, atlas, plain_user, programme_staff, mailbox, django_capture_on_commit_callbacks
):
    place = atlas["port"]
    client = client_for(plain_user)
    url = reverse("contributions:claim", args=[place.slug])
    assert client.post(url, {"message": ""}).status_code == 400
    assert client.post(url, {"message": "Je préside l’association."}).status_code == 302
    claim = Claim.objects.get()
    assert claim.author == plain_user and claim.status == "pending"
    # A second claim while the first waits is not possible.
    assert "déjà en attente" in client.get(url).content.decode()
    again = client.post(url, {"message": "Je préside toujours l’association."})
    assert again.status_code == 409 and "déjà en attente" in again.content.decode()
    assert Claim.objects.count() == 1
    with pytest.raises(ValidationError):
        services.claim_submit(place=place, user=plain_user, message="encore")
    staff = client_for(programme_staff)
    detail = staff.get(reverse("contributions:moderation_claim", args=[claim.pk])).content.decode()
    assert "Je préside l’association." in detail and plain_user.email not in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("contributions:moderation_claim", args=[claim.pk]), {"action": "approve"}
        )
    assert response.status_code == 302
    assert place.managers.filter(pk=plain_user.pk).exists()
    plain_user.refresh_from_db()
    assert has_role(plain_user, Role.PLACE_MANAGER)
    [message] = mailbox.wait_for(plain_user.email)
    assert "Vous gérez désormais" in message["Subject"]
    assert f"/lieux/{place.slug}/modifier/" in mailbox.text(message)
    # Now a manager: the claim page sends them to the edit page.
    assert client.get(url)["Location"] == reverse("contributions:edit", args=[place.slug])


def test_claim_refused_with_reason_is_emailed(
    client_for, atlas, plain_user, programme_staff, mailbox, django_capture_on_commit_callbacks
):
    claim = ClaimFactory(place=atlas["port"], author=plain_user)
    url = reverse("contributions:moderation_claim", args=[claim.pk])
    staff = client_for(programme_staff)
    assert staff.post(url, {"action": "refuse"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url, {"action": "refuse", "reason": "Aucun lien vérifiable."}).status_code == 302
    assert not atlas["port"].managers.exists()
    [message] = mailbox.wait_for(plain_user.email)
    assert "Aucun lien vérifiable." in mailbox.text(message)
    claim.refresh_from_db()
    assert list(transition_history(claim).values_list("action", "to_status", "reason")) == [
        ("refuse", "refused", "Aucun lien vérifiable.")
    ]


@pytest.mark.parametrize(("who", "expected"), [(None, 302), ("plain_user", 403), ("place_manager", 403)])
def test_claim_moderation_is_staff_only(request, client_for, atlas, who, expected):
    claim = ClaimFactory(place=atlas["port"], author=UserFactory())
    user = request.getfixturevalue(who) if who else None
    url = reverse("contributions:moderation_claim", args=[claim.pk])
    assert client_for(user).post(url, {"action": "approve"}).status_code == expected
    assert not atlas["port"].managers.exists()


# --- Direct edit ----------------------------------------------------------------------------------------
def test_edit_permissions_per_role(client_for, atlas, place_manager, plain_user, programme_staff):
    port, atelier = atlas["port"], atlas["atelier"]
    place_add_manager(place=port, user=place_manager)
    place_add_manager(place=atelier, user=plain_user)  # manager of another place
    url = reverse("contributions:edit", args=[port.slug])
    assert client_for(None).get(url).status_code == 302
    assert client_for(plain_user).get(url).status_code == 403
    assert client_for(plain_user).post(url, edit_form(port, name="Piraté")).status_code == 403
    assert client_for(place_manager).get(url).status_code == 200
    assert client_for(programme_staff).get(url).status_code == 200
    port.refresh_from_db()
    assert port.name == "La Fabrique du Port"


def test_manager_edits_directly_versioned_and_html_is_escaped(client_for, atlas, place_manager):
    port = atlas["port"]
    place_add_manager(place=port, user=place_manager)
    client = client_for(place_manager)
    url = reverse("contributions:edit", args=[port.slug])
    response = client.post(
        url, edit_form(port, description="<img src=x onerror=alert(1)> Ouvert", reason="Nouveaux horaires")
    )
    assert response.status_code == 302 and response["Location"] == reverse("places:history", args=[port.slug])
    port.refresh_from_db()
    assert port.description == "<img src=x onerror=alert(1)> Ouvert"
    version = port.versions.first()
    assert version.user == place_manager and version.reason == "Nouveaux horaires"
    assert set(version.changes) == {"description"}
    page = client.get(reverse("places:detail", args=[port.slug])).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page


def test_edit_bad_input_keeps_values(client_for, atlas, programme_staff):
    port = atlas["port"]
    client = client_for(programme_staff)
    response = client.post(
        reverse("contributions:edit", args=[port.slug]),
        edit_form(port, point_lat="12", point_lon="12", address="Rue gardée", siret="x"),
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "hors de France" in content and 'value="Rue gardée"' in content
    port.refresh_from_db()
    assert port.versions.count() == 1 and port.address == ""


def test_place_page_shows_the_contribution_links(client_for, atlas, place_manager):
    port = atlas["port"]
    url = reverse("places:detail", args=[port.slug])
    anonymous = client_for(None).get(url).content.decode()
    for link in ("signaler", "revendiquer", "proposer", "contact"):
        assert f"/lieux/{port.slug}/{link}/" in anonymous
    assert f"/lieux/{port.slug}/modifier/" not in anonymous
    place_add_manager(place=port, user=place_manager)
    manager = client_for(place_manager).get(url).content.decode()
    assert f"/lieux/{port.slug}/modifier/" in manager
    assert f"/lieux/{port.slug}/revendiquer/" not in manager


# --- Contact --------------------------------------------------------------------------------------------
def test_contact_is_relayed_to_managers_with_reply_to(
    client, atlas, place_manager, mailbox, django_capture_on_commit_callbacks
):
    port = atlas["port"]
    place_add_manager(place=port, user=place_manager)
    url = reverse("contributions:contact", args=[port.slug])
    assert place_manager.email not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "sender_name": "Camille",
                "sender_email": "camille@example.org",
                "message": "Ouvert <b>samedi</b> ?",
            },
        )
    assert response.status_code == 302
    [message] = mailbox.wait_for(place_manager.email)
    assert message["Reply-To"] == "camille@example.org"
    assert "Ouvert <b>samedi</b> ?" in mailbox.text(message)  # plain text, not escaped twice
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Ouvert &lt;b&gt;samedi&lt;/b&gt; ?" in html and "ne pas y répondre" not in html
    contact = ContactMessage.objects.get()
    assert contact.status == "relayed" and contact.sender_email == "camille@example.org"
    page = client.get(reverse("contributions:thanks")).content.decode()
    assert "camille@example.org" not in page


def test_contact_without_manager_goes_to_staff_queue(
    client, client_for, atlas, programme_staff, mailbox, django_capture_on_commit_callbacks
):
    url = reverse("contributions:contact", args=[atlas["atelier"].slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"sender_name": "Léa", "sender_email": "lea@example.org", "message": "Bonjour"})
    contact = ContactMessage.objects.get()
    assert contact.status == "pending" and not mailbox.messages
    staff = client_for(programme_staff)
    assert "Léa" in staff.get(reverse("contributions:moderation")).content.decode()
    response = staff.post(reverse("contributions:moderation_contact", args=[contact.pk]), {"action": "close"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == "closed"


def test_contact_bad_input_honeypot_and_rate_limit(client, atlas):
    url = reverse("contributions:contact", args=[atlas["port"].slug])
    response = client.post(
        url, {"sender_name": "Léa", "sender_email": "pas-une-adresse", "message": "Bonjour"}
    )
    assert response.status_code == 400
    assert (
        "Saisissez une adresse e-mail valide" in response.content.decode()
        or "valide" in response.content.decode()
    )
    assert 'value="Léa"' in response.content.decode()
    data = {"sender_name": "Léa", "sender_email": "lea@example.org", "message": "Bonjour"}
    client.post(url, data | {"telephone_fixe": "bot"})
    assert not ContactMessage.objects.exists()
    for _ in range(5):
        assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 429
    assert ContactMessage.objects.count() == 5


def test_contact_messages_are_not_visible_to_non_staff(client_for, atlas, place_manager):
    contact = ContactMessageFactory(place=atlas["atelier"], status="pending")
    url = reverse("contributions:moderation_contact", args=[contact.pk])
    assert client_for(place_manager).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302


@pytest.mark.parametrize("who", [None, "plain_user", "place_manager", "programme_staff"])
def test_public_contribution_pages_open_to_everyone(request, client_for, atlas, who):
    client = client_for(request.getfixturevalue(who) if who else None)
    slug = atlas["port"].slug
    for url in (
        "/lieux/contribuer/proposer/",
        f"/lieux/{slug}/proposer/",
        f"/lieux/{slug}/signaler/",
        f"/lieux/{slug}/contact/",
        "/lieux/contribuer/merci/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/lieux/{slug}/revendiquer/").status_code == (302 if who is None else 200)


def test_claim_of_an_erased_account_cannot_be_approved(
    client_for, atlas, plain_user, programme_staff, mailbox
):
    # Found by mypy: `Claim.author` is emptied when the account is deleted (SET_NULL), and approving made a
    # manager of nobody (a 500). Now a French refusal (400), the claim still pending and nothing sent.
    place = atlas["port"]
    claim = services.claim_submit(place=place, user=plain_user, message="Je préside l’association.")
    plain_user.delete()
    claim.refresh_from_db()
    assert claim.author is None
    staff = client_for(programme_staff)
    response = staff.post(reverse("contributions:moderation_claim", args=[claim.pk]), {"action": "approve"})
    assert response.status_code == 400
    assert "Le compte qui a revendiqué ce lieu n’existe plus" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "pending"
    assert list(place.managers.all()) == []
    assert mailbox.messages == []
