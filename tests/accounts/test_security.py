"""Brute force and account takeover: login lockouts (per account, per client IP, expiring, unlocked by an
administrator), throttled reset and sign-up answering the same for every address, sign-up that sets nothing
before the owner confirms, 12-character passwords, the second factor of staff and their idle timeout."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, totp_code, totp_device
from tierslieux.accounts.models import SignUpRequest, User
from tierslieux.core.clientip import client_ip

pytestmark = pytest.mark.django_db
LOGIN = "/comptes/connexion/"


def _login(client, email, password, ip="198.51.100.7", **extra):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


def _fail(client, email, times, ip="198.51.100.7"):
    for _ in range(times):
        assert _login(client, email, "mauvais-mot-de-passe", ip).status_code == 400


# --- Login lockouts ------------------------------------------------------------------------------------------
def test_an_account_is_locked_after_too_many_failures_from_any_address(settings, plain_user):
    client = Client()
    for k in range(settings.AXES_FAILURE_LIMIT - 1):
        _fail(client, plain_user.email, 1, ip=f"198.51.100.{k + 1}")
    locked = _login(client, plain_user.email, "mauvais-mot-de-passe", "203.0.113.50")
    assert locked.status_code == 429
    # Even the right password, from yet another address, is refused while the lockout lasts.
    response = _login(client, plain_user.email, PASSWORD, "203.0.113.51")
    assert response.status_code == 429
    content = response.content.decode()
    assert "Trop de tentatives de connexion" in content
    assert re.search(r"Réessayez dans 1[45] minutes \(à \d\d:\d\d\)", content), content
    assert 840 <= int(response["Retry-After"]) <= 900


def test_a_client_address_is_locked_after_too_many_failures_on_any_accounts(settings, plain_user):
    client = Client()
    for k in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"inconnu{k}@example.org", "x-mauvais-mot-de-passe", "198.51.100.99")
    assert _login(client, plain_user.email, PASSWORD, "198.51.100.99").status_code == 429
    # The same account from another address is not locked: the lock was the address's.
    assert _login(client, plain_user.email, PASSWORD, "198.51.100.100").status_code == 302


def test_the_lockout_expires(settings, plain_user):
    client = Client()
    _fail(client, plain_user.email, settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, plain_user.email, "faux-mot-de-passe-x").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert _login(client, plain_user.email, PASSWORD).status_code == 302


def test_an_administrator_unlocks_an_account_in_the_admin(settings, client_for, administrator, plain_user):
    client = Client()
    _fail(client, plain_user.email, settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, plain_user.email, "encore-faux-mot-de-passe").status_code == 429
    assert _login(client, plain_user.email, PASSWORD).status_code == 429
    admin = client_for(administrator)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert plain_user.email in listing
    for attempt in AccessAttempt.objects.all():
        url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
        assert admin.post(url, {"post": "yes"}).status_code == 302
    assert _login(client, plain_user.email, PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(settings, plain_user):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client()
    proxy = "10.0.0.2"
    for k in range(settings.AXES_FAILURE_LIMIT):
        # What the client writes at the left is ignored; the proxy appends the real address.
        client.post(
            LOGIN,
            {"username": f"inconnu{k}@example.org", "password": "x-mauvais"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"1.1.1.{k}, 198.51.100.20",
        )
    locked = client.post(
        LOGIN,
        {"username": plain_user.email, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert locked.status_code == 429
    other_visitor = client.post(
        LOGIN,
        {"username": plain_user.email, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.21",
    )
    assert other_visitor.status_code == 302  # behind the same proxy, another visitor is not locked


@pytest.mark.parametrize(
    ("header", "count", "meta", "expected"),
    [
        ("", 1, {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "192.0.2.1"),
        (
            "HTTP_X_FORWARDED_FOR",
            1,
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"},
            "203.0.113.9",
        ),
        (
            "HTTP_X_FORWARDED_FOR",
            2,
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9, 10.0.0.5"},
            "203.0.113.9",
        ),
        (
            "HTTP_X_FORWARDED_FOR",
            2,
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},
            "10.0.0.1",
        ),
        ("HTTP_X_REAL_IP", 1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": "2001:db8::7"}, "2001:db8::7"),
        (
            "HTTP_X_FORWARDED_FOR",
            1,
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "pas-une-ip"},
            "10.0.0.1",
        ),
    ],
)
def test_client_ip(settings, header, count, meta, expected):
    settings.TRUSTED_PROXY_HEADER = header
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(RequestFactory().get("/", **meta)) == expected


# --- Password reset ------------------------------------------------------------------------------------------
def test_password_reset_is_throttled_per_address(
    settings, client, plain_user, mailbox, django_capture_on_commit_callbacks
):
    url = reverse("accounts:password_reset")
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for k in range(settings.PASSWORD_RESET_RATE_PER_HOUR + 3):
            statuses.append(
                client.post(url, {"email": plain_user.email}, REMOTE_ADDR=f"198.51.100.{k}").status_code
            )
    assert statuses == [302] * settings.PASSWORD_RESET_RATE_PER_HOUR + [429] * 3
    assert len(mailbox.wait_for(plain_user.email, settings.PASSWORD_RESET_RATE_PER_HOUR)) == (
        settings.PASSWORD_RESET_RATE_PER_HOUR
    )
    refused = client.post(url, {"email": plain_user.email}, REMOTE_ADDR="203.0.113.1").content.decode()
    assert "Trop de demandes" in refused and "Réessayez dans" in refused


def test_password_reset_is_throttled_per_client_address(settings, client):
    url = reverse("accounts:password_reset")
    for k in range(settings.PASSWORD_RESET_RATE_PER_HOUR):
        assert client.post(url, {"email": f"a{k}@example.org"}, REMOTE_ADDR="198.51.100.3").status_code == 302
    assert client.post(url, {"email": "autre@example.org"}, REMOTE_ADDR="198.51.100.3").status_code == 429


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, plain_user):
    url = reverse("accounts:password_reset")
    known = client.post(url, {"email": plain_user.email})
    unknown = client.post(url, {"email": "personne-inconnue@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


# --- Sign-up ---------------------------------------------------------------------------------------------------
def _sign_up(client, email, password, ip="198.51.100.7", **names):
    data = {"email": email, "password1": password, "password2": password} | names
    return client.post(reverse("accounts:signup"), data, REMOTE_ADDR=ip)


def _link(mailbox, address, index=-1) -> str:
    message = mailbox.wait_for(address, abs(index) if index < 0 else index + 1)[index]
    link = re.search(r"http://\S+/comptes/confirmer/\S+/", mailbox.text(message)).group(0)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_signing_up_an_existing_address_answers_the_same_and_changes_nothing(
    client, plain_user, mailbox, django_capture_on_commit_callbacks
):
    before = User.objects.get(pk=plain_user.pk).password
    with django_capture_on_commit_callbacks(execute=True):
        existing = _sign_up(client, plain_user.email.upper(), "un-autre-long-mot-de-passe")
        new = _sign_up(client, "nouvelle@example.org", "un-autre-long-mot-de-passe")
    assert (existing.status_code, existing["Location"]) == (new.status_code, new["Location"])
    assert User.objects.get(pk=plain_user.pk).password == before
    [message] = mailbox.wait_for(plain_user.email)
    assert "déjà un compte" in message["Subject"] and "/comptes/mot-de-passe/" in mailbox.text(message)


def test_a_squatted_address_stays_its_owners(client, mailbox, django_capture_on_commit_callbacks):
    """Someone signs up the owner's address with their own password: nothing is set; the owner's own sign-up
    resends a confirmation, and its link gives the account the owner's password, never the squatter's."""
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            _sign_up(
                client, "proprio@example.org", "mot-de-passe-du-squatteur", first_name="Intrus"
            ).status_code
            == 302
        )
    user = User.objects.get(email="proprio@example.org")
    assert not user.is_active and not user.has_usable_password()
    squatter_link = _link(mailbox, "proprio@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            _sign_up(
                client, "proprio@example.org", "mot-de-passe-du-proprio", first_name="Camille"
            ).status_code
            == 302
        )
    owner_link = _link(mailbox, "proprio@example.org", index=1)
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()  # still nothing set before confirmation
    assert SignUpRequest.objects.filter(user=user).count() == 2
    owner = Client()
    assert owner.get(owner_link).status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.check_password("mot-de-passe-du-proprio") and user.first_name == "Camille"
    assert not user.check_password("mot-de-passe-du-squatteur")
    assert Client().get(squatter_link).status_code == 400  # the other request is gone
    assert _login(Client(), "proprio@example.org", "mot-de-passe-du-squatteur").status_code == 400


def test_sign_up_is_throttled_per_client_address(settings, client):
    for k in range(settings.SIGNUP_RATE_PER_HOUR):
        assert (
            _sign_up(client, f"p{k}@example.org", "un-long-mot-de-passe", ip="198.51.100.8").status_code
            == 302
        )
    response = _sign_up(client, "encore@example.org", "un-long-mot-de-passe", ip="198.51.100.8")
    assert response.status_code == 429 and "Trop de demandes" in response.content.decode()
    assert not User.objects.filter(email="encore@example.org").exists()


def test_sign_up_is_throttled_per_address(settings, client):
    for k in range(settings.SIGNUP_RATE_PER_HOUR):
        assert (
            _sign_up(client, "cible@example.org", "un-long-mot-de-passe", ip=f"198.51.100.{k}").status_code
            == 302
        )
    assert _sign_up(client, "cible@example.org", "un-long-mot-de-passe", ip="203.0.113.4").status_code == 429


def test_passwords_need_12_characters(client):
    response = _sign_up(client, "court@example.org", "onze-caract")
    assert response.status_code == 400 and "12 caractères" in response.content.decode()
    assert _sign_up(client, "long@example.org", "douze-caract").status_code == 302


# --- Second factor and idle timeout of staff -------------------------------------------------------------------
def test_staff_enrol_a_totp_app_then_get_recovery_codes(client, programme_staff):
    response = _login(client, programme_staff.email, PASSWORD)
    assert response["Location"].startswith(reverse("accounts:otp_setup"))
    # Until the second factor, staff pages send back to it.
    page = client.get(reverse("calls:manage_index"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:otp_setup"))
    setup = client.get(reverse("accounts:otp_setup"))
    assert setup.status_code == 200 and 'src="data:image/svg+xml;base64,' in setup.content.decode()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=programme_staff, confirmed=False)
    secret = re.search(r'<code id="otp-secret">([A-Z2-7 ]+)</code>', setup.content.decode()).group(1)
    import base64

    assert (
        base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
        == device.bin_key
    )
    wrong = client.post(
        reverse("accounts:otp_setup"), {"code": "000000" if totp_code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "Code incorrect" in wrong.content.decode()
    # django-otp then makes the person wait (1 s after one failure, doubling): even the right code waits.
    early = client.post(reverse("accounts:otp_setup"), {"code": totp_code(device)})
    assert early.status_code == 400 and "attendez quelques secondes" in early.content.decode()
    import time

    time.sleep(2.1)
    done = client.post(reverse("accounts:otp_setup"), {"code": totp_code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get(reverse("calls:manage_index")).status_code == 200
    # Next login: the recovery code works once.
    client.post(reverse("accounts:logout"))
    assert _login(client, programme_staff.email, PASSWORD)["Location"].startswith(
        reverse("accounts:otp_verify")
    )
    assert client.post(reverse("accounts:otp_verify"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("calls:manage_index")).status_code == 200
    client.post(reverse("accounts:logout"))
    _login(client, programme_staff.email, PASSWORD)
    reused = client.post(reverse("accounts:otp_verify"), {"code": codes[0]})
    assert reused.status_code == 400 and "Code incorrect ou déjà utilisé" in reused.content.decode()


def test_staff_log_in_with_their_app_code_and_go_where_they_were_going(client, programme_staff):
    device = totp_device(programme_staff)
    target = reverse("calls:manage_index")
    response = client.post(
        f"{LOGIN}?next={target}", {"username": programme_staff.email, "password": PASSWORD, "next": target}
    )
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    verify = client.get(response["Location"])
    assert verify.status_code == 200
    done = client.post(response["Location"], {"code": totp_code(device), "next": target})
    assert done.status_code == 302 and done["Location"] == target
    assert client.get(target).status_code == 200


def test_the_verification_page_never_redirects_elsewhere(client, programme_staff):
    device = totp_device(programme_staff)
    _login(client, programme_staff.email, PASSWORD)
    done = client.post(
        reverse("accounts:otp_verify"), {"code": totp_code(device), "next": "https://evil.example/"}
    )
    assert done["Location"] == reverse("accounts:profile")


def test_an_unverified_staff_session_is_refused_by_the_api(client, programme_staff):
    client.force_login(programme_staff)
    response = client.get("/api/v1/selection/vagues/1/calculs")
    assert response.status_code == 403 and "double authentification" in response.json()["detail"]


def test_staff_sessions_end_after_two_idle_hours(settings, client_for, programme_staff, plain_user):
    staff = client_for(programme_staff)
    staff.get(reverse("accounts:profile"))
    assert staff.session.get_expiry_age() == settings.STAFF_SESSION_IDLE_SECONDS == 7200
    person = client_for(plain_user)
    person.get(reverse("accounts:profile"))
    assert person.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    # Idle longer than that: the session is gone.
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=staff.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = staff.get(reverse("calls:manage_index"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
