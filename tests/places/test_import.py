"""The import engine: CSV (delimiter, UTF-8 BOM, Latin-1), XLSX, GeoJSON; mapping; every rejected row
with its line and a French reason; atomic; re-importing changes nothing."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.factories.contributions import concarneau, make_place
from tierslieux.places import importing
from tierslieux.places.importing import ImportFileError, guess_mapping, read_file, run_import
from tierslieux.places.models import Place, PlaceSourceRecord, PlaceVersion

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


def load(name: str):
    return read_file(name, (DATA / name).read_bytes())


def test_utf8_csv_with_bom_imports_and_lists_every_rejected_row():
    concarneau()
    table = load("lieux_utf8.csv")
    assert table.columns[0] == "id"  # BOM removed
    mapping = guess_mapping(table.columns)
    assert mapping == {
        "id": "source_id",
        "nom": "name",
        "type": "types",
        "adresse": "address",
        "code postal": "postcode",
        "longitude": "lon",
        "latitude": "lat",
        "description": "description",
        "site": "website",
    }
    report = run_import(table, mapping, source="reseau-test")
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    rejected = {row.line: " ".join(row.errors) for row in report.rejected}
    assert set(rejected) == {4, 5, 6, 7}
    assert "hors de France" in rejected[4]
    assert "nom du lieu est obligatoire" in rejected[5]
    assert "5 chiffres" in rejected[6]
    assert "Doublon dans le fichier" in rejected[7] and "ligne 2" in rejected[7]
    hangar = Place.objects.get(name="Le Hangar Partagé")
    assert hangar.types == ["atelier_partage"] and hangar.website == "https://hangar.example.org"
    assert hangar.description.startswith("<script>")  # stored as text (escaped on display)
    assert hangar.source == "reseau-test" and hangar.versions.count() == 1
    approximate = Place.objects.get(name="Tiers-lieu sans coordonnées")
    assert approximate.location_approximate and approximate.commune_id == "29039"
    assert PlaceSourceRecord.objects.filter(source="reseau-test").count() == 3
    assert not Place.objects.filter(name__in=["Lieu Lointain", "Doublon"]).exists()


def test_a_commune_column_holding_names_is_not_taken_for_insee_codes():
    assert guess_mapping(["Nom", "Commune", "Code INSEE"]) == {"Nom": "name", "Code INSEE": "commune"}
    assert guess_mapping(["nom", "commune"]) == {"nom": "name"}


def test_reimporting_the_same_file_changes_nothing():
    concarneau()
    table = load("lieux_utf8.csv")
    mapping = guess_mapping(table.columns)
    run_import(table, mapping, source="reseau-test")
    versions = PlaceVersion.objects.count()
    again = run_import(load("lieux_utf8.csv"), mapping, source="reseau-test")
    assert (again.created, again.updated, again.unchanged, len(again.rejected)) == (0, 0, 3, 4)
    assert PlaceVersion.objects.count() == versions and Place.objects.count() == 3


def test_a_changed_row_updates_the_place_it_was_imported_as():
    concarneau()
    table = load("lieux_utf8.csv")
    mapping = guess_mapping(table.columns)
    run_import(table, mapping, source="reseau-test")
    table.rows[1][1]["nom"] = "Café Réparé et Recyclerie"
    report = run_import(table, mapping, source="reseau-test")
    assert (report.created, report.updated) == (0, 1)
    assert Place.objects.filter(name="Café Réparé et Recyclerie").count() == 1


def test_latin1_semicolon_csv_with_labels_and_decimal_commas():
    concarneau()
    table = load("lieux_latin1.csv")
    assert table.columns[0] == "Nom" and table.rows[0][1]["Nom"] == "Médiathèque Éphémère"
    report = run_import(table, guess_mapping(table.columns), source="latin")
    assert report.created == 2 and not report.rejected
    place = Place.objects.get(name="Médiathèque Éphémère")
    assert place.services == ["formation", "internet"] and place.lon == -3.91
    assert Place.objects.get(name="Forêt des Ça").status == "closed"


def test_geojson_points_and_rejected_feature():
    concarneau()
    table = load("lieux.geojson")
    report = run_import(table, guess_mapping(table.columns), source="geo")
    assert report.created == 1
    [rejected] = report.rejected
    assert rejected.line == 2 and "hors de France" in rejected.errors[0]
    place = Place.objects.get()
    assert place.types == ["fablab", "makerspace"] and (place.lon, place.lat) == (-3.91, 47.88)


def test_xlsx():
    concarneau()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Longitude", "Latitude", "Surface"])
    sheet.append(["Atelier Tableur", -3.91, 47.87, 120])
    sheet.append(["Sans coordonnées ni commune", None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run_import(
        read_file("lieux.xlsx", buffer.getvalue()),
        {"Nom": "name", "Longitude": "lon", "Latitude": "lat", "Surface": "surface_m2"},
        source="tableur",
    )
    assert report.created == 1 and Place.objects.get().surface_m2 == 120
    [rejected] = report.rejected
    assert rejected.line == 3 and "commune introuvable" in rejected.errors[0]


def test_existing_place_is_matched_by_slug():
    place = make_place()
    table = importing.Table(
        columns=["nom", "lon", "lat", "site"],
        rows=[(2, {"nom": place.name, "lon": "-3.92", "lat": "47.87", "site": "port.example.org"})],
    )
    report = run_import(table, guess_mapping(table.columns) | {"site": "website"}, source="autre")
    assert (report.created, report.updated) == (0, 1)
    place.refresh_from_db()
    assert place.website == "https://port.example.org"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("casse.csv", (DATA / "casse.csv").read_bytes(), "caractères binaires"),
        ("vide.csv", b"   ", "vide"),
        ("lieux.pdf", b"%PDF-1.4", "Format non reconnu"),
        ("lieux.xlsx", b"pas un classeur", "XLSX lisible"),
        ("lieux.geojson", b"{", "GeoJSON valide"),
        ("lieux.geojson", b'{"type": "Feature"}', "FeatureCollection"),
        ("gros.csv", b"nom\n" + b"x" * importing.MAX_BYTES, "la limite est de 5 Mo"),
        ("double.csv", b"nom,nom\na,b\n", "apparaît deux fois"),
    ],
)
def test_unreadable_files_get_a_clear_french_message(name, content, message):
    with pytest.raises(ImportFileError, match=message):
        read_file(name, content)


def test_mapping_without_a_name_column_is_refused():
    table = load("lieux_utf8.csv")
    with pytest.raises(ImportFileError, match="nom du lieu"):
        run_import(table, {"id": "source_id"}, source="x")


def test_dry_run_writes_nothing():
    concarneau()
    table = load("lieux_utf8.csv")
    report = run_import(table, guess_mapping(table.columns), source="reseau-test", dry_run=True)
    assert report.created == 3 and not report.committed
    assert not Place.objects.exists() and not PlaceSourceRecord.objects.exists()


def test_an_unexpected_failure_rolls_the_whole_import_back(monkeypatch):
    concarneau()
    real = importing.place_create
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("panne de base de données")
        return real(**kwargs)

    monkeypatch.setattr(importing, "place_create", failing)
    table = load("lieux_utf8.csv")
    with pytest.raises(RuntimeError):
        run_import(table, guess_mapping(table.columns), source="reseau-test")
    assert not Place.objects.exists() and not PlaceVersion.objects.exists()


# --- Command line ---------------------------------------------------------------------------------------
def run_command(*args, **options):
    out = io.StringIO()
    call_command("import_places", *args, stdout=out, **options)
    return out.getvalue()


def test_command_dry_run_then_import_then_reimport():
    concarneau()
    path = str(DATA / "lieux_utf8.csv")
    output = run_command(path, source="reseau-test", dry_run=True)
    assert "Simulation : 3 lieux créés" in output and "Ligne 4 rejetée" in output
    assert not Place.objects.exists()
    assert "3 lieux créés, 0 mis à jour" in run_command(path, source="reseau-test")
    assert "0 lieu créé, 0 mis à jour, 3 inchangés" in run_command(path, source="reseau-test")


def test_command_mapping_overrides_the_guess():
    concarneau()
    output = run_command(
        str(DATA / "lieux_utf8.csv"),
        "--mapping",
        "site=",
        "description=short_description",
        source="reseau-test",
    )
    assert "site →" not in output
    hangar = Place.objects.get(name="Le Hangar Partagé")
    assert hangar.website == "" and hangar.short_description.startswith("<script>")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nulle-part.csv"], "Fichier introuvable"),
        ([str(DATA / "casse.csv")], "caractères binaires"),
        ([str(DATA / "lieux_utf8.csv"), "--mapping", "nom"], "attendu colonne=champ"),
        ([str(DATA / "lieux_utf8.csv"), "--mapping", "inconnue=name"], "Colonne inconnue"),
        ([str(DATA / "lieux_utf8.csv"), "--mapping", "nom=pointure"], "Champ inconnu"),
    ],
)
def test_command_errors(args, message):
    with pytest.raises(CommandError, match=message):
        run_command(*args, source="x")


def test_duplicate_slugs_in_the_file_are_rejected_and_an_existing_slug_is_updated():
    place = make_place()
    table = importing.Table(
        columns=["slug", "nom", "lon", "lat"],
        rows=[
            (2, {"slug": place.slug, "nom": "Nouveau nom", "lon": "-3.92", "lat": "47.87"}),
            (3, {"slug": place.slug, "nom": "Autre lieu", "lon": "-3.92", "lat": "47.87"}),
            (4, {"slug": "un-autre-lieu", "nom": "Un autre lieu", "lon": "-3.92", "lat": "47.87"}),
        ],
    )
    report = run_import(table, guess_mapping(table.columns), source="slugs")
    assert (report.created, report.updated) == (1, 1)
    [rejected] = report.rejected
    assert rejected.line == 3 and "même identifiant d’URL que la ligne 2" in rejected.errors[0]
    place.refresh_from_db()
    assert place.name == "Nouveau nom"
    assert Place.objects.filter(slug="un-autre-lieu").exists()
