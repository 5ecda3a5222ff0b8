"""Territory pages in headless Chromium: search-as-you-type in the header, a territory page with its map."""

from __future__ import annotations

import pytest

from tests.conftest import assert_accessible
from tests.factories.geo import CommuneFactory, DepartmentFactory, EpciFactory, RegionFactory, square_outline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def finistere():
    region = RegionFactory(outline=square_outline(-3.0, 48.0, 1.5))
    department = DepartmentFactory(region=region, outline=square_outline(-4.0, 48.2, 0.6))
    epci = EpciFactory(siren="242900769", name="Concarneau Cornouaille Agglomération")
    concarneau = CommuneFactory(
        insee="29039",
        name="Concarneau",
        department=department,
        epci=epci,
        population=19_050,
        postcodes="29900",
        density_level="Petites villes",
        petite_ville_de_demain=True,
        outline=square_outline(-3.91, 47.89, 0.04),
    )
    CommuneFactory(insee="29019", name="Brest", department=department, epci=None, population=139_000)
    return concarneau


def test_header_search_suggests_and_opens_the_commune_page(page, finistere):
    page.goto("/territoires/")
    assert_accessible(page)
    box = page.locator("#header-search-input")
    box.press_sequentially("concar", delay=30)
    suggestion = page.get_by_role("link", name="Concarneau — Commune, Finistère (29) — 29900")
    suggestion.wait_for()
    assert "suggestion" in page.locator("#header-search-status").inner_text()
    assert_accessible(page)
    box.press("ArrowDown")  # the keyboard goes down into the list…
    assert page.evaluate("document.activeElement.closest('#header-search-suggestions') !== null")
    page.keyboard.press("Escape")  # …and Escape closes it, back to the box
    assert page.locator("#header-search-suggestions a").count() == 0
    assert page.evaluate("document.activeElement.id") == "header-search-input"
    box.press_sequentially("n", delay=30)
    suggestion.wait_for()
    suggestion.click()
    page.wait_for_url("**/territoires/commune/29039/")
    assert page.locator("h1").inner_text() == "Concarneau"
    page.locator("#carte[data-tl-map-ready]").wait_for()
    assert page.locator("#carte .leaflet-interactive, #carte path").count() >= 1
    assert_accessible(page)


def test_search_without_suggestions_submits_to_the_results_page(page, finistere):
    page.goto("/territoires/")
    page.locator("#territory-search-input").fill("29900")
    page.locator("#territory-search-input").press("Enter")
    page.wait_for_url("**/territoires/recherche/?q=29900")
    assert page.get_by_role("link", name="Concarneau").is_visible()
    assert_accessible(page)


def test_department_page_with_its_map(page, finistere):
    page.goto("/territoires/departement/29/")
    assert page.locator("h1").inner_text() == "Finistère (29)"
    page.locator("#carte[data-tl-map-ready]").wait_for()
    assert page.locator("#carte svg path").count() >= 3  # region + department outlines + the territory
    assert page.get_by_role("region", name="Carte du département Finistère").is_visible()
    assert page.locator("table caption", has_text="Communes, par population").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize(
    ("url", "title", "caption"),
    [
        ("/territoires/region/53/", "Bretagne", "Départements de la région"),
        ("/territoires/epci/242900769/", "Concarneau Cornouaille Agglomération", "Communes membres (1)"),
    ],
)
def test_region_and_epci_pages_with_their_map(page, finistere, url, title, caption):
    page.goto(url)
    assert page.locator("h1").inner_text() == title
    page.locator("#carte[data-tl-map-ready]").wait_for()
    assert page.locator("table caption", has_text=caption).is_visible()
    assert_accessible(page)
