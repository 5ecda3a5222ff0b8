"""Browser tests: the diagnostic page and the what-if preview (headless Chromium, axe-core)."""

from __future__ import annotations

import pytest

from tests.conftest import assert_accessible
from tests.factories.diagnostic import second_plouzen, small_geography
from tests.geo.combobox_helpers import pick_commune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_diagnostic_page_map_and_charts(page):
    small_geography()
    page.goto("/diagnostic/departement/29/")
    assert page.locator("h1").inner_text() == "Diagnostic territorial — Finistère (29)"
    page.wait_for_selector("#carte-diagnostic[data-tl-map-ready]")
    assert page.locator("#carte-diagnostic path.leaflet-interactive, #carte-diagnostic path").count() >= 3
    assert page.get_by_role(
        "img", name="Nombre de communes par distance au tiers-lieu le plus proche"
    ).is_visible()
    assert page.locator("#table-communes tbody tr").count() == 3
    assert page.get_by_role("link", name="Simuler").count() == 0
    assert_accessible(page)
    page.locator("#filtres summary").click()
    page.get_by_label("Fermé définitivement").check(force=True)
    page.get_by_label("Ouvert", exact=True).uncheck(force=True)
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_url("**statut=closed**")
    assert "tiers-lieux fermés définitivement" in page.locator("#filtres summary").inner_text()
    assert_accessible(page)


def test_staff_previews_a_new_place_by_clicking_the_map(page, login, programme_staff):
    small_geography()
    login(programme_staff)
    page.goto("/diagnostic/departement/56/")
    page.wait_for_selector("#carte-diagnostic[data-tl-map-ready]")
    # Click where Moréac-sur-Lande is: the map is fitted on the department's two communes.
    point = page.evaluate(
        """() => { const map = document.getElementById('carte-diagnostic').tlMap;
                   const p = map.latLngToContainerPoint([47.8, -3.0]); return {x: p.x, y: p.y}; }"""
    )
    page.locator("#carte-diagnostic").click(position=point)
    preview = page.locator("#what-if-preview")
    preview.wait_for()
    assert "2 communes sortiraient de la zone blanche" in preview.inner_text()
    assert "Moréac-sur-Lande" in preview.inner_text()
    assert preview.get_attribute("data-leaving").split() == ["56001", "56002"]
    # The two communes leaving the white zone are outlined on the map.
    page.wait_for_function(
        "() => document.querySelectorAll('#carte-diagnostic path[stroke-dasharray]').length === 2"
    )
    assert_accessible(page)


def test_staff_previews_a_new_place_by_picking_a_commune(page, login, programme_staff):
    small_geography()
    login(programme_staff)
    page.goto("/diagnostic/")
    page.get_by_label("Commune (nom ou code INSEE)").fill("Plouzen")
    page.get_by_role("button", name="Simuler").click()
    preview = page.locator("#what-if-preview")
    preview.wait_for()
    assert "à Plouzen (29003)" in preview.inner_text()
    assert "1 commune sortirait de la zone blanche" in preview.inner_text()
    page.get_by_label("Commune (nom ou code INSEE)").fill("Atlantide")
    page.get_by_role("button", name="Simuler").click()
    page.get_by_text("Aucune commune ne correspond à « Atlantide ».").wait_for()
    assert_accessible(page)


def test_staff_picks_the_commune_in_the_autocomplete_with_the_keyboard(page, login, programme_staff):
    geography = small_geography()
    # Two Plouzen: the text alone would mean the most populated one, the combobox's choice decides.
    second_plouzen(geography)
    login(programme_staff)
    page.goto("/diagnostic/")
    box = page.get_by_role("combobox", name="Commune (nom ou code INSEE)")
    # The second option, the less populated commune of that name.
    pick_commune(page, box, "plouz", option="Morbihan", position=2, count=2)
    assert box.input_value() == "Plouzen (56)" and box.get_attribute("aria-expanded") == "false"
    box.press("Enter")  # the list is closed: Enter submits
    preview = page.locator("#what-if-preview")
    preview.wait_for()
    assert "à Plouzen (56099)" in preview.inner_text()
    assert_accessible(page)


def test_france_map_patterns_insets_and_skip_link(page):
    small_geography()
    page.goto("/diagnostic/")
    page.wait_for_selector("#carte-diagnostic[data-tl-map-ready]")
    # Classes are drawn with their pattern (colour is never the only cue), the same as the legend's swatches.
    assert page.locator('#carte-diagnostic path[fill^="url(#tl-dist-"]').count() >= 1
    assert page.locator('.tl-legend__list svg rect[fill^="url(#tl-dist-"]').count() == 6
    assert page.locator("#carte-diagnostic-insets [data-inset]").count() == 5
    page.locator(".tl-map-skip").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "carte-diagnostic-fin"
    assert_accessible(page)
