import re

import pytest

from tests.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_is_accessible(page):
    page.goto("/")
    assert page.locator("h1").inner_text().startswith("Les tiers-lieux de France")
    assert page.locator("#figures li").count() >= 5
    assert_accessible(page)


def test_french_404_page_is_accessible(page):
    response = page.goto("/nulle-part/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page non trouvée"
    assert_accessible(page)


def test_sign_up_confirm_and_log_in(page, mailbox):
    page.goto("/comptes/inscription/")
    assert_accessible(page)
    page.get_by_label("Prénom").fill("Aïcha")
    page.locator("#id_email").fill("aicha@example.org")
    page.locator("#id_password1").fill("un-mot-de-passe-solide")
    page.locator("#id_password2").fill("un-mot-de-passe-solide")
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url("**/inscription/envoyee/")
    assert_accessible(page)
    [message] = mailbox.wait_for("aicha@example.org")
    path = re.search(r"/comptes/confirmer/\S+/", mailbox.text(message)).group(0)
    page.goto(path)
    page.wait_for_url("**/comptes/profil/")
    assert "Votre adresse est confirmée" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto("/comptes/connexion/")
    assert_accessible(page)
    page.get_by_label("Adresse électronique").fill("aicha@example.org")
    page.get_by_label("Mot de passe").fill("un-mot-de-passe-solide")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/comptes/profil/")
    assert page.get_by_role("heading", name="Mon compte").is_visible()


@pytest.mark.parametrize("path", ["/donnees/", "/a-propos/", "/accessibilite/", "/mentions-legales/"])
def test_static_pages_are_accessible(page, path):
    page.goto(path)
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_staff_workspace_is_accessible(page, login, programme_staff):
    login(programme_staff)
    assert page.locator("#workspace a").count() >= 4
    assert_accessible(page)


def test_a_content_security_policy_violation_is_caught(page, csp_violations):
    """The `page` fixture fails any browser test whose pages report a CSP violation: here an inline script
    added to the page is blocked, and reported."""
    page.goto("/")
    page.evaluate(
        """() => { const script = document.createElement("script");
                   script.textContent = "window.__ran = 1"; document.body.appendChild(script); }"""
    )
    for _ in range(40):
        if csp_violations:
            break
        page.wait_for_timeout(50)
    assert page.evaluate("window.__ran") is None
    assert len(csp_violations) == 1 and "script-src" in csp_violations[0], csp_violations
    csp_violations.clear()  # planted on purpose: the fixture would fail the test at its end
