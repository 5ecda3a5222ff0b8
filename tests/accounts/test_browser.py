"""Bad input in the account forms, in Chromium: a 400 page with the French messages and what was typed."""

import pytest

from tests.conftest import assert_accessible, submit_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_bad_input_shows_the_form_again(page):
    page.goto("/comptes/inscription/")
    page.get_by_label("Prénom").fill("Aïcha")
    page.locator("#id_email").fill("aicha@")
    page.locator("#id_password1").fill("un-mot-de-passe-solide")
    page.locator("#id_password2").fill("un-autre-mot-de-passe")
    assert submit_status(page, "Créer mon compte") == 400
    assert page.get_by_label("Prénom").input_value() == "Aïcha"
    assert page.locator("#id_email").input_value() == "aicha@"
    assert page.get_by_text("Les deux mots de passe ne correspondent pas.").is_visible()
    assert page.get_by_text("Le formulaire contient des erreurs").is_visible()
    assert_accessible(page)


def test_wrong_password_shows_the_form_again(page, plain_user):
    page.goto("/comptes/connexion/")
    page.get_by_label("Adresse électronique").fill(plain_user.email)
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    assert submit_status(page, "Se connecter") == 400
    assert page.get_by_label("Adresse électronique").input_value() == plain_user.email
    assert page.get_by_text("Adresse électronique ou mot de passe incorrect.").is_visible()
    assert_accessible(page)


def test_profile_bad_input_shows_the_form_again(page, login, plain_user):
    login(plain_user)
    page.get_by_label("Prénom").fill("Dominique")
    # Chromium enforces maxlength: remove it, as a client that does not would send the whole value.
    page.get_by_label("Téléphone").evaluate("input => input.removeAttribute('maxlength')")
    page.get_by_label("Téléphone").fill("0" * 31)
    assert submit_status(page, "Enregistrer") == 400
    assert page.get_by_label("Prénom").input_value() == "Dominique"
    assert page.get_by_label("Téléphone").input_value() == "0" * 31
    assert page.get_by_text("au plus 30 caractères").is_visible()
    assert_accessible(page)
    plain_user.refresh_from_db()
    assert plain_user.first_name != "Dominique"
