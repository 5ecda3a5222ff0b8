"""The budget step for a screen-reader and keyboard user: the autosave names the refused cell, the live region says
one short sentence, a refused plain save focuses the error summary; and the application form by keyboard only."""

import re

import pytest

from tests.conftest import assert_accessible
from tests.keyboard import tab_until
from tierslieux.calls.models import Application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_autosave_error_names_the_cell_and_the_live_region_stays_short(page, login, applicant, draft):
    login(applicant)
    page.goto(f"/appels/dossiers/{draft.pk}/etape/3/")
    status = page.locator("#autosave-status")
    assert status.get_attribute("aria-live") == "polite"
    # The totals are replaced at each save, silently: they are not a live region.
    assert page.locator("#budget-totals").get_attribute("aria-live") is None
    assert page.locator("[aria-live] #budget-totals, [role=status] #budget-totals").count() == 0

    cell = page.locator("#budget-expenses-operations-2")
    cell.fill("12a")
    cell.press("Tab")
    message = "Fonctionnement, année 2 : « 12a » n’est pas un montant entier en euros."
    status.get_by_role("link", name=message).wait_for()
    assert "n’est pas enregistré" in status.inner_text()
    assert cell.get_attribute("aria-invalid") == "true"
    described = cell.get_attribute("aria-describedby")
    assert page.locator(f"#{described}").inner_text() == message
    assert_accessible(page)

    cell.fill("20000")
    page.locator("#budget-expenses-staff-1").fill("60000")
    page.locator("#budget-expenses-staff-1").press("Tab")
    status.get_by_text("Enregistré à").wait_for()
    text = status.inner_text()
    # One short sentence (it used to re-read the whole totals table: 1,200 characters).
    assert len(text) < 160, text
    assert re.search(r"Enregistré à \d{1,2}\u202fh\u202f\d{2}\.", text), text
    assert "à corriger avant le dépôt" in text or "Le budget est équilibré." in text
    assert cell.get_attribute("aria-invalid") is None
    assert page.locator("#budget-expenses-operations-2-error").count() == 0
    assert Application.objects.get(pk=draft.pk).budget["expenses"]["operations"][1] == 20_000


def test_a_refused_plain_save_moves_focus_to_the_error_summary(page, login, applicant, draft):
    login(applicant)
    page.goto(f"/appels/dossiers/{draft.pk}/etape/3/")
    # Without waiting for the autosave: the plain "Enregistrer" button posts the whole form.
    page.evaluate("document.getElementById('budget-resources-own-3').value = '-5'")
    with page.expect_response(lambda r: r.request.method == "POST" and "etape/3" in r.url) as posted:
        page.get_by_role("button", name="Enregistrer", exact=True).click()
    assert posted.value.status == 400
    page.wait_for_load_state()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'")
    summary = page.locator("#error-summary")
    link = summary.get_by_role("link", name=re.compile("Recettes propres, année 3"))
    assert link.get_attribute("href") == "#budget-resources-own-3"
    assert page.locator("#budget-resources-own-3").input_value() == "-5"  # what was typed is kept
    assert_accessible(page)


def test_budget_inputs_fit_on_a_small_screen(browser, live_server, applicant, draft):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 700}, locale="fr-FR"
    )
    page = context.new_page()
    try:
        context.add_cookies([_session_cookie(live_server, applicant)])
        page.goto(f"/appels/dossiers/{draft.pk}/etape/3/")
        cell = page.locator("#budget-expenses-staff-1")
        cell.fill("1234567")
        # The whole amount shows (7 digits), the page itself never scrolls sideways (the table scrolls in place).
        assert page.evaluate(
            "() => { const i = document.getElementById('budget-expenses-staff-1'); return i.scrollWidth <= i.clientWidth; }"
        )
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def _session_cookie(live_server, user) -> dict:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def test_application_steps_by_keyboard_only(page, login, applicant, draft):
    """Step 2 and step 3 filled, saved and left with the keyboard alone (Tab, typing, Enter)."""
    login(applicant)
    page.goto(f"/appels/dossiers/{draft.pk}/etape/2/")

    tab_until(page, lambda s: s["id"] == "id_project_title")
    page.keyboard.press("Control+a")
    page.keyboard.type("Fabrique au clavier")
    tab_until(page, lambda s: s["id"] == "id_summary")
    page.keyboard.press("Control+a")
    page.keyboard.type("Un projet rempli sans souris.")
    tab_until(page, lambda s: s["tag"] == "BUTTON" and s["name"] == "go" and s["value"] == "next")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/etape/3/$"))
    saved = Application.objects.get(pk=draft.pk)
    assert saved.project_title == "Fabrique au clavier" and saved.summary == "Un projet rempli sans souris."

    tab_until(page, lambda s: s["id"] == "budget-expenses-staff-1")
    page.keyboard.press("Control+a")
    page.keyboard.type("60000")
    tab_until(page, lambda s: s["id"] == "budget-resources-requested-1")
    page.keyboard.press("Control+a")
    page.keyboard.type("60000")
    tab_until(page, lambda s: s["tag"] == "BUTTON" and s["value"] == "next")
    # The autosave of what was typed may still be on its way: the step is left once it has landed.
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/etape/4/$"))
    budget = Application.objects.get(pk=draft.pk).budget
    assert budget["expenses"]["staff"][0] == 60_000 and budget["resources"]["requested"][0] == 60_000
    assert_accessible(page)
