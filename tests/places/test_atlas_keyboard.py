"""The atlas map by keyboard only, the overseas insets, the labelled downloads and the small-screen layout."""

import re

import pytest

from tests.conftest import assert_accessible
from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory
from tests.keyboard import focused, tab_until
from tierslieux.places.services import place_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def guadeloupe_place(places):
    region = RegionFactory(code="01", name="Guadeloupe")
    commune = CommuneFactory(
        insee="97120",
        name="Pointe-à-Pitre",
        postcodes="97110",
        department=DepartmentFactory(code="971", name="Guadeloupe", region=region),
        town_hall_lon=-61.53,
        town_hall_lat=16.24,
    )
    return place_create(
        data={
            "name": "Kaz Numérique",
            # A tiers-lieu: a place of médiation numérique only is in a layer the atlas hides by default.
            "types": ["coworking"],
            "lon": -61.53,
            "lat": 16.24,
            "commune": commune,
        }
    )


def wait_for_markers(page):
    page.wait_for_selector("#atlas-map[data-markers]", state="attached")


def test_the_map_can_be_skipped(page, places):
    page.goto("/lieux/")
    wait_for_markers(page)
    skip = tab_until(page, lambda s: s["text"] == "Passer la carte")
    assert skip["tag"] == "A"
    assert page.locator(".tl-map-skip").first.is_visible()  # visible once focused
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "atlas-map-fin"
    # The next tab stop is after the map (its insets and legend), never inside it.
    page.keyboard.press("Tab")
    assert not focused(page)["inMap"]


def test_clusters_and_places_work_with_enter_and_space_and_are_named(page, places):
    page.goto("/lieux/")
    wait_for_markers(page)
    page.locator("#atlas-map").focus()
    cluster = tab_until(page, lambda s: s["inMap"] and "lieux" in s["label"])
    assert cluster["label"] == "2 lieux — zoomer"
    # Only markers in view: every marker of the main map lies inside it.
    assert page.evaluate(
        """() => { const box = document.getElementById('atlas-map').getBoundingClientRect();
             return [...document.querySelectorAll('#atlas-map .tl-marker')].every(m => {
               const r = m.getBoundingClientRect();
               return r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom; }); }"""
    )
    zoom = page.evaluate("document.getElementById('atlas-map').tlMap.getZoom()")
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.getElementById('atlas-map').tlMap.getZoom() > {zoom}")
    page.wait_for_function(
        "() => document.getElementById('atlas-map-status').textContent.includes('Zoom sur 2 lieux')"
    )
    assert "2 lieux affichés sur la carte" in page.locator("#atlas-map-status").text_content()
    assert focused(page)["id"] == "atlas-map"  # focus stays on the map, never dropped to <body>
    place = tab_until(page, lambda s: s["inMap"] and "aperçu du lieu" in s["label"])
    assert place["label"] in {
        "Coworking Croix-Rousse — aperçu du lieu",
        "Garage solidaire de Lyon — aperçu du lieu",
    }
    name = place["label"].split(" — ")[0]
    page.keyboard.press(" ")
    link = page.locator(".tl-place-preview a")
    link.wait_for()
    assert focused(page)["text"] == name and focused(page)["tag"] == "A"
    page.wait_for_function(
        "() => document.querySelector('.tl-place-preview a').getAttribute('href').includes('/lieux/')"
    )
    page.keyboard.press("Escape")
    page.wait_for_selector(".tl-place-preview", state="detached")
    assert focused(page)["label"] == place["label"]  # back on the marker
    assert_accessible(page)


def test_overseas_places_are_in_insets_and_not_in_the_first_view(page, guadeloupe_place):
    page.goto("/lieux/")
    wait_for_markers(page)
    page.wait_for_selector("[data-inset='971'] .tl-marker", state="attached")
    assert (
        page.locator("#atlas-map .tl-place-dot").count() + page.locator("#atlas-map .tl-cluster").count() >= 1
    )
    names = page.eval_on_selector_all(
        "#atlas-map [aria-label]", "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert not any("Kaz Numérique" in name for name in names)
    # The insets are pictures: nothing in them takes focus but their button.
    assert page.locator("[data-inset='971'] .tl-marker[tabindex]").count() == 0
    page.get_by_role("button", name="Guadeloupe — afficher sur la carte principale").click()
    page.wait_for_function(
        "() => document.querySelector('#atlas-map [aria-label=\"Kaz Numérique — aperçu du lieu\"]') !== null"
    )
    assert focused(page)["id"] == "atlas-map"
    assert_accessible(page)


def test_download_links_say_what_they_download(page, places):
    page.goto("/lieux/?type=fablab")
    for fmt in ("CSV", "Excel", "GeoJSON"):
        link = page.get_by_role("link", name=re.compile(f"Télécharger la liste en {fmt}"))
        assert link.is_visible()
        assert "type=fablab" in link.get_attribute("href")


def test_small_screen_switches_between_map_and_list_with_folded_filters(browser, live_server, places):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 700}, locale="fr-FR"
    )
    page = context.new_page()
    try:
        page.goto("/lieux/")
        wait_for_markers(page)
        toggle = page.get_by_role("button", name="Filtres")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.locator("#atlas-filters-panel").is_hidden()
        # The map comes first, right under the heading, not after the filters (it was 3,148 px down).
        assert page.locator("#atlas-map").bounding_box()["y"] < 800
        assert page.locator("#atlas-results").is_hidden()
        page.locator("label[for='atlas-view-list']").click()
        assert page.locator("#atlas-results").is_visible() and page.locator("#atlas-map-block").is_hidden()
        toggle.click()
        assert (
            toggle.get_attribute("aria-expanded") == "true"
            and page.locator("#atlas-filters-panel").is_visible()
        )
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
        assert_accessible(page)
    finally:
        context.close()


def test_place_map_has_no_focusable_marker(page, places):
    page.goto(places["forge"].get_absolute_url())
    page.wait_for_selector("#place-map[data-tl-map-ready]", state="attached")
    assert page.locator("#place-map .leaflet-marker-icon").count() == 0
    assert page.locator("#place-map path.leaflet-interactive").count() == 0
    assert page.locator("#place-map [role=button]:not(.leaflet-control-zoom a)").count() == 0
