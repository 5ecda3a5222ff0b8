"""The atlas in Chromium: usual spellings in the search box, facet counts, the "médiation numérique" layer."""

import pytest

from tests.conftest import assert_accessible
from tierslieux.places.services import place_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_facets_and_digital_inclusion_layer(page, places):
    place_create(
        data={
            "name": "Point numérique de Brest",
            "types": ["mediation_numerique"],
            "lon": -4.48,
            "lat": 48.39,
            "commune": places["forge"].commune,
        }
    )
    page.goto("/lieux/")
    page.wait_for_selector("#atlas-map[data-markers]", state="attached")
    labels = page.locator("#atlas-filters label").all_inner_texts()
    assert "Fablab (1)" in labels and "Espace de coworking (1)" in labels
    assert not any(label.startswith(("Micro-Folie", "Makerspace", "Repair café")) for label in labels)
    assert page.locator("#atlas-list > li").count() == 3
    assert (
        "1 lieu de médiation numérique correspond aussi à ces critères"
        in page.locator("#atlas-layer-note").inner_text()
    )
    assert_accessible(page)

    page.get_by_label("Rechercher un lieu ou une ville").fill("fab lab")
    page.wait_for_function("() => document.querySelectorAll('#atlas-list > li').length === 1")
    assert "La Forge Numérique" in page.locator("#atlas-list").inner_text()

    page.goto("/lieux/?q=numerique")
    page.get_by_role("link", name="Afficher la couche « médiation numérique »").click()
    page.wait_for_url("**mediation=1**")
    assert "Point numérique de Brest" in page.locator("#atlas-list").inner_text()
    assert "La couche « médiation numérique » est affichée" in page.locator("#atlas-layer-note").inner_text()
    assert_accessible(page)
