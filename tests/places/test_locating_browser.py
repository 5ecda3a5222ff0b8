"""The locating widgets in Chromium (issue 16): the commune autocomplete and the map picker of the place
proposal form — keyboard only, with the mouse, with the optional geocoder, and without JavaScript; axe-core
on each state of the page. Maps have no tiles in tests: the picker works on the outlines layer."""

import re

import pytest
from django.core.cache import cache

from tests.conftest import assert_accessible
from tests.factories.contributions import concarneau
from tests.factories.geo import RegionFactory, square_outline
from tierslieux.places.contributions.models import Proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PROPOSE = "/lieux/contribuer/proposer/"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()  # rate limits and cached outlines
    yield
    cache.clear()


@pytest.fixture
def brittany(db):
    """Concarneau, and a region outline around it (the map's only layer: no tiles in tests)."""
    RegionFactory(code="53", name="Bretagne", outline=square_outline(-3.9, 47.9, 0.5))
    return concarneau()


def tab_to(page, selector: str, limit: int = 150) -> None:
    """Press Tab until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never reached with the Tab key")


def coordinates(page) -> tuple[float, float]:
    lat = float(page.locator("#id_point_lat").input_value().replace(",", "."))
    lon = float(page.locator("#id_point_lon").input_value().replace(",", "."))
    return lat, lon


def test_keyboard_only_commune_autocomplete_and_map_picker(page, brittany):
    page.goto(PROPOSE)
    page.locator("#id_point_lat-map[data-tl-map-ready]").wait_for()
    assert (
        page.locator("#id_point_lat-map path.leaflet-interactive, #id_point_lat-map path").count() >= 1
    )  # the outline
    tab_to(page, "#id_name")
    page.keyboard.type("Le Repaire du Port")
    tab_to(page, "#id_commune")
    page.keyboard.type("concar")
    page.get_by_role("option", name=re.compile("Concarneau")).wait_for()
    assert page.locator("#id_commune").get_attribute("aria-expanded") == "true"
    assert_accessible(page)  # the list box open
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_commune").get_attribute("aria-activedescendant") == "id_commune-listbox-0"
    page.keyboard.press("Enter")
    assert page.locator("#id_commune").input_value() == "Concarneau (29900)"
    assert page.locator("input[name=commune_insee]").input_value() == "29039"
    # The map centred on the commune; the button puts the marker at the centre and focuses it.
    tab_to(page, "[data-tl-point-center]")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.classList.contains('tl-point__marker')")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("Repère du lieu")
    start = coordinates(page)
    assert start == (pytest.approx(47.875, abs=1e-4), pytest.approx(-3.918, abs=1e-4))
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowUp")
    moved = coordinates(page)
    assert moved[1] > start[1] and moved[0] > start[0]
    page.keyboard.press("ArrowLeft")
    assert coordinates(page)[1] < moved[1]
    assert "Repère placé : latitude" in page.locator("[data-tl-point-status]").inner_text()
    assert page.evaluate("document.activeElement.classList.contains('tl-point__marker')")  # focus kept
    assert_accessible(page)
    final = coordinates(page)
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/contribuer/merci/")
    proposal = Proposal.objects.get()
    assert (proposal.data["lat"], proposal.data["lon"]) == (
        pytest.approx(final[0], abs=1e-6),
        pytest.approx(final[1], abs=1e-6),
    )
    assert proposal.data["commune"] == "29039" and proposal.data["location_origin"] == "person"


def test_click_and_drag_the_marker_and_type_coordinates(page, brittany):
    page.goto(PROPOSE)
    map_element = page.locator("#id_point_lat-map[data-tl-map-ready]")
    map_element.wait_for()
    map_element.scroll_into_view_if_needed()
    box = map_element.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    first = coordinates(page)
    marker = page.locator(".tl-point__marker")
    assert marker.count() == 1
    handle = marker.bounding_box()
    page.mouse.move(handle["x"] + 14, handle["y"] + 14)
    page.mouse.down()
    page.mouse.move(handle["x"] + 74, handle["y"] + 14, steps=5)
    page.mouse.up()
    dragged = coordinates(page)
    assert dragged[1] > first[1] and dragged[0] == pytest.approx(first[0], abs=0.2)
    # Typing coordinates (decimal comma) moves the marker.
    page.locator("#id_point_lat").fill("47,8712")
    page.locator("#id_point_lon").fill("-3,9131")
    page.locator("#id_point_lon").dispatch_event("change")
    position = page.evaluate(
        "() => { const m = document.querySelector('[data-tl-point-picker]').tlPicker.marker().getLatLng(); return [m.lat, m.lng]; }"
    )
    assert position == [pytest.approx(47.8712), pytest.approx(-3.9131)]
    assert_accessible(page)


def test_the_optional_geocoder_places_the_marker_at_the_address(page, brittany, ban_geocoder):
    page.goto(PROPOSE)
    page.locator("#id_point_lat-map[data-tl-map-ready]").wait_for()
    page.locator("#id_name").fill("Le Quai")
    page.locator("#id_address").fill("2 quai Carnot")
    page.locator("#id_commune").fill("Concarneau")
    page.get_by_role("button", name="Localiser l’adresse saisie").click()
    page.get_by_text("Adresse trouvée : 2 Quai Carnot 29900 Concarneau").wait_for(state="attached")
    assert coordinates(page) == (47.8731, -3.9125)
    assert page.locator("#id_point_origin").input_value() == "address"
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_url("**/contribuer/merci/")
    assert Proposal.objects.get().data["location_origin"] == "address"


def test_without_javascript_the_fields_are_plain_text(browser, live_server, brittany):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(PROPOSE)
        assert page.locator("[data-tl-point-block]").is_hidden()
        assert page.locator("#id_commune").get_attribute("role") is None
        page.locator("#id_name").fill("Le Hangar")
        page.locator("#id_commune").fill("29900")
        page.locator("#id_point_lat").fill("45,4190")  # refused before: a decimal comma
        page.locator("#id_point_lon").fill("-3°55'1\"")  # degrees, minutes, seconds
        page.locator("#id_point_lat").fill("47,8712")
        page.get_by_role("button", name="Envoyer la proposition").click()
        page.wait_for_url("**/contribuer/merci/")
        proposal = Proposal.objects.get()
        assert proposal.data["lat"] == 47.8712 and round(proposal.data["lon"], 5) == -3.91694
    finally:
        context.close()
