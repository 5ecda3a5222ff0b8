"""Browser test (Chromium, axe-core): an overseas department without any place says so instead of a distance,
and the page says which sources it counts."""

from __future__ import annotations

import pytest

from tests.conftest import assert_accessible
from tests.factories.diagnostic import small_geography, square
from tests.factories.geo import CommuneFactory, DepartmentFactory, EpciFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_territory_without_place_has_no_distance_to_another_continent(page):
    geography = small_geography()
    geography.open_place.source = "cget2019"
    geography.open_place.save()
    region = RegionFactory(code="01", name="Guadeloupe", outline=square(-61.4, 16.25, 0.5))
    department = DepartmentFactory(
        code="971", name="Guadeloupe", region=region, outline=square(-61.4, 16.25, 0.4)
    )
    epci = EpciFactory(siren="200018653", name="CA La Riviera du Levant")
    CommuneFactory(
        insee="97128",
        name="Sainte-Anne",
        population=24_000,
        town_hall_lon=None,
        town_hall_lat=None,
        interior_lon=-61.389,
        interior_lat=16.256,
        department=department,
        region=region,
        epci=epci,
        outline=square(-61.389, 16.256),
    )
    page.goto("/diagnostic/commune/97128/")
    table = page.locator("#table-communes").inner_text()
    assert "aucun tiers-lieu compté dans ce territoire (Guadeloupe)" in table
    assert "km" not in table.split("Sainte-Anne")[1].split("\n")[0]
    assert (
        "Aucun tiers-lieu compté dans ce territoire : Guadeloupe."
        in page.locator("#zones-without-place").inner_text()
    )
    assert_accessible(page)
    page.goto("/diagnostic/")
    assert "Sources des lieux comptés" in page.locator("#diagnostic-sources").inner_text()
    assert "(données : 2019)" in page.locator("#diagnostic-sources").inner_text()
    assert_accessible(page)
