import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import Role, has_role

pytestmark = pytest.mark.django_db


def test_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


def test_signup_sends_confirmation_over_smtp_and_link_activates(
    client, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            {
                "first_name": "Camille",
                "last_name": "Martin",
                "organisation": "La Fabrique",
                "email": "Camille@Example.org",
                "password1": "un-long-mot-de-passe",
                "password2": "un-long-mot-de-passe",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="camille@example.org")
    assert not user.is_active
    [message] = mailbox.wait_for("camille@example.org")
    assert "Confirmez" in message["Subject"]
    link = re.search(r"http://\S+/comptes/confirmer/\S+/", mailbox.text(message)).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None
    # The link is single-use.
    assert client.get("/" + path).status_code == 400


def test_signup_bad_input_keeps_what_was_typed(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "first_name": "Camille",
            "email": "pas-une-adresse",
            "password1": "court",
            "password2": "autre",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Camille" in content and "pas-une-adresse" in content
    assert "Les deux mots de passe ne correspondent pas." in content
    assert not User.objects.exists()


def test_password_reset_email_arrives_over_smtp(
    client, plain_user, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": plain_user.email})
    assert response.status_code == 302
    [message] = mailbox.wait_for(plain_user.email)
    body = mailbox.text(message)
    path = re.search(r"/comptes/mot-de-passe/[^/\s]+/[^/\s]+/", body).group(0)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "nouveau-mot-de-passe-42", "new_password2": "nouveau-mot-de-passe-42"},
    )
    assert response.status_code == 302
    plain_user.refresh_from_db()
    assert plain_user.check_password("nouveau-mot-de-passe-42")


def test_password_reset_for_unknown_address_reveals_nothing(
    client, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@example.org"})
    assert response.status_code == 302
    assert mailbox.messages == []


def test_login_and_logout(client, plain_user):
    response = client.post(
        reverse("accounts:login"), {"username": plain_user.email, "password": "motdepasse-de-test-1"}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.get(reverse("accounts:logout")).status_code == 405  # logout is POST only
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_wrong_password_gives_french_message(client, plain_user):
    response = client.post(reverse("accounts:login"), {"username": plain_user.email, "password": "faux"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Adresse électronique ou mot de passe incorrect." in content
    assert f'value="{plain_user.email}"' in content  # the address typed is kept, the password is not
    assert 'value="faux"' not in content
    assert "_auth_user_id" not in client.session


def test_login_of_an_unconfirmed_account_is_refused_in_french(client, plain_user):
    plain_user.is_active = False
    plain_user.save(update_fields=["is_active"])
    response = client.post(
        reverse("accounts:login"), {"username": plain_user.email, "password": "motdepasse-de-test-1"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    # Django's backend does not tell an unconfirmed account from a wrong password (nothing is revealed).
    assert "Adresse électronique ou mot de passe incorrect." in content
    assert "_auth_user_id" not in client.session


def test_login_with_a_malformed_address_keeps_it(client, db):
    response = client.post(reverse("accounts:login"), {"username": "pas-une-adresse", "password": "x"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Saisissez une adresse" in content and 'value="pas-une-adresse"' in content


def test_password_reset_with_a_malformed_address_keeps_it(
    client, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "camille@"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Saisissez une adresse" in content and 'value="camille@"' in content
    assert mailbox.messages == []


def _reset_form_url(client, user) -> str:
    """The set-password page of a fresh reset link of `user` (Django redirects the link to it)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    response = client.get(link)
    assert response.status_code == 302
    return response["Location"]


def test_new_password_bad_input_is_refused_in_french(client, plain_user):
    url = _reset_form_url(client, plain_user)
    response = client.post(
        url, {"new_password1": "nouveau-mot-de-passe-42", "new_password2": "autre-chose-42"}
    )
    assert response.status_code == 400
    assert "Les deux mots de passe ne correspondent pas." in response.content.decode()
    response = client.post(url, {"new_password1": "1234567890123", "new_password2": "1234567890123"})
    assert response.status_code == 400
    assert "entièrement numérique" in response.content.decode()
    plain_user.refresh_from_db()
    assert plain_user.check_password("motdepasse-de-test-1")


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_password_reset_link_is_refused_in_french(client, plain_user, method):
    response = getattr(client, method)(
        "/comptes/mot-de-passe/MTIzNDU2/pas-un-jeton/",
        {"new_password1": "nouveau-mot-de-passe-42", "new_password2": "nouveau-mot-de-passe-42"},
    )
    assert response.status_code == 400
    assert "Lien invalide" in response.content.decode()
    plain_user.refresh_from_db()
    assert plain_user.check_password("motdepasse-de-test-1")


@pytest.mark.parametrize(
    "fixture", [None, "plain_user", "place_manager", "applicant", "reviewer", "programme_staff"]
)
def test_only_administrators_reach_the_admin(request, client_for, fixture):
    user = request.getfixturevalue(fixture) if fixture else None
    response = client_for(user).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_administrators_reach_the_admin(client_for, administrator):
    assert client_for(administrator).get("/admin/").status_code == 200


def test_anonymous_cannot_see_a_profile(client_for):
    response = client_for(None).get(reverse("accounts:profile"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    "fixture", ["plain_user", "place_manager", "applicant", "reviewer", "programme_staff"]
)
def test_each_role_sees_only_its_own_profile(request, client_for, fixture):
    user = request.getfixturevalue(fixture)
    content = client_for(user).get(reverse("accounts:profile")).content.decode()
    assert user.email in content
    other = User.objects.exclude(pk=user.pk).values_list("email", flat=True)
    assert not any(email in content for email in other)


def test_roles(place_manager, programme_staff, administrator):
    assert has_role(place_manager, Role.PLACE_MANAGER)
    assert not has_role(place_manager, Role.PROGRAMME_STAFF)
    assert has_role(administrator, Role.PROGRAMME_STAFF, Role.REVIEWER)
    assert not programme_staff.is_staff  # no Django admin for programme staff (docs/security.md)


def test_demo_accounts_only_with_dev_settings(settings):
    settings.DEMO_ACCOUNTS = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    settings.DEMO_ACCOUNTS = True
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    assert User.objects.filter(email__endswith="@demo.tiers-lieux.example").count() == len(
        Role
    )  # one per role


@pytest.mark.parametrize(
    ("fixture", "expected", "absent"),
    [
        ("plain_user", ["Mes dossiers de candidature"], ["Dossiers à instruire", "File de modération"]),
        ("reviewer", ["Dossiers à instruire"], ["File de modération"]),
        ("programme_staff", ["File de modération", "Gestion des appels", "Importer des tiers-lieux"], []),
    ],
)
def test_profile_lists_the_workspace_of_each_role(request, client_for, fixture, expected, absent):
    content = client_for(request.getfixturevalue(fixture)).get(reverse("accounts:profile")).content.decode()
    for label in expected:
        assert label in content
    for label in absent:
        assert label not in content


def test_profile_links_the_places_a_manager_manages(client_for, place_manager):
    from tests.factories.places import PlaceFactory

    place = PlaceFactory(name="La Boussole")
    place.managers.add(place_manager)
    content = client_for(place_manager).get(reverse("accounts:profile")).content.decode()
    assert "Ma fiche : La Boussole" in content and place.get_absolute_url() in content


def test_profile_of_an_administrator_links_every_workspace(client_for, administrator):
    from tierslieux.accounts.selectors import WORKSPACE

    content = client_for(administrator).get(reverse("accounts:profile")).content.decode()
    for label, name, _roles in WORKSPACE:
        assert label in content and reverse(name) in content


def test_profile_form_saves_the_person_own_details(client_for, plain_user):
    client = client_for(plain_user)
    data = {
        "first_name": "Camille",
        "last_name": "Durand",
        "organisation": "La Boussole",
        "phone": "0102030405",
    }
    response = client.post(reverse("accounts:profile"), data)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    plain_user.refresh_from_db()
    assert (plain_user.first_name, plain_user.organisation, plain_user.phone) == (
        "Camille",
        "La Boussole",
        "0102030405",
    )


def test_profile_form_bad_input_keeps_what_was_typed(client_for, plain_user):
    data = {"first_name": "Dominique", "last_name": "", "organisation": "Tiers-lieu", "phone": "0" * 31}
    response = client_for(plain_user).post(reverse("accounts:profile"), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert 'value="' + "0" * 31 + '"' in content
    assert "Dominique" in content and "Tiers-lieu" in content
    assert "au plus 30 caractères" in content and "Le formulaire contient des erreurs" in content
    plain_user.refresh_from_db()
    assert plain_user.phone != "0" * 31 and plain_user.first_name != "Dominique"


def test_a_forged_confirmation_link_is_refused_in_french(client):
    response = client.get("/comptes/confirmer/MTIzNDU2/pas-un-jeton/")
    assert response.status_code == 400
    assert "Lien invalide" in response.content.decode()


def test_profile_service_saves_only_the_profile_fields(plain_user):
    from tierslieux.accounts.services import user_update_profile

    email = plain_user.email
    user_update_profile(
        user=plain_user, first_name=" Camille ", last_name="Durand", organisation="La Boussole", phone=""
    )
    plain_user.refresh_from_db()
    assert (plain_user.first_name, plain_user.last_name, plain_user.organisation, plain_user.phone) == (
        "Camille",
        "Durand",
        "La Boussole",
        "",
    )
    assert plain_user.email == email and plain_user.is_active


def test_profile_service_refuses_too_long_values_and_saves_nothing(plain_user):
    from django.core.exceptions import ValidationError

    from tierslieux.accounts.services import user_update_profile

    before = (plain_user.first_name, plain_user.phone)
    with pytest.raises(ValidationError) as refused:
        user_update_profile(
            user=plain_user, first_name="Dominique", last_name="", organisation="", phone="0" * 31
        )
    assert "phone" in refused.value.message_dict
    assert "au plus 30 caractères" in refused.value.message_dict["phone"][0]
    assert (plain_user.first_name, plain_user.phone) == before  # nor in memory
    plain_user.refresh_from_db()
    assert (plain_user.first_name, plain_user.phone) == before
