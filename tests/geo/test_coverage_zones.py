"""Distances within one territory (tierslieux.geo.coverage with zones; no database needed).

Metropolitan France with Corsica is one zone, each overseas department its own: a commune's nearest place is
never in another zone, and a zone without any place has no nearest place (instead of one on another continent).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierslieux.geo.coverage import Communes, CoverageIndex, CoverageSettings, Places, compute_coverage
from tierslieux.geo.coverage.inputs import territory_zone
from tierslieux.geo.spherical import haversine_km

# (id, lon, lat, zone): Guadeloupe, Mayotte, and a few communes of the Oise and Corsica (metropole).
COMMUNES = [
    ("97128", -61.389, 16.256, "971"),  # Sainte-Anne
    ("97101", -61.503, 16.270, "971"),  # Les Abymes
    ("97611", 45.227, -12.780, "976"),  # Mamoudzou
    ("60166", 2.802, 49.459, "metropole"),  # Coudun
    ("60159", 2.826, 49.418, "metropole"),  # Compiègne
    ("2A004", 8.737, 41.919, "metropole"),  # Ajaccio
]


def communes(rows=COMMUNES) -> Communes:
    return Communes(
        ids=[r[0] for r in rows],
        lon=[r[1] for r in rows],
        lat=[r[2] for r in rows],
        population=[1000] * len(rows),
        zones=[r[3] for r in rows],
    )


def test_territory_zones():
    assert territory_zone("60") == territory_zone("2A") == territory_zone("2B") == "metropole"
    assert [territory_zone(d) for d in ("971", "972", "973", "974", "976")] == [
        "971",
        "972",
        "973",
        "974",
        "976",
    ]


def test_a_zone_without_place_has_no_nearest_place_instead_of_one_on_another_continent():
    places = Places(
        ids=["mayotte", "compiegne"], lon=[45.23, 2.83], lat=[-12.78, 49.42], commune_ids=["97611", "60159"]
    )
    result = compute_coverage(communes(), places)
    nearest = dict(zip(result.commune_ids, result.nearest_place_id, strict=True))
    km = dict(zip(result.commune_ids, result.nearest_km, strict=True))
    assert nearest["97128"] is None and km["97128"] == np.inf  # Guadeloupe: none, not Mayotte
    assert nearest["97101"] is None
    assert nearest["97611"] == "mayotte" and km["97611"] < 1
    assert nearest["60166"] == "compiegne" and 4 < km["60166"] < 6
    assert nearest["2A004"] == "compiegne"  # Corsica is in the metropolitan zone
    white = dict(zip(result.commune_ids, result.white_zone, strict=True))
    assert white["97128"] and not white["60166"]


def test_without_zones_the_nearest_place_may_be_anywhere():
    plain = Communes(ids=["97128"], lon=[-61.389], lat=[16.256])
    places = Places(ids=["mayotte"], lon=[45.23], lat=[-12.78])
    assert compute_coverage(plain, places).nearest_place_id[0] == "mayotte"


def test_place_zone_from_its_host_commune_or_given_or_nearest():
    c = communes()
    # Host given: the place counts in the host's zone.
    hosted = Places(ids=["p"], lon=[-61.38], lat=[16.25], commune_ids=["97128"])
    assert compute_coverage(c, hosted).nearest_place_id[0] == "p"
    # Zones given explicitly: a place said to be in Martinique serves no Guadeloupe commune.
    martinique = Places(ids=["p"], lon=[-61.38], lat=[16.25], zones=["972"])
    result = compute_coverage(c, martinique)
    assert all(pid is None for pid in result.nearest_place_id)
    # Neither: the zone of the commune whose point is nearest.
    nearest = Places(ids=["p"], lon=[-61.38], lat=[16.25])
    assert compute_coverage(c, nearest).nearest_place_id[0] == "p"


def test_incremental_index_and_what_if_stay_within_a_zone():
    c = communes()
    index = CoverageIndex(c, Places(ids=[], lon=[], lat=[]), CoverageSettings())
    index.add_place("mayotte", 45.23, -12.78, "97611")
    result = index.result()
    assert list(result.nearest_place_id) == [None, None, "mayotte", None, None, None]
    index.add_place("abymes", -61.50, 16.27, "97101")
    assert index.result().nearest_place_id[0] == "abymes"
    index.move_place("abymes", 2.83, 49.42, "60159")  # moved to Compiègne
    result = index.result()
    assert result.nearest_place_id[0] is None and result.nearest_km[0] == np.inf
    assert result.nearest_place_id[3] == "abymes"
    what_if = index.what_if(-61.39, 16.26)
    assert set(what_if.communes_leaving_white_zone) == {"97128"}
    index.remove_place("mayotte")
    assert index.result().nearest_place_id[2] is None


zone_points = st.tuples(
    st.sampled_from([(2.0, 45.0, "metropole"), (-61.5, 16.2, "971"), (55.4, -21.1, "974")]),
    st.floats(0, 0.5),
    st.floats(0, 0.5),
)


def _point(spec: Any) -> tuple[float, float, str]:
    (lon, lat, zone), dx, dy = spec
    return lon + dx, lat + dy, zone


@settings(max_examples=40, deadline=None)
@given(
    st.lists(zone_points, min_size=1, max_size=25),
    st.lists(zone_points, max_size=12),
    st.lists(zone_points, max_size=6),
)
def test_nearest_is_the_nearest_of_the_same_zone_full_and_incremental(commune_specs, place_specs, added):
    c_points = [_point(s) for s in commune_specs]
    p_points = [_point(s) for s in place_specs]
    c = Communes(
        ids=list(range(len(c_points))),
        lon=[p[0] for p in c_points],
        lat=[p[1] for p in c_points],
        zones=[p[2] for p in c_points],
    )
    places = Places(
        ids=[f"p{i}" for i in range(len(p_points))],
        lon=[p[0] for p in p_points],
        lat=[p[1] for p in p_points],
        zones=[p[2] for p in p_points],
    )
    index = CoverageIndex(c, places, rebuild_every=2)
    everything = list(p_points)
    for k, spec in enumerate(added):
        lon, lat, zone = _point(spec)
        host = next((i for i, p in enumerate(c_points) if p[2] == zone), None)
        if host is None:
            continue  # a zone without commune: its zone could only be guessed from the nearest commune
        index.add_place(f"n{k}", lon, lat, host)
        everything.append((lon, lat, zone))
    for result in (index.result(), compute_coverage(c, places)):
        pool = everything if result is not None and len(result.place_ids) == len(everything) else p_points
        for i, (lon, lat, zone) in enumerate(c_points):
            same = [p for p in pool if p[2] == zone]
            if not same:
                assert result.nearest_place_id[i] is None and result.nearest_km[i] == np.inf
                assert result.white_zone[i]
                continue
            best = min(haversine_km(lon, lat, p[0], p[1]) for p in same)
            assert result.nearest_km[i] == pytest.approx(float(best), abs=1e-6)


# Three territories close enough in longitude/latitude for one pass to mix them if it ignored the zones: the
# places of "971b" lie among the communes of Guadeloupe but belong to another territory.
TERRITORIES = {"metropole": (2.0, 46.0), "971": (-61.5, 16.2), "971b": (-61.5, 16.2), "974": (55.4, -21.1)}


def _scatter(rng: np.random.Generator, n: int, zones: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    labels = [zones[k] for k in rng.integers(0, len(zones), n)]
    lon = np.array([TERRITORIES[z][0] for z in labels]) + rng.uniform(-0.6, 0.6, n)
    lat = np.array([TERRITORIES[z][1] for z in labels]) + rng.uniform(-0.4, 0.4, n)
    return labels, lon, lat


def _brute_force_per_territory(c: Communes, places: Places, config: CoverageSettings):
    """Nearest km and counts within every radius, from the places of the commune's own territory only."""
    km = haversine_km(c.lon[:, None], c.lat[:, None], places.lon[None, :], places.lat[None, :])
    km = np.where(c.zones[:, None] == places.zones[None, :], km, np.inf)
    nearest = km.min(axis=1) if len(places) else np.full(len(c), np.inf)
    counts = np.stack([(km <= r).sum(axis=1) for r in config.radii_km], axis=1)
    return nearest, counts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_per_territory_pass_incremental_index_and_what_if_equal_brute_force(seed):
    """The compiled pass runs once per territory: counts within every radius and nearest distances equal
    the brute force restricted to each territory, for the full computation and the incremental index, and
    the what-if equals actually adding the place."""
    rng = np.random.default_rng(seed)
    config = CoverageSettings()
    c_zones, c_lon, c_lat = _scatter(rng, 400, ["metropole", "971", "974"])
    c = Communes(
        ids=np.arange(400), lon=c_lon, lat=c_lat, population=rng.integers(0, 5000, 400), zones=c_zones
    )
    # No place in 974: its communes have none. Places of 971b sit on Guadeloupe's communes.
    p_zones, p_lon, p_lat = _scatter(rng, 300, ["metropole", "971", "971b"])
    places = Places(ids=[f"p{i}" for i in range(300)], lon=p_lon, lat=p_lat, zones=p_zones)
    radii = config.radii_km
    columns = [radii.index(r) for r in config.rings_km]

    def check(result, pool: Places) -> None:
        nearest, counts = _brute_force_per_territory(c, pool, config)
        np.testing.assert_allclose(result.nearest_km, nearest, rtol=0, atol=1e-6)
        np.testing.assert_array_equal(result.ring_counts, counts[:, columns])
        np.testing.assert_array_equal(result.white_zone, counts[:, radii.index(config.white_zone_km)] == 0)
        zone_of = dict(zip(pool.ids, pool.zones, strict=True))
        found = result.nearest_place >= 0
        assert [zone_of[pid] for pid in result.nearest_place_id[found]] == list(c.zones[found])
        assert not found[c.zones == "974"].any()

    check(compute_coverage(c, places, config), places)
    index = CoverageIndex(c, places, config, rebuild_every=7)
    host = {z: int(np.flatnonzero(c.zones == z)[0]) for z in ("metropole", "971")}
    live = dict(zip(places.ids, zip(p_lon, p_lat, p_zones, strict=True), strict=True))
    for step in range(40):
        zone = ("metropole", "971")[step % 2]
        lon, lat = (
            TERRITORIES[zone][0] + rng.uniform(-0.6, 0.6),
            TERRITORIES[zone][1] + rng.uniform(-0.4, 0.4),
        )
        victim = sorted(live)[int(rng.integers(0, len(live)))]
        if step % 3 == 0:
            index.add_place(f"n{step}", lon, lat, host[zone])
            live[f"n{step}"] = (lon, lat, zone)
        elif step % 3 == 1:
            index.move_place(victim, lon, lat, host[zone])
            live[victim] = (lon, lat, zone)
        else:
            index.remove_place(victim)
            del live[victim]
    ids = sorted(live)
    now = Places(
        ids=ids, lon=[live[i][0] for i in ids], lat=[live[i][1] for i in ids], zones=[live[i][2] for i in ids]
    )
    check(index.result(), now)
    check(compute_coverage(c, now, config), now)
    # What-if in Guadeloupe: the population of the communes that leave the white zone, as if really added.
    lon, lat = TERRITORIES["971"][0] + 0.05, TERRITORIES["971"][1] - 0.05
    what_if = index.what_if(lon, lat)
    before = index.result().white_zone
    index.add_place("what-if", lon, lat, host["971"])
    leaving = before & ~index.result().white_zone
    assert set(what_if.communes_leaving_white_zone) == set(c.ids[leaving])
    assert what_if.population_gained == pytest.approx(float(c.population[leaving].sum()))
    assert all(c.zones[i] == "971" for i in what_if.communes_leaving_white_zone)
