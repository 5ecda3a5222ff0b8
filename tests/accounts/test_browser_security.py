"""In Chromium: programme staff enrol their authentication app (the code computed here from the key the page
shows), read their recovery codes, then log in with password and code; a locked-out login reads when to
retry."""

from __future__ import annotations

import base64
import time

import pytest
from django_otp.oath import TOTP

from tests.conftest import PASSWORD, assert_accessible, submit_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret: str, offset: int = 0) -> str:
    key = secret.replace(" ", "")
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    totp.time = time.time() + offset
    return f"{totp.token():06d}"


def _password_step(page, user):
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_staff_enrol_their_app_then_log_in_with_a_code(page, programme_staff):
    _password_step(page, programme_staff)
    page.wait_for_url("**/comptes/double-authentification/activation/**")
    assert page.get_by_role("img", name="Code QR de configuration").is_visible()
    assert_accessible(page)
    secret = page.locator("#otp-secret").text_content()
    page.get_by_label("Code de vérification").fill(_code(secret))
    page.get_by_role("button", name="Activer").click()
    page.get_by_role("heading", name="Vos codes de secours").wait_for()
    assert page.locator("#recovery-codes li").count() == 10
    assert_accessible(page)
    page.get_by_role("link", name="Continuer").click()
    page.wait_for_url("**/comptes/profil/")
    assert page.get_by_text("Double authentification").first.is_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    _password_step(page, programme_staff)
    page.wait_for_url("**/comptes/double-authentification/?**")
    assert_accessible(page)
    page.get_by_label("Code de vérification").fill("000000" if _code(secret, 30) != "000000" else "111111")
    assert submit_status(page, "Vérifier") == 400
    assert page.get_by_text("Code incorrect ou déjà utilisé").is_visible()
    assert_accessible(page)
    time.sleep(1.2)  # django-otp's delay after a wrong code
    page.get_by_label("Code de vérification").fill(_code(secret, 30))  # the next time step: never reused
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_url("**/comptes/profil/")


def test_a_locked_out_login_says_when_to_retry(page, plain_user, settings):
    page.goto("/comptes/connexion/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page.get_by_label("Adresse électronique").fill(plain_user.email)
        page.get_by_label("Mot de passe").fill("pas-le-bon-mot")
        assert submit_status(page, "Se connecter") == 400
    page.get_by_label("Adresse électronique").fill(plain_user.email)
    page.get_by_label("Mot de passe").fill("toujours-pas-le-bon")
    assert submit_status(page, "Se connecter") == 429  # the failure that reaches the limit
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(plain_user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    assert submit_status(page, "Se connecter") == 429  # even the right password, while locked out
    assert page.get_by_role("heading", name="Trop de tentatives").is_visible()
    assert page.get_by_text("Réessayez dans").is_visible()
    assert_accessible(page)
