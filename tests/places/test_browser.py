import json
import re

import pytest

from tests.conftest import assert_accessible
from tests.geo.combobox_helpers import pick_commune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def map_zoom(page) -> int:
    return page.evaluate("document.getElementById('atlas-map').tlMap.getZoom()")


def tick(page, label: str):
    """DSFR checkboxes are operated through their label (it covers the input), which ends with the number of
    places the value gives."""
    page.locator("#atlas-filters label").filter(has_text=re.compile(rf"^\s*{label} \(\d+\)\s*$")).click()


def wait_for_markers(page):
    page.wait_for_selector("#atlas-map[data-markers]", state="attached")


def test_atlas_filters_update_list_and_url_and_back_button_works(page, places):
    page.goto("/lieux/")
    wait_for_markers(page)
    assert page.locator("#atlas-list > li").count() == 3
    assert_accessible(page)
    tick(page, "Fablab")
    page.wait_for_url("**/lieux/?type=fablab")
    page.wait_for_function("() => document.querySelectorAll('#atlas-list > li').length === 1")
    assert page.locator("#atlas-list").inner_text().startswith("La Forge Numérique")
    page.go_back()
    page.wait_for_function("() => document.querySelectorAll('#atlas-list > li').length === 3")
    assert not page.get_by_label(re.compile(r"^\s*Fablab \(\d+\)\s*$")).is_checked()
    page.go_forward()
    page.wait_for_function("() => document.querySelectorAll('#atlas-list > li').length === 1")
    assert page.get_by_label(re.compile(r"^\s*Fablab \(\d+\)\s*$")).is_checked()


def test_atlas_search_and_around_a_commune(page, places):
    page.goto("/lieux/?around=Brest")
    assert page.locator(".tl-distance").first.inner_text() == "0,3 km"
    page.get_by_label("Rechercher un lieu ou une ville").fill("garaje")
    page.wait_for_function("() => document.querySelectorAll('#atlas-list > li').length === 1")
    assert "q=garaje" in page.url and "Garage solidaire" in page.locator("#atlas-list").inner_text()
    assert_accessible(page)


def test_atlas_around_a_commune_picked_in_the_autocomplete_with_the_keyboard(page, two_saint_pierre):
    page.goto("/lieux/")
    wait_for_markers(page)
    box = page.get_by_role("combobox", name="Autour de (commune ou code postal)")
    # The second option, the less populated commune of that name.
    pick_commune(page, box, "saint-p", option="Finistère", position=2, count=2)
    assert box.input_value() == "Saint-Pierre (29)" and box.get_attribute("aria-expanded") == "false"
    box.press("Enter")  # the list is closed: Enter submits the filters
    page.wait_for_url("**around_insee=29999**")
    page.wait_for_function(
        "() => (document.querySelector('#atlas-list > li') || {}).textContent?.includes('La Forge Numérique')"
    )
    assert page.locator(".tl-distance").first.inner_text() == "0,7 km"  # from Saint-Pierre, not Lyon
    assert_accessible(page)


def test_cluster_click_zooms_in(page, places):
    page.goto("/lieux/")
    wait_for_markers(page)
    before = map_zoom(page)
    cluster = page.locator(".tl-cluster", has_text="2")
    cluster.click()
    page.wait_for_function(f"() => document.getElementById('atlas-map').tlMap.getZoom() > {before}")
    assert map_zoom(page) > before


def test_atlas_list_works_without_javascript(browser, live_server, places):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto("/lieux/")
        assert page.locator("#atlas-list > li").count() == 3
        tick(page, "Espace de coworking")
        page.get_by_role("button", name="Afficher les lieux").click()
        page.wait_for_url("**/lieux/?*type=coworking*")
        assert page.locator("#atlas-list > li").count() == 1
        assert "Coworking Croix-Rousse" in page.locator("#atlas-list").inner_text()
    finally:
        context.close()


def test_place_page(page, places):
    page.goto(places["forge"].get_absolute_url())
    assert page.locator("h1").inner_text() == "La Forge Numérique"
    page.wait_for_selector("#place-map[data-tl-map-ready]", state="attached")
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "Place" and data["address"]["addressLocality"] == "Brest"
    assert "jeanne" not in page.content().lower()
    assert_accessible(page)
    page.get_by_role("link", name="Coworking Croix-Rousse").click()
    page.wait_for_url("**/lieux/coworking-croix-rousse/")
