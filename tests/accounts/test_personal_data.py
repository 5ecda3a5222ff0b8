"""RGPD: a person downloads everything the platform holds about them as JSON (every registered section),
and erases their account — comments then show "Auteur supprimé", subscriptions and consent entries are
anonymised, submitted applications and follow-up reports are kept with the personal fields pseudonymised,
drafts are deleted, the network's profile, own listings and sent messages are deleted."""

from __future__ import annotations

import json

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from tests.alerts.helpers import active_subscription
from tests.conftest import PASSWORD
from tests.factories.calls import ApplicationFactory
from tests.factories.followup import followup_world, user_with
from tests.factories.network import event_data, listing_data
from tests.factories.news import ArticleFactory, CommentFactory
from tierslieux.accounts.models import User
from tierslieux.accounts.personal_data import sections
from tierslieux.accounts.roles import Role
from tierslieux.alerts.models import ConsentEvent, Recipient, Subscription
from tierslieux.calls.models import Application, Attachment, Status
from tierslieux.followup.models import AnnualReport, CensusAnswer
from tierslieux.followup.services import census
from tierslieux.network import services as network
from tierslieux.network.models import Event, Listing, NetworkProfile, RelayedMessage
from tierslieux.places.contributions.models import ContactMessage, Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def person(plain_user):
    """A person with something in every section."""
    article = ArticleFactory(title="Un article")
    CommentFactory(
        article=article,
        user=plain_user,
        author_name="Léa Martin",
        author_email=plain_user.email,
        website="https://lea.example",
    )
    CommentFactory(
        article=article, author_name="Léa", author_email=plain_user.email.upper()
    )  # sent before signing in
    active_subscription(plain_user.email, at=timezone.now(), stream="news.articles")
    submitted = ApplicationFactory(
        applicant=plain_user, status=Status.SUBMITTED, first_submitted_at=timezone.now()
    )
    attachment = Attachment(
        application=submitted,
        original_name="Budget Léa Martin.pdf",
        content_type="application/pdf",
        size=4,
        sha256="0" * 64,
    )
    attachment.file.save("budget.pdf", ContentFile(b"%PDF"), save=True)
    ApplicationFactory(applicant=plain_user, status=Status.DRAFT, call=submitted.call, wave=submitted.wave)
    place = submitted.place
    Proposal.objects.create(kind="change", place=place, author=plain_user, data={"name": "X"})
    ContactMessage.objects.create(
        place=place, author_email=plain_user.email, sender_name="Léa", message="Bonjour"
    )
    place.managers.add(plain_user)
    # The follow-up: the manager of a laureate's place submitted its first report and answered the census.
    followup = followup_world(
        staff=user_with(Role.PROGRAMME_STAFF), manager=plain_user, applicant=user_with(None)
    )
    followup["attachment"].original_name = "Compte de résultat Léa Martin.pdf"
    followup["attachment"].save()
    laureate_place = followup["laureate"].place
    census.census_answer_submit(
        campaign=followup["campaign"],
        place=laureate_place,
        user=plain_user,
        channel="signed_in",
        data={"still_open": True, "types": laureate_place.types, "users_per_month": 120, "jobs_fte": 2},
    )
    # The network: a public profile, a listing, a message sent and one received, an event of their place.
    other = user_with(None, first_name="Paul", last_name="Durand")
    network.profile_save(
        user=plain_user, data={"is_public": True, "commune": laureate_place.commune, "bio": "Léa, menuisière"}
    )
    mine = network.listing_save(
        user=plain_user, data=listing_data(commune=laureate_place.commune, text="Léa")
    )
    network.listing_publish(listing=mine, user=plain_user)
    theirs = network.listing_save(user=other, data=listing_data(commune=laureate_place.commune, text="Paul"))
    network.listing_publish(listing=theirs, user=other)
    network.message_relay(sender=plain_user, listing=theirs, message="Bonjour Paul, je suis intéressée.")
    network.message_relay(sender=other, listing=mine, message="Bonjour Léa, toujours disponible ?")
    network.event_save(user=plain_user, place=laureate_place, data=event_data(text="Atelier de Léa"))
    return plain_user


def test_the_export_walks_every_registered_section(client_for, person):
    response = client_for(person).get("/comptes/mes-donnees/export.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)["sections"]
    assert set(data) == {section.name for section in sections()}
    assert {"account", "alerts", "news", "calls", "contributions", "places", "network", "followup"} <= set(
        data
    )
    assert data["account"]["data"]["email"] == person.email
    [subscription] = data["alerts"]["data"]
    assert subscription["stream"] == "news.articles" and [e["event"] for e in subscription["consent"]] == [
        "requested",
        "confirmed",
    ]
    assert subscription["consent"][0]["consent_text"].startswith("J’accepte de recevoir ces alertes")
    assert len(data["news"]["data"]["comments"]) == 2
    assert {a["status"] for a in data["calls"]["data"]} == {"submitted", "draft"}
    assert data["contributions"]["data"]["contact_messages"][0]["message"] == "Bonjour"
    assert data["places"]["data"][0]["name"]
    network_data = data["network"]["data"]
    assert network_data["profile"]["bio"] == "Léa, menuisière"
    assert [listing["title"] for listing in network_data["listings"]] == ["Animation — Léa"]
    assert [m["message"] for m in network_data["messages_sent"]] == ["Bonjour Paul, je suis intéressée."]
    assert [(m["from"], m["message"]) for m in network_data["messages_received"]] == [
        ("Paul Durand", "Bonjour Léa, toujours disponible ?")
    ]
    assert [event["title"] for event in network_data["events"]] == ["Repair café — Atelier de Léa"]
    followup = data["followup"]["data"]
    [report] = followup["reports"]
    assert (report["year"], report["status"], report["submitted_by_you"]) == (1, "submitted", True)
    assert report["narrative"] == "Une belle année." and report["versions_you_saved"]
    assert [f["name"] for f in followup["report_files"]] == ["Compte de résultat Léa Martin.pdf"]
    [answer] = followup["census_answers"]
    assert (answer["users_per_month"], answer["jobs_fte"], answer["channel"]) == (120, "2.00", "signed_in")


def test_the_data_pages_need_an_account(client_for, person):
    for path in ("/comptes/mes-donnees/", "/comptes/mes-donnees/export.json", "/comptes/supprimer/"):
        response = client_for(None).get(path)
        assert response.status_code == 302 and "/comptes/connexion/" in response["Location"], path
    page = client_for(person).get("/comptes/mes-donnees/").content.decode()
    assert "Alertes par courriel et registre des consentements" in page and "Dossiers de candidature" in page


def test_erasing_the_account_anonymises_and_pseudonymises(client_for, person):
    email, pk = person.email, person.pk
    client = client_for(person)
    wrong = client.post("/comptes/supprimer/", {"password": "pas-le-bon", "confirm": "on"})
    assert wrong.status_code == 400 and User.objects.get(pk=pk).erased_at is None
    response = client.post("/comptes/supprimer/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(pk=pk)
    assert user.erased_at and not user.is_active and not user.has_usable_password()
    assert user.email == f"compte-supprime-{pk}@supprime.invalid" and user.first_name == user.last_name == ""
    # The old address and password no longer sign in, through the login form (Axes needs the request).
    signing_in = Client()
    refused = signing_in.post("/comptes/connexion/", {"username": email, "password": PASSWORD})
    assert refused.status_code == 400 and "_auth_user_id" not in signing_in.session
    # Comments stay, shown as "Auteur supprimé", without name, address nor website.
    page = (
        Client()
        .get(ArticleFactory._meta.model.objects.get(title="Un article").get_absolute_url())
        .content.decode()
    )
    assert (
        page.count('<p class="fr-text--bold fr-mb-0">Auteur supprimé</p>') == 2
        and "Léa" not in page
        and "lea.example" not in page
    )
    # Subscriptions ended and anonymised; the ledger keeps no address, and records the erasure.
    assert not Recipient.objects.filter(email=email).exists()
    assert set(Subscription.objects.values_list("status", flat=True)) == {"unsubscribed"}
    assert set(ConsentEvent.objects.values_list("email", flat=True)) == {""}
    assert ConsentEvent.objects.filter(kind="erased").count() == 1
    # The submitted application is kept (public grants), pseudonymised; the draft is gone.
    [kept] = Application.objects.filter(applicant_id=pk)
    assert kept.status == Status.SUBMITTED and kept.applicant_id == pk
    assert kept.attachments.get().original_name.startswith(
        "piece-"
    ) and kept.attachments.get().original_name.endswith(".pdf")
    # Contributions are detached, contact messages deleted, managed places left.
    assert Proposal.objects.get().author is None
    assert not ContactMessage.objects.exists()
    assert not kept.place.managers.exists()
    # The follow-up's records of public money are kept, the names of the files they attached neutral.
    report = AnnualReport.objects.get(submitted_by_id=pk)
    [attachment] = report.attachments.all()
    assert attachment.original_name == f"piece-{attachment.pk}.pdf"
    assert CensusAnswer.objects.get().answered_by_id == pk
    # The network: their profile, own listing and sent messages are gone; the message they received is gone
    # with the listing it was about; the other person's listing stays; their place's event stays.
    assert not NetworkProfile.objects.filter(user_id=pk).exists()
    assert list(Listing.objects.values_list("title", flat=True)) == ["Animation — Paul"]
    assert not RelayedMessage.objects.filter(sender_id=pk).exists()
    assert Event.objects.get().created_by_id == pk


def test_the_profile_lists_the_alerts_and_links_the_personal_data(client):
    user = User.objects.create_user(email="x@example.org", password=PASSWORD)
    client.force_login(user)
    content = client.get("/comptes/profil/").content.decode()
    assert "Aucune alerte pour l’instant." in content
    assert 'href="/alertes/mes-alertes/"' in content and 'href="/comptes/mes-donnees/"' in content
    active_subscription(user.email, at=timezone.now(), stream="news.articles", frequency="daily")
    content = client.get("/comptes/profil/").content.decode()
    assert "Nouveaux articles — Un résumé par jour" in content
