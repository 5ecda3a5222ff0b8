"""On the national geography: every commune is in the diagnostic, and no nearest place lies in another
territory (metropolitan France with Corsica; each overseas department on its own). The false white zones of
the first commune file (Sainte-Anne 97128 "3 682 km" from Mayotte, Coudun 2 990 km, Chelles 55 km) are gone."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from tests.factories.places import PlaceFactory
from tierslieux.geo.coverage.inputs import territory_zone
from tierslieux.geo.diagnostic.inputs import geography, memory_cache_clear
from tierslieux.geo.diagnostic.models import CommuneCoverage
from tierslieux.geo.diagnostic.services import coverage_recompute_all
from tierslieux.geo.models import Commune
from tierslieux.geo.spherical import haversine_km
from tierslieux.selection.forms import ParametersForm

pytestmark = pytest.mark.django_db

# Places in the metropole (Compiègne, Paris, Ajaccio), Mayotte and Martinique; none in Guadeloupe, Guyane,
# La Réunion.
HOSTS = {
    "60159": "Compiègne",
    "75056": "Paris",
    "2A004": "Ajaccio",
    "97611": "Mamoudzou",
    "97209": "Fort-de-France",
}


@pytest.fixture
def national(france):
    memory_cache_clear()
    places = {}
    for insee in HOSTS:
        commune = Commune.objects.get(insee=insee)
        lon, lat = commune.point
        places[insee] = PlaceFactory(
            name=f"Lieu de {HOSTS[insee]}", slug=f"lieu-{insee}", commune=commune, lon=lon, lat=lat
        )
    run = coverage_recompute_all()
    yield run, places
    memory_cache_clear()


def test_the_diagnostic_covers_every_commune_and_never_crosses_territories(national):
    run, places = national
    assert run.commune_count == 34_875
    assert CommuneCoverage.objects.count() == 34_875
    zone_of_place = {p.pk: territory_zone(p.commune.department_id) for p in places.values()}
    rows = CommuneCoverage.objects.values_list(
        "commune_id", "commune__department_id", "nearest_place_id", "nearest_km"
    )
    crossing, without = [], {}
    for insee, department, place_id, km in rows:
        zone = territory_zone(department)
        if place_id is None:
            assert km is None
            without.setdefault(zone, 0)
            without[zone] += 1
        elif zone_of_place[place_id] != zone:
            crossing.append(insee)
    assert crossing == []
    departments = dict(Commune.objects.filter(kind="COM").values_list("insee", "department_id"))
    counts = {
        z: sum(1 for d in departments.values() if territory_zone(d) == z) for z in ("971", "973", "974")
    }
    assert without == counts  # Guadeloupe, Guyane, La Réunion: no place, no distance
    assert max(CommuneCoverage.objects.exclude(nearest_km=None).values_list("nearest_km", flat=True)) < 1_000


def test_the_false_white_zones_of_the_first_file_are_gone(national, client):
    _run, places = national
    coverage = {
        c.commune_id: c for c in CommuneCoverage.objects.filter(commune_id__in=["97128", "60166", "77108"])
    }
    assert coverage["97128"].nearest_place_id is None and coverage["97128"].white_zone
    assert coverage["60166"].nearest_place_id == places["60159"].pk and coverage["60166"].nearest_km < 6
    assert (
        coverage["77108"].nearest_place_id == places["75056"].pk and 15 < coverage["77108"].nearest_km < 25
    )  # was 55 km
    page = client.get("/diagnostic/commune/97128/").content.decode()
    assert "aucun tiers-lieu compté dans ce territoire (Guadeloupe)" in page
    assert "3 682" not in page and "Mamoudzou" not in page
    france = client.get("/diagnostic/").content.decode()
    assert "Aucun tiers-lieu compté dans ces territoires : Guadeloupe, Guyane, La Réunion." in france


def test_api_and_exports_say_so_instead_of_a_distance(national, client):
    data = client.get("/api/v1/coverage/departement/971").json()
    assert data["territories_without_place"] == ["Guadeloupe"]
    assert data["mean_km"] is None
    first = data["white_zone_communes"][0]
    assert (
        first["nearest_km"] is None
        and first["note"] == "aucun tiers-lieu compté dans ce territoire (Guadeloupe)"
    )
    rows = client.get("/api/v1/coverage/commune/97128/communes").json()
    assert rows[0]["nearest_km"] is None and "Guadeloupe" in rows[0]["note"]
    martinique = client.get("/api/v1/coverage/departement/972").json()
    assert martinique["territories_without_place"] == [] and martinique["mean_km"] < 100
    export = client.get("/diagnostic/departement/971/export.csv").content.decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(export), delimiter=";"))
    assert len(table) == 32
    assert {row["remarque"] for row in table} == {"aucun tiers-lieu compté dans ce territoire (Guadeloupe)"}
    assert {row["distance_km"] for row in table} == {""}
    geojson = json.loads(client.get("/diagnostic/departement/971/carte.geojson").content)
    assert {f["properties"]["label"] for f in geojson["features"]} == {
        "aucun tiers-lieu compté dans ce territoire (Guadeloupe)"
    }


def test_the_optimiser_radius_never_reaches_another_territory(france):
    """The selection optimiser only counts places within its radius R (at most the form's maximum); R stays
    below the smallest distance between two territories, so its coverage never crosses one either."""
    communes = geography().communes
    zones = communes.zones
    smallest = np.inf
    for zone in sorted(set(zones)):
        inside, outside = zones == zone, zones != zone
        d = haversine_km(
            communes.lon[inside][:, None],
            communes.lat[inside][:, None],
            communes.lon[outside][None, :],
            communes.lat[outside][None, :],
        )
        smallest = min(smallest, float(d.min()))
    assert ParametersForm.base_fields["radius_km"].max_value < smallest
