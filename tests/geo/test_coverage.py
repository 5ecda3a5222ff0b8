"""Tests of tierslieux.geo.spherical and tierslieux.geo.coverage (no database needed)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tierslieux.geo import coverage as cov
from tierslieux.geo.coverage import (
    Communes,
    CoverageIndex,
    CoverageResult,
    CoverageSettings,
    Places,
    choose_coordinates,
    compute_coverage,
    summarize_by,
    summarize_territory,
)
from tierslieux.geo.spherical import EARTH_RADIUS_KM, chord_to_km, haversine_km, km_to_chord, lonlat_to_xyz

KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180.0  # along the equator or a meridian
RINGS = (5.0, 10.0, 20.0)


def equator_communes(lons: list[float], population: list[Any] | None = None, **kwargs: Any) -> Communes:
    return Communes(
        ids=[f"c{i}" for i in range(len(lons))],
        lon=lons,
        lat=[0.0] * len(lons),
        population=population if population is not None else [100] * len(lons),
        **kwargs,
    )


def make_places(points: list[tuple[float, float]], **kwargs: Any) -> Places:
    return Places(
        ids=[f"p{i}" for i in range(len(points))],
        lon=[p[0] for p in points],
        lat=[p[1] for p in points],
        **kwargs,
    )


def brute_force(
    commune_points: list[tuple[float, float]], place_points: list[tuple[float, float]]
) -> np.ndarray:
    """Haversine distance matrix, shape (communes, places)."""
    c = np.array(commune_points, dtype=float).reshape(-1, 2)
    p = np.array(place_points, dtype=float).reshape(-1, 2)
    return haversine_km(c[:, None, 0], c[:, None, 1], p[None, :, 0], p[None, :, 1])


def assert_matches_brute_force(
    result: CoverageResult,
    commune_points: list[tuple[float, float]],
    place_points: dict[Any, tuple[float, float]],
    config: CoverageSettings,
) -> None:
    ids = list(place_points)
    dist = brute_force(commune_points, [place_points[i] for i in ids])
    if not ids:
        assert np.isinf(result.nearest_km).all()
        assert (result.nearest_place == -1).all()
        assert (result.ring_counts == 0).all()
        assert result.white_zone.all()
        return
    np.testing.assert_allclose(result.nearest_km, dist.min(axis=1), rtol=0, atol=1e-6)
    # The reported place is at the nearest distance (ties may pick any of them).
    reported = [ids.index(pid) for pid in result.nearest_place_id]
    np.testing.assert_allclose(dist[np.arange(len(commune_points)), reported], dist.min(axis=1), atol=1e-6)
    for k, ring in enumerate(config.rings_km):
        np.testing.assert_array_equal(result.ring_counts[:, k], (dist <= ring).sum(axis=1))
    np.testing.assert_array_equal(result.white_zone, ~(dist <= config.white_zone_km).any(axis=1))
    np.testing.assert_allclose(result.road_km, result.nearest_km * config.detour_factor)


def far_from_boundaries(
    commune_points: list[tuple[float, float]],
    place_points: list[tuple[float, float]],
    config: CoverageSettings,
) -> bool:
    """No pair lies within a micrometre of a radius, where rounding could legitimately flip a test."""
    if not place_points or not commune_points:
        return True
    dist = brute_force(commune_points, place_points)
    return all(np.abs(dist - r).min() > 1e-6 for r in config.radii_km)


# ----------------------------------------------------------------------------- spherical


def test_spherical_helpers_known_values() -> None:
    xyz = lonlat_to_xyz([0.0, 90.0, 0.0], [0.0, 0.0, 90.0])
    np.testing.assert_allclose(xyz, np.eye(3), atol=1e-15)
    assert haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(KM_PER_DEGREE)
    assert haversine_km(0.0, -90.0, 0.0, 90.0) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    # Paris - Marseille, about 660 km as the crow flies.
    assert haversine_km(2.3522, 48.8566, 5.3698, 43.2965) == pytest.approx(661, abs=2)
    assert km_to_chord(0.0) == 0.0
    assert km_to_chord(math.inf) == math.inf
    assert float(chord_to_km(2.0)) == pytest.approx(math.pi * EARTH_RADIUS_KM)
    assert float(chord_to_km(math.inf)) == math.inf
    for km in (0.001, 5.0, 10.0, 20.0, 1000.0):
        assert float(chord_to_km(km_to_chord(km))) == pytest.approx(km, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-180, 180),
    st.floats(-90, 90),
    st.floats(-180, 180),
    st.floats(-90, 90),
)
def test_chord_of_unit_vectors_is_haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> None:
    a, b = lonlat_to_xyz(lon1, lat1)[0], lonlat_to_xyz(lon2, lat2)[0]
    assert float(chord_to_km(np.linalg.norm(a - b))) == pytest.approx(
        float(haversine_km(lon1, lat1, lon2, lat2)), abs=1e-6
    )


# ----------------------------------------------------------------------------- hand-made geographies


def test_equator_line_known_answers() -> None:
    # Communes at 0, 5.56, 22.24 and 111.2 km east of a single place at (0, 0).
    communes = equator_communes([0.0, 0.05, 0.2, 1.0])
    places = make_places([(0.0, 0.0)])
    result = compute_coverage(communes, places)
    expected_km = np.array([0.0, 0.05, 0.2, 1.0]) * KM_PER_DEGREE
    np.testing.assert_allclose(result.nearest_km, expected_km, atol=1e-9)
    np.testing.assert_allclose(result.road_km, expected_km * 1.3, atol=1e-9)
    assert list(result.nearest_place_id) == ["p0"] * 4
    np.testing.assert_array_equal(result.ring_counts, [[1, 1, 1], [0, 1, 1], [0, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(result.count_within(10), [1, 1, 0, 0])
    assert list(result.white_zone) == [False, False, True, True]
    rows = list(result.rows())
    assert rows[1].commune_id == "c1"
    assert rows[1].ring_counts == (0, 1, 1)
    assert rows[2].white_zone is True
    assert rows[3].nearest_km == pytest.approx(KM_PER_DEGREE)


def test_nearest_of_several_places_and_counts() -> None:
    # Places at 0, 0.06 (6.7 km) and 0.15 (16.7 km); commune at 0.1 is 4.4 km from the second one.
    communes = equator_communes([0.1, -0.3])
    places = make_places([(0.0, 0.0), (0.06, 0.0), (0.15, 0.0)])
    result = compute_coverage(communes, places)
    assert list(result.nearest_place_id) == ["p1", "p0"]
    np.testing.assert_allclose(result.nearest_km, [0.04 * KM_PER_DEGREE, 0.3 * KM_PER_DEGREE])
    # From 0.1: 11.1 km, 4.4 km, 5.6 km.  From -0.3: 33.4, 40.0, 50.0 km.
    np.testing.assert_array_equal(result.ring_counts, [[1, 2, 3], [0, 0, 0]])
    assert list(result.white_zone) == [False, True]


def test_custom_settings_white_zone_radius_not_a_ring() -> None:
    communes = equator_communes([0.0, 0.1, 0.2])  # 0, 11.1, 22.2 km
    config = CoverageSettings(white_zone_km=15.0, rings_km=(20.0, 3.0), detour_factor=1.5)
    assert config.rings_km == (3.0, 20.0)
    result = compute_coverage(communes, make_places([(0.0, 0.0)]), config)
    np.testing.assert_array_equal(result.ring_counts, [[1, 1], [0, 1], [0, 0]])
    assert list(result.white_zone) == [False, False, True]
    np.testing.assert_allclose(result.road_km, result.nearest_km * 1.5)


def test_zero_places() -> None:
    communes = equator_communes([0.0, 1.0], population=[10, None])
    result = compute_coverage(communes, make_places([]))
    assert np.isinf(result.nearest_km).all()
    assert np.isinf(result.road_km).all()
    assert list(result.nearest_place) == [-1, -1]
    assert list(result.nearest_place_id) == [None, None]
    assert result.white_zone.all()
    assert (result.ring_counts == 0).all()
    summary = summarize_territory(communes, result)
    assert summary.population == 10
    assert summary.white_zone_population == 10
    assert summary.share_within == (0.0, 0.0, 0.0)
    assert summary.places_per_10k == 0.0
    index = CoverageIndex(communes)
    assert len(index) == 0
    assert index.what_if(0.0, 0.0).population_gained == 10


def test_population_none_and_nan_count_as_zero_negative_rejected() -> None:
    communes = equator_communes([0.0, 0.1, 0.2], population=[None, float("nan"), 7])
    np.testing.assert_array_equal(communes.population, [0.0, 0.0, 7.0])
    assert Communes(ids=["a"], lon=[0.0], lat=[0.0]).population[0] == 0.0
    with pytest.raises(ValueError, match="population"):
        equator_communes([0.0], population=[-1])


@pytest.mark.parametrize(
    ("lon", "lat"),
    [([0.0, float("nan")], [0.0, 0.0]), ([0.0, 1.0], [None, 0.0]), ([0.0, float("inf")], [0.0, 0.0])],
)
def test_nan_coordinates_rejected(lon: list[Any], lat: list[Any]) -> None:
    with pytest.raises(ValueError, match="NaN"):
        Communes(ids=["a", "b"], lon=lon, lat=lat)
    with pytest.raises(ValueError, match="NaN"):
        Places(ids=["a", "b"], lon=lon, lat=lat)


def test_invalid_inputs_rejected() -> None:
    with pytest.raises(ValueError, match="out of range"):
        Communes(ids=["a"], lon=[0.0], lat=[91.0])
    with pytest.raises(ValueError, match="duplicate"):
        Places(ids=["a", "a"], lon=[0.0, 1.0], lat=[0.0, 0.0])
    with pytest.raises(ValueError, match="expected 2"):
        Communes(ids=["a"], lon=[0.0, 1.0], lat=[0.0, 0.0])
    with pytest.raises(ValueError, match=r"distances must be finite and > 0 km, got 0\.0"):
        CoverageSettings(white_zone_km=0.0)
    with pytest.raises(ValueError, match="distances must be finite and > 0 km, got nan"):
        CoverageSettings(rings_km=(5.0, float("nan")))
    with pytest.raises(ValueError, match=r"detour_factor must be finite and >= 1, got 0\.5"):
        CoverageSettings(detour_factor=0.5)
    index = CoverageIndex(equator_communes([0.0]), make_places([(0.0, 0.0)]))
    for action in (
        lambda: index.add_place("new", float("nan"), 0.0),
        lambda: index.move_place("p0", 0.0, float("nan")),
        lambda: index.what_if(float("nan"), 0.0),
    ):
        with pytest.raises(ValueError, match="NaN"):
            action()
    with pytest.raises(ValueError, match="already exists"):
        index.add_place("p0", 0.0, 0.0)
    with pytest.raises(KeyError):
        index.remove_place("missing")
    assert "p0" in index and len(index) == 1  # failed operations changed nothing


def test_choose_coordinates_falls_back_to_interior_point() -> None:
    lon, lat = choose_coordinates(
        [1.0, None, float("nan")], [2.0, None, 5.0], [10.0, 11.0, 12.0], [20.0, 21.0, 22.0]
    )
    np.testing.assert_array_equal(lon, [1.0, 11.0, 12.0])
    np.testing.assert_array_equal(lat, [2.0, 21.0, 22.0])
    lon, lat = choose_coordinates([None], [None], [None], [None])
    assert np.isnan(lon[0]) and np.isnan(lat[0])


def test_place_subset_by_mask_and_by_predicate() -> None:
    communes = equator_communes([0.0, 0.3])
    places = make_places(
        [(0.0, 0.0), (0.3, 0.0)],
        tags={"type": ["fablab", "coworking"], "label": [True, False]},
    )
    by_predicate = compute_coverage(communes, places, place_subset=lambda tags: tags["type"] == "coworking")
    by_mask = compute_coverage(communes, places, place_subset=np.array([False, True]))
    for result in (by_predicate, by_mask):
        assert list(result.place_ids) == ["p1"]
        assert list(result.nearest_place_id) == ["p1", "p1"]
        assert list(result.white_zone) == [True, False]
    assert places.subset(lambda tags: tags["label"]).tags["type"].tolist() == ["fablab"]
    assert places.tags_of(1) == {"id": "p1", "type": "coworking", "label": False}
    with pytest.raises(ValueError, match="boolean"):
        places.mask([1, 0])


@pytest.mark.parametrize("rows_per_radius", [1, 4, 9])
def test_the_banded_pass_equals_brute_force_whatever_its_bands(monkeypatch, rows_per_radius) -> None:
    rng = np.random.default_rng(3)
    points = [(x, y) for x, y in zip(rng.uniform(2, 5, 300), rng.uniform(45, 46, 300), strict=True)]
    communes = Communes(ids=np.arange(300), lon=[p[0] for p in points], lat=[p[1] for p in points])
    place_points = [(x, y) for x, y in zip(rng.uniform(2, 3, 50), rng.uniform(45, 46, 50), strict=True)]
    monkeypatch.setattr(cov.kernel, "ROWS_PER_RADIUS", rows_per_radius)
    result = compute_coverage(communes, make_places(place_points))
    assert_matches_brute_force(
        result, points, {f"p{i}": p for i, p in enumerate(place_points)}, CoverageSettings()
    )
    # Both paths are exercised: communes with a place within 20 km, and communes without (wider passes).
    assert 0 < (result.ring_counts[:, -1] > 0).sum() < len(points)


def test_the_banded_pass_across_the_antimeridian_and_near_a_pole() -> None:
    points = [(179.95, -17.5), (-179.95, -17.5), (179.0, -17.0), (10.0, 89.95), (-170.0, 89.9), (0.0, -89.99)]
    place_points = [(-179.99, -17.52), (179.9, -17.4), (100.0, 89.97), (60.0, -89.98), (-178.5, -17.0)]
    communes = Communes(ids=np.arange(len(points)), lon=[p[0] for p in points], lat=[p[1] for p in points])
    result = compute_coverage(communes, make_places(place_points))
    assert_matches_brute_force(
        result, points, {f"p{i}": p for i, p in enumerate(place_points)}, CoverageSettings()
    )
    assert result.ring_counts[0, -1] == 2 and result.ring_counts[3, -1] == 1


# ----------------------------------------------------------------------------- aggregation


def aggregation_case() -> tuple[Communes, Places, CoverageResult]:
    # Department "01": c0 (pop 1000, hosts p0), c1 (pop 500, 8.9 km away), c2 (pop 300, 33 km away).
    # Department "02": c3 (pop 200, 33 km from p0, hosts nothing), c4 (pop 0, 55.6 km), c5 (pop 300, 44.5 km).
    communes = Communes(
        ids=["c0", "c1", "c2", "c3", "c4", "c5"],
        lon=[0.0, 0.08, -0.3, 0.3, 0.5, 0.4],
        lat=[0.0] * 6,
        population=[1000, 500, 300, 200, 0, 300],
        names=["Zero", "One", "Two", "Three", "Four", "Five"],
        territories={"department": ["01", "01", "01", "02", "02", "02"], "region": ["R"] * 6},
    )
    places = make_places([(0.0, 0.0), (0.01, 0.0)], tags={"type": ["fablab", "coworking"]})
    return communes, places, compute_coverage(communes, places)


def test_territory_figures_on_a_hand_made_case() -> None:
    communes, _, result = aggregation_case()
    france = summarize_territory(communes, result)
    assert france.label == "France"
    assert france.commune_count == 6
    assert france.population == 2300
    assert france.place_count == 2
    assert france.places_per_10k == pytest.approx(2 * 10_000 / 2300)
    assert france.population_within == (1000, 1500, 1500)
    assert france.share_within == pytest.approx((1000 / 2300, 1500 / 2300, 1500 / 2300))
    assert france.white_zone_population == 800
    assert france.white_zone_share == pytest.approx(800 / 2300)
    assert france.white_zone_commune_count == 4
    # Ranked by population (ties by id); c4 has no inhabitants but is still a white-zone commune.
    assert [c.commune_id for c in france.white_zone_communes] == ["c2", "c5", "c3", "c4"]
    assert france.white_zone_communes[0].name == "Two"
    assert france.white_zone_communes[0].nearest_km == pytest.approx(0.3 * KM_PER_DEGREE)
    top = summarize_territory(communes, result, max_white_zone_communes=2)
    assert [c.commune_id for c in top.white_zone_communes] == ["c2", "c5"]
    assert top.white_zone_commune_count == 4


def test_summarize_by_department_matches_masks() -> None:
    communes, _, result = aggregation_case()
    by_department = summarize_by(communes, result, "department")
    assert sorted(by_department) == ["01", "02"]
    first, second = by_department["01"], by_department["02"]
    assert (first.population, first.place_count, first.white_zone_population) == (1800, 2, 300)
    assert first.population_within == (1000, 1500, 1500)
    assert (second.population, second.place_count, second.white_zone_population) == (500, 0, 500)
    assert second.share_within == (0.0, 0.0, 0.0)
    assert second.places_per_10k == 0.0
    mask = np.array([d == "02" for d in communes.territories["department"]])
    assert summarize_territory(communes, result, mask, label="02") == second
    assert summarize_by(communes, result, "region")["R"].population == 2300
    counts_only = summarize_by(communes, result, "department", max_white_zone_communes=0)["02"]
    assert counts_only.white_zone_communes == () and counts_only.white_zone_commune_count == 3


def test_territory_without_inhabitants_has_nan_shares() -> None:
    communes, _, result = aggregation_case()
    empty = summarize_territory(communes, result, [False, False, False, False, True, False], label="c4")
    assert empty.population == 0
    assert math.isnan(empty.share_within[0]) and math.isnan(empty.white_zone_share)
    assert math.isnan(empty.places_per_10k)


def test_territory_figures_for_a_subset_of_places() -> None:
    communes, places, _ = aggregation_case()
    coworking = compute_coverage(communes, places, place_subset=lambda t: t["type"] == "coworking")
    figures = summarize_territory(communes, coworking)
    assert figures.place_count == 1
    # c1 is 7.8 km from the coworking place at 0.01 degree: within 10 km, not 5 km.
    assert figures.population_within == (1000, 1500, 1500)
    host = Places(ids=["x"], lon=[0.0], lat=[0.0], commune_ids=["c3"])
    assert summarize_by(communes, compute_coverage(communes, host), "department")["02"].place_count == 1


# ----------------------------------------------------------------------------- properties

box_points = st.tuples(st.floats(2.0, 2.6), st.floats(45.0, 45.4))


@settings(max_examples=60, deadline=None)
@given(st.lists(box_points, min_size=1, max_size=40), st.lists(box_points, max_size=25))
def test_fast_path_equals_brute_force(commune_points: list[Any], place_points: list[Any]) -> None:
    config = CoverageSettings()
    assume(far_from_boundaries(commune_points, place_points, config))
    communes = Communes(
        ids=list(range(len(commune_points))),
        lon=[p[0] for p in commune_points],
        lat=[p[1] for p in commune_points],
    )
    result = compute_coverage(communes, make_places(place_points), config)
    assert_matches_brute_force(
        result, commune_points, {f"p{i}": p for i, p in enumerate(place_points)}, config
    )


operations = st.lists(
    st.tuples(st.sampled_from(["add", "move", "remove"]), st.integers(0, 10_000), box_points),
    min_size=1,
    max_size=30,
)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(box_points, min_size=1, max_size=30),
    st.lists(box_points, max_size=8),
    operations,
    st.one_of(st.none(), st.integers(1, 6)),
)
def test_incremental_updates_equal_full_recomputation(
    commune_points: list[Any], initial: list[Any], ops: list[Any], rebuild_every: int | None
) -> None:
    config = CoverageSettings(white_zone_km=8.0, rings_km=(5.0, 12.0))
    communes = Communes(
        ids=list(range(len(commune_points))),
        lon=[p[0] for p in commune_points],
        lat=[p[1] for p in commune_points],
        population=list(range(len(commune_points))),
    )
    model: dict[Any, tuple[float, float]] = {f"p{i}": p for i, p in enumerate(initial)}
    index = CoverageIndex(communes, make_places(initial), config, rebuild_every=rebuild_every)
    for step, (op, pick, point) in enumerate(ops):
        existing = sorted(model)
        if op == "add" or not existing:
            index.add_place(f"n{step}", *point)
            model[f"n{step}"] = point
        elif op == "move":
            index.move_place(existing[pick % len(existing)], *point)
            model[existing[pick % len(existing)]] = point
        else:
            index.remove_place(existing[pick % len(existing)])
            del model[existing[pick % len(existing)]]
        assume(far_from_boundaries(commune_points, list(model.values()), config))
        current = index.result()
        assert sorted(current.place_ids) == sorted(model)
        assert_matches_brute_force(current, commune_points, model, config)
    full = compute_coverage(communes, make_places(list(model.values())), config)
    current = index.result()
    np.testing.assert_array_equal(current.ring_counts, full.ring_counts)
    np.testing.assert_array_equal(current.white_zone, full.white_zone)
    np.testing.assert_allclose(current.nearest_km, full.nearest_km, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(box_points, min_size=1, max_size=30), st.lists(box_points, max_size=10), box_points)
def test_what_if_equals_actually_adding(commune_points: list[Any], initial: list[Any], new: Any) -> None:
    config = CoverageSettings()
    assume(far_from_boundaries(commune_points, [*initial, new], config))
    communes = Communes(
        ids=list(range(len(commune_points))),
        lon=[p[0] for p in commune_points],
        lat=[p[1] for p in commune_points],
        population=[10 * (i + 1) for i in range(len(commune_points))],
    )
    index = CoverageIndex(communes, make_places(initial), config)
    before = index.result()
    what_if = index.what_if(*new)
    after_what_if = index.result()
    np.testing.assert_array_equal(before.ring_counts, after_what_if.ring_counts)  # nothing changed
    index.add_place("new", *new)
    after = index.result()
    pop = communes.population
    assert what_if.population_gained == pytest.approx(
        pop[before.white_zone].sum() - pop[after.white_zone].sum()
    )
    for k in range(len(config.rings_km)):
        gained = pop[after.ring_counts[:, k] > 0].sum() - pop[before.ring_counts[:, k] > 0].sum()
        assert what_if.population_gained_by_ring[k] == pytest.approx(gained)
    leaving = set(np.flatnonzero(before.white_zone & ~after.white_zone).tolist())
    assert set(what_if.communes_leaving_white_zone) == leaving


def test_update_recomputes_only_nearby_communes() -> None:
    # A 60 x 60 grid of communes spaced 0.1 degree (~11 km) with a place on every commune:
    # moving one place locally must touch only a few dozen communes, not 3,600.
    lon, lat = np.meshgrid(np.arange(60) * 0.1, 44.0 + np.arange(60) * 0.1)
    communes = Communes(
        ids=np.arange(lon.size), lon=lon.ravel(), lat=lat.ravel(), population=np.ones(lon.size)
    )
    places = Places(ids=np.arange(lon.size), lon=lon.ravel(), lat=lat.ravel())
    index = CoverageIndex(communes, places)
    index.move_place(1830, 3.02, 47.01)
    assert 0 < index.last_recomputed < 40
    index.remove_place(0)
    assert 0 < index.last_recomputed < 40
    index.add_place("extra", 1.55, 45.05)
    assert 0 < index.last_recomputed < 40


def test_removing_successive_nearest_places_without_rebuild() -> None:
    # The snapshot keeps stale entries: the re-query must skip every stale place before a live one.
    communes = equator_communes([0.0, 0.5])
    places = make_places([(0.01 * (i + 1), 0.0) for i in range(6)])
    index = CoverageIndex(communes, places, rebuild_every=100)
    index.move_place("p5", 0.6, 0.0)
    for removed in range(5):
        index.remove_place(f"p{removed}")
        result = index.result()
        expected = f"p{removed + 1}" if removed < 4 else "p5"
        assert result.nearest_place_id[0] == expected
        assert result.nearest_km[0] == pytest.approx(
            (0.01 * (removed + 2) if removed < 4 else 0.6) * KM_PER_DEGREE, rel=1e-9
        )
    assert list(index.result().nearest_place_id) == ["p5", "p5"]
    index.remove_place("p5")
    assert np.isinf(index.result().nearest_km).all()
    index.add_place("back", 0.5, 0.0)
    assert list(index.result().nearest_place_id) == ["back", "back"]
