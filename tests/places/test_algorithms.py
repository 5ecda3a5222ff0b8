"""The plain-Python parts: text, search index, clustering, hours, source readers and merging."""

import datetime as dt
import re

import numpy as np

from tierslieux.places.clustering import cluster, mercator
from tierslieux.places.hours import is_open, parse_osm, week_table
from tierslieux.places.merging import merge
from tierslieux.places.search import SearchIndex
from tierslieux.places.sources import SourceRow, read_all
from tierslieux.places.text import name_similarity, normalise


def test_normalise_strips_accents_entities_and_punctuation():
    assert normalise("Le Café-Atelier &amp; Cie  d'Évry") == "le cafe atelier cie d evry"


def test_name_similarity():
    assert name_similarity("L'Hôtel Pasteur", "Hôtel Pasteur") == 1.0
    assert name_similarity("Le Centsept", "Le Cent Sept") >= 0.6
    assert name_similarity("La Ruche Saint-Nazaire", "Bluelab Saint-Nazaire", ignore="Saint-Nazaire") < 0.6
    assert name_similarity("LabFab Utice", "LabFab SPI") < 0.6


def test_search_is_accent_insensitive_and_typo_tolerant():
    index = SearchIndex(
        [
            normalise(t)
            for t in ["La Forge Numérique Brest", "Coworking Lyon", "Fablab Quimper", "Atelier Vélo Évry"]
        ]
    )
    assert np.flatnonzero(index.scores("forge numerique")).tolist() == [0]
    assert np.flatnonzero(index.scores("FABLB quimper")).tolist() == [2]
    assert np.flatnonzero(index.scores("velo evry")).tolist() == [3]
    assert np.flatnonzero(index.scores("cowork")).tolist() == [1]
    assert np.flatnonzero(index.scores("coworking brest")).tolist() == []
    assert index.scores("  ") is None


def test_clusters_cover_every_point_once():
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(-4, 8, 5000), rng.uniform(42, 51, 5000)
    x, y = mercator(lon, lat)
    category = rng.integers(0, 14, 5000)
    rows = np.arange(5000)
    for zoom in (0, 5, 9, 14):
        result = cluster(rows, x, y, lon, lat, category, zoom)
        assert result.count.sum() == 5000
        assert (result.west <= result.lon).all() and (result.lon <= result.east).all()
    few = cluster(rows, x, y, lon, lat, category, 18)
    assert len(few.count) > len(cluster(rows, x, y, lon, lat, category, 5).count)
    single = cluster(np.array([3]), x, y, lon, lat, category, 5)
    assert single.first.tolist() == [3] and single.count.tolist() == [1]


def test_opening_hours():
    hours = parse_osm("Tu-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; nonsense")
    assert hours["tu"] == [["09:00", "12:00"], ["14:00", "17:00"]] and "mo" not in hours
    tuesday = dt.datetime(2026, 11, 24, 10, 30)
    assert is_open(hours, [], tuesday)
    assert not is_open(hours, [], tuesday.replace(hour=13))
    closed = [{"start": "2026-11-24", "end": "2026-11-24", "hours": [], "label": "férié"}]
    assert not is_open(hours, closed, tuesday)
    assert week_table(hours)[0] == ("Lundi", "Fermé")
    assert parse_osm("Mo-Fr 10:00-12:00,14:00-16:00; We 14:00-18:00")["we"] == [["14:00", "18:00"]]


def test_source_files_have_the_real_counts():
    counts = {}
    for row in read_all():
        counts[row.source] = counts.get(row.source, 0) + 1
    assert counts == {
        "cget2019": 1512,
        "ping2022": 162,
        "hinaura": 687,
        "fabriques": 382,
        "manufactures": 111,
    }


def test_messy_values_are_cleaned_and_private_data_set_apart():
    rows = [r for r in read_all() if isinstance(r, SourceRow)]
    cget = [r for r in rows if r.source == "cget2019"]
    assert sum(1 for r in cget if not r.insee) == 157  # INSEECOM 0 or empty: found from the coordinates later
    assert all(r.postcode == "" or len(r.postcode) == 5 for r in rows)
    assert not any("&amp;" in r.name for r in rows)
    assert sum(1 for r in cget if "@" in r.private_contact.get("emails", "")) == 72
    public = [" ".join([r.name, r.address, r.description, r.website, *r.social_links]) for r in rows]
    assert not [text for text in public if re.search(r"\S+@\S+\.\w+", text)]
    hinaura = [r for r in rows if r.source == "hinaura"]
    assert sum(1 for r in hinaura if r.opening_hours) > 500


def _row(source, source_id, name, lon, lat, insee="29039", approximate=False):
    return SourceRow(
        source=source, source_id=source_id, name=name, lon=lon, lat=lat, insee=insee, approximate=approximate
    )


def test_merge_within_150_m_and_similar_name_keeps_each_source():
    rows = [
        _row("cget2019", "1", "La Fabrique du Port", -3.9200, 47.8700),
        _row("ping2022", "a", "Fabrique du Port", -3.9210, 47.8705),  # ~90 m
        _row("hinaura", "x", "Fabrique du Port", -3.9400, 47.8700),  # 1.5 km: another place
        _row("cget2019", "2", "Coworking de la Gare", -3.9201, 47.8701),  # near, other name
        _row("fabriques", "fabt-1", "LA FABRIQUE DU PORT", -3.93, 47.88, approximate=True),
        _row("manufactures", "m-1", "Manufacture Textile", -3.93, 47.88, approximate=True),
    ]
    groups = merge(rows)
    assert [sorted(r.source_id for r in g.rows) for g in groups] == [
        ["1", "a", "fabt-1"],
        ["x"],
        ["2"],
        ["m-1"],
    ]
    assert groups[0].data()["lon"] == -3.92 and not groups[0].approximate
    assert groups[3].approximate and groups[3].data()["location_approximate"]


def test_edit_distance_typos():
    from tierslieux.places.text import within_edits

    assert within_edits("forje", "forge", 1) and within_edits("fabalb", "fablab", 1)
    assert not within_edits("forje", "froid", 1)
    index = SearchIndex(["la forge numerique brest", "le froid"])
    assert np.flatnonzero(index.scores("forje")).tolist() == [0]


def test_clusters_with_a_precomputed_grid_are_the_same():
    from tierslieux.places.clustering import grid_order

    rng = np.random.default_rng(2)
    lon, lat = rng.uniform(-4, 8, 3000), rng.uniform(42, 51, 3000)
    x, y = mercator(lon, lat)
    category = rng.integers(0, 14, 3000)
    rows = np.flatnonzero(rng.random(3000) < 0.5)
    for zoom in (4, 8, 12):
        plain = cluster(rows, x, y, lon, lat, category, zoom, cell_px=48)
        fast = cluster(rows, x, y, lon, lat, category, zoom, cell_px=48, grid=grid_order(x, y, zoom, 48))
        assert plain.count.tolist() == fast.count.tolist()
        assert np.allclose(plain.lon, fast.lon) and plain.first.tolist() == fast.first.tolist()
