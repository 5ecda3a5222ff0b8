"""Point-in-commune and point-in-QPV lookups (STRtree index) and the QPV perimeters import."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
import shapely
from django.core.management import CommandError, call_command

from tests.factories.geo import square_outline
from tierslieux.geo import lookup
from tierslieux.geo.index import PolygonIndex
from tierslieux.geo.models import Commune, Qpv

PERIMETERS = Path(__file__).parent / "data" / "qpv_perimetres_test.geojson"


def grid_index(tolerance: float = 0.0) -> PolygonIndex:
    # Four unit squares: "a" at (0..1, 0..1), "b" right of it, "c" above it, "d" diagonal.
    cells = {"a": (0.5, 0.5), "b": (1.5, 0.5), "c": (0.5, 1.5), "d": (1.5, 1.5)}
    return PolygonIndex.from_geojson(
        [(key, square_outline(lon, lat, 0.5)) for key, (lon, lat) in cells.items()], tolerance=tolerance
    )


def test_index_locates_points_one_by_one_and_in_batches():
    index = grid_index()
    assert index.locate(0.2, 0.3) == "a"
    assert index.locate(1.7, 1.9) == "d"
    assert index.locate(5.0, 5.0) is None
    assert index.locate(float("nan"), 0.5) is None
    assert index.locate_many([0.2, 1.2, 0.7, 9.0], [0.2, 0.2, 1.2, 9.0]) == ["a", "b", "c", None]
    assert index.locate_many([], []) == []
    with pytest.raises(ValueError, match="lons and lats must be 1-D sequences of the same length"):
        index.locate_many([0.0, 1.0], [0.0])


def test_shared_border_is_deterministic_and_tolerance_catches_gaps():
    index = grid_index()
    assert index.locate(1.0, 0.5) == index.locate(1.0, 0.5) in {"a", "b"}
    assert index.locate(2.003, 0.5) is None
    assert grid_index(tolerance=0.005).locate(2.003, 0.5) == "b"


def test_index_agrees_with_brute_force_on_random_points():
    index = grid_index()
    rng = np.random.default_rng(7)
    lons, lats = rng.uniform(-0.5, 2.5, 300), rng.uniform(-0.5, 2.5, 300)
    interior = [(x, y) for x, y in zip(lons, lats, strict=True) if abs(x - 1) > 1e-9 and abs(y - 1) > 1e-9]
    batch = index.locate_many([p[0] for p in interior], [p[1] for p in interior])
    assert batch == [index.contains_brute_force(x, y) for x, y in interior]
    assert any(batch) and None in batch


@pytest.mark.django_db
def test_point_inside_a_commune_contour_is_assigned_to_it(france):
    concarneau = Commune.objects.get(insee="29039")
    inside = shapely.from_geojson(concarneau.outline).representative_point()
    assert lookup.commune_at(inside.x, inside.y) == "29039"
    assert lookup.commune_at(*concarneau.point) == "29039"  # the town hall
    assert lookup.commune_at(2.3522, 48.8566) == "75056"  # Paris, not an arrondissement
    assert lookup.commune_at(-30.0, 40.0) is None  # the Atlantic
    sample = list(Commune.objects.exclude(outline="").order_by("insee")[::500])
    points = [shapely.from_geojson(c.outline).representative_point() for c in sample]
    assert lookup.communes_at([p.x for p in points], [p.y for p in points]) == [c.insee for c in sample]


@pytest.mark.django_db
def test_qpv_perimeters_make_point_in_qpv_exact(france):
    assert lookup.qpv_at(-3.895, 47.885) is None  # no perimeter yet
    out = StringIO()
    call_command("load_qpv_perimeters", str(PERIMETERS), stdout=out)
    text = out.getvalue()
    assert "Périmètres : 1 créés, 1 mis à jour, 0 inchangés" in text
    assert "ajouté(s) : QN02999Z" in text
    assert "Communes inconnues ignorées : 99999" in text
    assert lookup.qpv_perimeters_loaded()
    assert lookup.qpv_at(-3.895, 47.885) == "QN02901M"
    assert lookup.qpv_at(-3.9275, 47.8725) == "QN02999Z"
    assert lookup.qpv_at(-3.91, 47.88) is None  # in Concarneau, in no QPV
    created = Qpv.objects.get(code="QN02999Z")
    assert created.name == "Quartier de test"
    assert list(created.communes.values_list("insee", flat=True)) == ["29039"]
    again = StringIO()
    call_command("load_qpv_perimeters", str(PERIMETERS), stdout=again)
    assert "0 créés, 0 mis à jour, 2 inchangés" in again.getvalue()


@pytest.mark.django_db
def test_qpv_perimeters_code_field_option_and_bad_file(france, tmp_path):
    data = json.loads(PERIMETERS.read_text())
    for feature in data["features"]:
        feature["properties"] = {"code_quartier": feature["properties"]["code_qp"]}
    renamed = tmp_path / "perimetres.geojson"
    renamed.write_text(json.dumps(data))
    with pytest.raises(
        CommandError, match=r"perimetres\.geojson, entité 1 : code absent \(propriété « code_qp »\)"
    ):
        call_command("load_qpv_perimeters", str(renamed), stdout=StringIO())
    call_command("load_qpv_perimeters", str(renamed), "--code-field", "code_quartier", stdout=StringIO())
    assert Qpv.objects.exclude(perimeter="").count() == 2

    data["features"][1]["geometry"] = {"type": "Point", "coordinates": [0, 0]}
    data["features"][0]["geometry"]["coordinates"] = [[[0, 0], [0, 1], [1, 1], [0, 0]]]
    bad = tmp_path / "mauvais.geojson"
    bad.write_text(json.dumps(data))
    before = dict(Qpv.objects.exclude(perimeter="").values_list("code", "perimeter"))
    with pytest.raises(CommandError) as error:
        call_command("load_qpv_perimeters", str(bad), "--code-field", "code_quartier", stdout=StringIO())
    assert "mauvais.geojson, entité 2 : QN02999Z : géométrie Polygon ou MultiPolygon attendue" in str(
        error.value
    )
    assert dict(Qpv.objects.exclude(perimeter="").values_list("code", "perimeter")) == before
    (tmp_path / "tronque.geojson").write_text(PERIMETERS.read_text()[:200])
    with pytest.raises(CommandError, match=r"tronque\.geojson, ligne .* GeoJSON invalide"):
        call_command("load_qpv_perimeters", str(tmp_path / "tronque.geojson"), stdout=StringIO())
    with pytest.raises(CommandError, match=r"absent\.geojson, fichier : fichier introuvable"):
        call_command("load_qpv_perimeters", str(tmp_path / "absent.geojson"), stdout=StringIO())


@pytest.mark.django_db
def test_index_follows_communes_saved_one_by_one():
    from tests.factories.geo import CommuneFactory

    assert lookup.commune_at(10.0, 10.0) is None
    CommuneFactory(insee="99001", outline=square_outline(10.0, 10.0, 0.5))
    assert lookup.commune_at(10.0, 10.0) == "99001"
    Commune.objects.get(insee="99001").delete()
    assert lookup.commune_at(10.0, 10.0) is None
