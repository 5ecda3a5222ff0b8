"""Two people edit the same place in two browsers at once: the second save shows the conflict page (both
versions, what was typed still in the form), and saving again after comparing keeps the second text."""

import pytest
from django.test import Client

from tests.conftest import assert_accessible, submit_status, verify_second_factor
from tests.factories.contributions import make_place
from tierslieux.places.services import place_add_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(browser, live_server, user):
    """A second person's browser: its own context, signed in through a session made by Django's client
    (second factor verified for programme staff, as the login step does)."""
    client = Client()
    client.force_login(user)
    verify_second_factor(client, user)
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris")
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, context.new_page()


def test_two_people_edit_a_place_at_once_and_no_text_is_lost(
    page, login, browser, live_server, place_manager, programme_staff
):
    place = make_place(name="La Fabrique du Port")
    place_add_manager(place=place, user=place_manager)
    url = f"/lieux/{place.slug}/modifier/"
    login(place_manager)
    page.goto(url)
    context, other = _signed_in_page(browser, live_server, programme_staff)
    try:
        other.goto(url)
        other.locator("#id_description").fill("Ouvert le samedi, texte de l’équipe.")
        assert submit_status(other, "Enregistrer") == 302  # saved, redirected to the history
        assert "/historique/" in other.url
    finally:
        context.close()

    page.locator("#id_description").fill("Atelier bois le mardi soir, texte du gestionnaire.")
    assert submit_status(page, "Enregistrer") == 409
    alert = page.locator("#edit-conflict")
    assert "Quelqu’un a enregistré une autre version" in alert.inner_text()
    comparison = page.get_by_role("table", name="Les deux versions, champ par champ").inner_text()
    assert "Ouvert le samedi, texte de l’équipe." in comparison
    assert "Atelier bois le mardi soir, texte du gestionnaire." in comparison
    assert (
        page.locator("#id_description").input_value() == "Atelier bois le mardi soir, texte du gestionnaire."
    )
    assert_accessible(page)

    assert submit_status(page, "Enregistrer") == 302
    assert "/historique/" in page.url
    place.refresh_from_db()
    assert place.description == "Atelier bois le mardi soir, texte du gestionnaire."
    assert [v.snapshot["description"] for v in place.versions.all()[:2]] == [
        "Atelier bois le mardi soir, texte du gestionnaire.",
        "Ouvert le samedi, texte de l’équipe.",
    ]
