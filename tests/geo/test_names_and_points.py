"""The corrected commune file (PROVENANCE.md, "Corrected on 2026-12-01"): names with their article, INSEE's
sort order, a point for every commune, reference points outside their commune refused by load_geo."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories.diagnostic import square as square_outline
from tierslieux.geo.models import Commune, Region
from tierslieux.geo.points import Check, points_outside
from tierslieux.geo.selectors import territory_search
from tierslieux.geo.services import DATA_DIR, geo_load
from tierslieux.geo.text import sort_key, without_article
from tierslieux.places.selectors import commune_around, parse_filters

pytestmark = pytest.mark.django_db


# --- pure helpers -----------------------------------------------------------------------------------------
def test_sort_key_drops_the_insee_article_only():
    assert without_article("Le Havre") == "Havre"
    assert without_article("L'Abergement-Clémenciat") == "Abergement-Clémenciat"
    assert without_article("L’Haÿ-les-Roses") == "Haÿ-les-Roses"
    assert without_article("Los Masos") == "Masos"
    assert without_article("Lamballe-Armor") == "Lamballe-Armor"  # no article: a word starting with "La"
    assert without_article("Lesparre-Médoc") == "Lesparre-Médoc"
    assert sort_key("Les Abymes") == "abymes"
    assert sort_key("Saint-Étienne") == "saint etienne"


def test_points_outside_their_contour_are_found_with_their_distance():
    square = square_outline(2.0, 48.0, 0.05)
    checks = [
        Check(square, 2.0, 48.0),  # inside
        Check(square, 2.053, 48.0),  # 0.003° outside: within the simplification tolerance
        Check(square, 2.2, 48.0),  # about 11 km outside
        Check(square, -2.0, 48.0),  # sign flip: about 290 km
        Check(None, 50.0, 10.0),  # nothing to check against
        Check(square, None, None),  # no point
    ]
    outside = points_outside(checks)
    assert sorted(outside) == [2, 3]
    assert 10 < outside[2] < 12
    assert 285 < outside[3] < 300


def test_a_hole_can_be_filled_and_a_wider_tolerance_given():
    ring = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    hole = [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6], [0.4, 0.4]]
    holed = json.dumps({"type": "Polygon", "coordinates": [ring, hole]})
    assert points_outside([Check(holed, 0.5, 0.5)]) != {}
    assert points_outside([Check(holed, 0.5, 0.5, fill_holes=True)]) == {}
    assert points_outside([Check(holed, 1.1, 0.5, fill_holes=True, tolerance=0.2)]) == {}


# --- the national file --------------------------------------------------------------------------------------
def test_names_carry_their_article(france):
    names = dict(
        Commune.objects.filter(insee__in=["76351", "13028", "97101", "01001", "72181"]).values_list(
            "insee", "name"
        )
    )
    assert names == {
        "76351": "Le Havre",
        "13028": "La Ciotat",
        "97101": "Les Abymes",
        "01001": "L'Abergement-Clémenciat",
        "72181": "Le Mans",
    }
    assert Commune.objects.get(insee="76351").sort_name == "havre"
    assert Commune.objects.filter(name__regex=r"^((Le|La|Les|Aux|Las|Los) |L')").count() >= 2_223


def test_lists_sort_as_insee_does_ignoring_the_article(france):
    names = list(Commune.objects.filter(department_id="13").values_list("name", flat=True))
    ciotat = names.index("La Ciotat")
    assert names[ciotat - 1] < "Ciotat" < names[ciotat + 1].replace("La ", "")
    assert names.index("Cassis") < ciotat < names.index("Cuges-les-Pins")
    assert names.index("Pélissanne") < names.index("Les Pennes-Mirabeau") < names.index("Peynier")  # P, not L
    regions = list(Region.objects.values_list("name", flat=True))
    assert regions.index("La Réunion") > regions.index("Provence-Alpes-Côte d'Azur")


def test_every_commune_has_a_point_inside_its_commune(france):
    communes = Commune.objects.filter(kind=Commune.Kind.COMMUNE)
    assert communes.count() == 34_875
    assert [c.insee for c in communes.only("insee", *POINT_FIELDS) if c.point is None] == []
    sainte_anne = Commune.objects.get(insee="97128")
    assert sainte_anne.town_hall_lon is None  # blank in the corrected file (was +61.38°)
    assert sainte_anne.point == (-61.38919, 16.25642)  # the interior point
    assert Commune.objects.get(insee="60166").point == (2.80151, 49.45894)  # Coudun, in the Oise
    assert Commune.objects.get(insee="14581").point == (-0.70455, 49.13481)  # complement (no contour)


POINT_FIELDS = ("town_hall_lon", "town_hall_lat", "interior_lon", "interior_lat")


def test_load_geo_repairs_rows_of_the_first_version_then_changes_nothing(france):
    Commune.objects.filter(insee="76351").update(name="Havre", name_search="havre", sort_name="havre")
    Commune.objects.filter(insee="97128").update(town_hall_lon=61.37809, town_hall_lat=16.23082)
    out = StringIO()
    call_command("load_geo", "--no-progress", stdout=out, stderr=StringIO())
    assert "Communes : 0 créés, 2 mis à jour, 34918 inchangés" in out.getvalue()
    assert Commune.objects.get(insee="76351").name == "Le Havre"
    assert Commune.objects.get(insee="97128").town_hall_lon is None
    assert not geo_load().changed


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _rewrite(path: Path, insee: str, **values: str) -> None:
    lines = gzip.decompress(path.read_bytes()).decode().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    for number, line in enumerate(lines):
        if line.startswith(f"{insee},"):
            row = next(csv.reader([line]))
            for key, value in values.items():
                row[header.index(key)] = value
            out = StringIO()
            csv.writer(out, lineterminator="\n").writerow(row)
            lines[number] = out.getvalue()
    path.write_bytes(gzip.compress("".join(lines).encode()))


def test_points_outside_their_commune_are_refused_with_a_warning(france, data_copy):
    # Concarneau's town hall with a sign flip on the longitude (3.92° E, in the Massif central), and the
    # complement point of Aurseulles (no contour) moved to the Alps, far outside the Calvados.
    _rewrite(data_copy / "communes.csv.gz", "29039", town_hall_lon="3.91900")
    path = data_copy / "communes_points_complement.csv.gz"
    text = (
        gzip.decompress(path.read_bytes()).decode().replace("14581,-0.70455,49.13481", "14581,5.70455,45.1")
    )
    path.write_bytes(gzip.compress(text.encode()))
    err = StringIO()
    call_command("load_geo", "--no-progress", "--data-dir", str(data_copy), stdout=StringIO(), stderr=err)
    warnings = err.getvalue().splitlines()
    assert len(warnings) == 2
    assert warnings[0].startswith("Avertissement — communes.csv.gz, ligne ")
    assert "Concarneau (29039) : mairie à " in warnings[0]
    assert warnings[0].endswith("km hors du contour de la commune, point ignoré")
    assert warnings[1].startswith(
        "Avertissement — communes_points_complement.csv.gz, ligne 2 : Aurseulles (14581) : point complémentaire à "
    )
    assert warnings[1].endswith("km hors du contour du département, point ignoré")
    concarneau = Commune.objects.get(insee="29039")
    assert concarneau.town_hall_lon is None
    assert concarneau.point == (concarneau.interior_lon, concarneau.interior_lat)
    assert Commune.objects.get(insee="14581").point is None
    geo_load()  # back to the project's files
    assert Commune.objects.get(insee="29039").town_hall_lon is not None
    assert Commune.objects.get(insee="14581").point is not None


# --- search ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("q", "insee"),
    [
        ("Le Havre", "76351"),
        ("le havre", "76351"),
        ("havre", "76351"),
        ("LE HAVRE", "76351"),
        ("La Ciotat", "13028"),
        ("ciotat", "13028"),
        ("Les Abymes", "97101"),
        ("l'abergement clemenciat", "01001"),
    ],
)
def test_header_search_and_around_find_names_with_or_without_article(france, client, q, insee):
    first = territory_search(q)[0]
    assert (first.kind, first.code, first.match) == ("commune", insee, 0)
    html = client.get(reverse("geo:suggestions"), {"q": q}, HTTP_HX_REQUEST="true").content.decode()
    assert f'href="/territoires/commune/{insee}/"' in html
    assert commune_around(q).insee == insee
    filters = parse_filters({"around": q})
    assert filters.errors == [] and filters.has_origin
    assert (filters.near_lon, filters.near_lat) == Commune.objects.get(insee=insee).point


def test_around_in_the_atlas_page(france, client):
    html = client.get(reverse("places:atlas"), {"around": "Le Havre"}).content.decode()
    assert "introuvable" not in html
    assert "Le Havre" in html


def test_a_search_box_takes_the_most_populated_commune_a_text_may_mean(france):
    from tierslieux.geo.resolution import commune_resolve

    # A form field names both; a search box takes Saint-Étienne (its postcode), not La Gimond (its INSEE code).
    assert [c.insee for c in commune_resolve(text="42100").candidates] == ["42100", "42218"]
    assert commune_around("42100").insee == "42218"
    assert commune_around("Saint-Denis").insee == "97411"  # the most populated of the homonyms
    assert commune_around("Saint-Denis (93)").insee == "93066"
    assert commune_around("Saint-Denis", "93066").insee == "93066"  # the autocomplete's choice
    assert commune_around("", "93066").insee == "93066"  # the code alone (the API)
    assert commune_around("Atlantide") is None and commune_around("", "99999") is None
