"""Figures of the diagnostic on a small hand-made geography, against the pure module and known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tierslieux.geo.coverage import Communes, Places, compute_coverage, summarize_territory
from tierslieux.geo.diagnostic import selectors
from tierslieux.geo.diagnostic.inputs import DEFAULT_FILTER, PlaceFilter, coverage_settings
from tierslieux.geo.diagnostic.services import coverage_recompute_all
from tierslieux.geo.spherical import haversine_km

pytestmark = pytest.mark.django_db

POINTS = {
    "29001": (-4.00, 48.00),
    "29002": (-4.05, 48.00),
    "29003": (-4.20, 48.00),
    "56001": (-3.00, 47.80),
    "56002": (-3.02, 47.80),
}
POPULATION = {"29001": 10_000, "29002": 2_000, "29003": 500, "56001": 8_000, "56002": 1_000}
CODES = {"29": ["29001", "29002", "29003"], "56": ["56001", "56002"]}


def pure(places: dict[int, tuple[float, float, str]]):
    ids = sorted(POINTS)
    communes = Communes(
        ids=ids,
        lon=[POINTS[c][0] for c in ids],
        lat=[POINTS[c][1] for c in ids],
        population=[POPULATION[c] for c in ids],
        names=ids,
    )
    pids = sorted(places)
    return communes, compute_coverage(
        communes,
        Places(
            ids=pids,
            lon=[places[p][0] for p in pids],
            lat=[places[p][1] for p in pids],
            commune_ids=[places[p][2] for p in pids],
        ),
        coverage_settings(),
    )


def test_known_answers_for_the_default_count(geography):
    france = selectors.territory_diagnostic(selectors.FRANCE)
    s = france.summary
    assert s.commune_count == 5 and s.population == 21_500
    assert s.place_count == 1  # only the open place counts by default
    # Within 5 km of Kerbourg's place: Kerbourg and Lanvern; Plouzen is 14.9 km away.
    assert s.population_within[0] == 12_000
    assert s.population_within[2] == 12_500
    assert [c.commune_id for c in s.white_zone_communes] == ["56001", "56002", "29003"]
    assert s.white_zone_population == 9_500
    assert math.isclose(s.places_per_10k, 10_000 / 21_500)
    rows = {row.insee: row for row in selectors.commune_rows(selectors.FRANCE)}
    assert rows["29001"].nearest_km == pytest.approx(0.0, abs=1e-6)
    assert rows["29001"].nearest_place == "La Ruche de Kerbourg"
    assert rows["29002"].nearest_km == pytest.approx(haversine_km(-4.05, 48.0, -4.0, 48.0), rel=1e-6)
    assert rows["29002"].road_km == pytest.approx(rows["29002"].nearest_km * 1.3)
    assert rows["29003"].white_zone and rows["29003"].within_20km == 1
    assert list(rows) == ["29001", "56001", "29002", "56002", "29003"]  # most populated first


@pytest.mark.parametrize(
    ("kind", "code", "members"),
    [
        ("france", "FR", list(POINTS)),
        ("region", "53", list(POINTS)),
        ("departement", "29", CODES["29"]),
        ("departement", "56", CODES["56"]),
        ("epci", "242900001", CODES["29"]),
        ("commune", "29003", ["29003"]),
    ],
)
def test_territory_figures_match_the_pure_module(geography, kind, code, members):
    g = geography
    places = {
        g.open_place.pk: (-4.0, 48.0, "29001"),
        g.project_place.pk: (-3.01, 47.8, "56002"),
    }
    communes, result = pure(places)
    expected = summarize_territory(communes, result, np.isin(communes.ids, members), label="x")
    place_filter = PlaceFilter(statuses=("open", "project"))
    got = selectors.territory_diagnostic(selectors.territory_get(kind, code), place_filter).summary
    assert got.commune_count == expected.commune_count
    assert got.population == expected.population
    assert got.place_count == expected.place_count
    assert got.population_within == expected.population_within
    assert got.white_zone_population == expected.white_zone_population
    assert [c.commune_id for c in got.white_zone_communes] == [
        c.commune_id for c in expected.white_zone_communes
    ]


def test_subset_by_type_and_label(geography):
    fabriques = PlaceFilter(statuses=("open", "project"), labels=("fabrique_territoire",))
    s = selectors.territory_diagnostic(selectors.FRANCE, fabriques).summary
    assert s.place_count == 1
    assert s.population_within[0] == 9_000  # Moréac and Saint-Kerlan only
    coworkings = PlaceFilter(statuses=("open", "project"), types=("coworking",))
    assert selectors.territory_diagnostic(selectors.FRANCE, coworkings).summary.population_within[0] == 12_000
    nothing = PlaceFilter(statuses=("temporarily_closed",))
    s = selectors.territory_diagnostic(selectors.FRANCE, nothing).summary
    assert s.place_count == 0 and s.white_zone_commune_count == 5
    histogram = selectors.territory_diagnostic(selectors.FRANCE, nothing).histogram
    assert histogram[-1].label == "aucun lieu compté" and histogram[-1].value == 5
    assert selectors.territory_diagnostic(selectors.FRANCE, nothing).mean_km is None


def test_unknown_filter_values_are_rejected():
    with pytest.raises(ValueError, match="inconnues"):
        PlaceFilter(statuses=("ouvert",))


def test_stored_table_is_used_when_fresh_and_equals_the_computation(geography):
    computed = selectors.coverage_result(DEFAULT_FILTER)
    coverage_recompute_all()
    from tierslieux.geo.diagnostic.inputs import memory_cache_clear

    memory_cache_clear()
    stored = selectors._stored_result(selectors.data_fingerprint())
    assert stored is not None
    assert list(stored.commune_ids) == list(computed.commune_ids)
    np.testing.assert_allclose(stored.nearest_km, computed.nearest_km)
    assert list(stored.nearest_place_id) == list(computed.nearest_place_id)
    np.testing.assert_array_equal(stored.ring_counts, computed.ring_counts)
    np.testing.assert_array_equal(stored.white_zone, computed.white_zone)
    # A place changed without the task (bulk update): the stored table is no longer trusted.
    type(geography.open_place).objects.filter(pk=geography.open_place.pk).update(lon=-4.1)
    memory_cache_clear()
    assert selectors._stored_result(selectors.data_fingerprint()) is None


def test_histogram_and_children(geography):
    d = selectors.territory_diagnostic(selectors.FRANCE)
    assert sum(bar.value for bar in d.histogram) == 5
    assert d.children_kind == "departement"
    assert [bar.label for bar in d.children] == ["Morbihan (56)", "Finistère (29)"]  # least covered first
    assert d.children[1].display == "96,0\u202f%"  # 12,000 of 12,500 within 10 km
    department = selectors.territory_diagnostic(selectors.territory_get("departement", "29"))
    assert department.children_kind == "epci" and [b.label for b in department.children] == [
        "Pays de Kerbourg"
    ]
    assert selectors.territory_diagnostic(selectors.territory_get("epci", "242900001")).children == []


def test_arrondissement_resolves_to_its_city(geography):
    from tests.factories.geo import CommuneFactory
    from tierslieux.geo.models import Commune

    CommuneFactory(
        insee="29101",
        name="Kerbourg 1er",
        kind=Commune.Kind.ARRONDISSEMENT,
        parent=geography.communes["29001"],
        department=geography.communes["29001"].department,
        epci=geography.communes["29001"].epci,
    )
    assert selectors.territory_get("commune", "29101").code == "29001"
    with pytest.raises(selectors.TerritoryNotFound):
        selectors.territory_get("commune", "99999")
