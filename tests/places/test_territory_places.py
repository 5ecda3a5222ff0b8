"""Territory pages list their places (counts by type, a short list, "Voir dans l'atlas" with the filter set) and
their maps zoom to the territory's own outline."""

import json
import re

import pytest
from django.urls import reverse

from tests.conftest import assert_accessible
from tests.factories.geo import (
    CommuneFactory,
    DepartmentFactory,
    EpciFactory,
    QpvFactory,
    RegionFactory,
    square_outline,
)
from tierslieux.places.services import place_create


@pytest.fixture
def loire(db):
    region = RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    department = DepartmentFactory(code="42", name="Loire", region=region)
    epci = EpciFactory(siren="244200770", name="Saint-Étienne Métropole")
    # Saint-Étienne and its exclave (Saint-Victor-sur-Loire): one commune, two polygons.
    outline = json.dumps(
        {
            "type": "MultiPolygon",
            "coordinates": [
                json.loads(square_outline(4.42, 45.43, 0.05))["coordinates"],
                json.loads(square_outline(4.28, 45.44, 0.03))["coordinates"],
            ],
        }
    )
    city = CommuneFactory(
        insee="42218",
        name="Saint-Étienne",
        department=department,
        region=region,
        epci=epci,
        outline=outline,
        town_hall_lon=4.39,
        town_hall_lat=45.43,
        population=172_565,
    )
    other = CommuneFactory(
        insee="42186", name="Roche-la-Molière", department=department, region=region, epci=epci
    )
    qpv = QpvFactory(code="QN04211M", name="Cotonne Montferré")
    qpv.communes.add(city)
    place_create(
        data={
            "name": "Fablab de la Manufacture",
            "types": ["fablab", "atelier_partage"],
            "lon": 4.39,
            "lat": 45.44,
            "commune": city,
        }
    )
    place_create(
        data={"name": "Coworking du Crêt", "types": ["coworking"], "lon": 4.40, "lat": 45.43, "commune": city}
    )
    place_create(
        data={
            "name": "EPN de Roche",
            "types": ["mediation_numerique"],
            "lon": 4.32,
            "lat": 45.43,
            "commune": other,
        }
    )
    return {"city": city, "other": other, "department": department, "epci": epci, "region": region}


def test_commune_page_lists_its_places_by_type_with_atlas_links(client, loire):
    html = client.get(loire["city"].get_absolute_url()).content.decode()
    assert "2 tiers-lieux recensés dans l’atlas." in html
    assert "Fablab de la Manufacture" in html and "Coworking du Crêt" in html and "EPN de Roche" not in html
    assert 'href="/lieux/?commune=42218"' in html and "Voir dans l’atlas : Saint-Étienne" in html
    assert 'href="/lieux/?commune=42218&amp;type=fablab"' in html
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td>', html)
    assert (
        ("Fablab", "1") in rows and ("Atelier partagé", "1") in rows and ("Espace de coworking", "1") in rows
    )


@pytest.mark.parametrize(
    ("name", "url", "count", "query"),
    [
        # The EPN (a digital inclusion place) is in the atlas's own layer, off by default: counted by neither.
        ("epci", "/territoires/epci/244200770/", 2, "epci=244200770"),
        ("department", "/territoires/departement/42/", 2, "department=42"),
        ("region", "/territoires/region/84/", 2, "region=84"),
    ],
)
def test_every_territory_page_and_the_atlas_count_the_same_places(client, loire, name, url, count, query):
    html = client.get(url).content.decode()
    assert f"{count} tiers-lieux recensés dans l’atlas." in html
    assert f'href="/lieux/?{query}"' in html
    atlas = client.get(f"/lieux/?{query}").content.decode()
    assert f'data-count="{count}"' in atlas


def test_a_territory_without_places_says_so(client, db):
    commune = CommuneFactory(insee="29001", name="Kerbourg")
    html = client.get(commune.get_absolute_url()).content.decode()
    assert "Aucun tiers-lieu n’est recensé dans l’atlas pour ce territoire." in html
    assert f'href="{reverse("places:atlas")}?commune=29001"' in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_commune_map_fits_the_whole_commune_not_its_qpvs(page, loire):
    page.goto(loire["city"].get_absolute_url())
    page.locator("#carte[data-tl-map-ready]").wait_for()
    bounds = page.evaluate(
        """() => { const b = document.getElementById('carte').tlMap.getBounds();
             return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"""
    )
    west, south, east, north = bounds
    # Both polygons of the commune are in view (the exclave to the west included), nothing is cut.
    assert west <= 4.25 and east >= 4.47 and south <= 45.38 and north >= 45.48
    assert east - west < 1.0  # and the map is zoomed on the commune, not on France
    assert page.get_by_role("link", name="Voir dans l’atlas : Saint-Étienne").is_visible()
    assert_accessible(page)
