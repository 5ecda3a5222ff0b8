"""The import engine (issue 9): reading any usual file, mapping, locating, matching by name AND location,
the merge policy, value mappings, decisions per row, the report, idempotence, atomicity, cancellation, the
national "lieux de médiation numérique" schema — and the command line on a messy third-party file."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.factories.contributions import concarneau, make_place
from tests.factories.imports import EXPECTED, FILE_COMMUNES, messy_bytes, messy_world
from tierslieux.places import exports
from tierslieux.places.importing import (
    ImportFileError,
    check_mapping,
    detect_format,
    guess_mapping,
    place_import_cancel,
    read_file,
    run_import,
)
from tierslieux.places.importing import services as import_services
from tierslieux.places.importing.planning import plan_table
from tierslieux.places.models import ImportValueMapping, Place, PlaceImport, PlaceSourceRecord, PlaceVersion
from tierslieux.places.services import place_snapshot

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
MESSY_MAPPING = {
    "Équipement": "name",
    "Type": "types",
    "Adresse": "address",
    "CP": "postcode",
    "Commune": "commune_name",
    "Latitude": "lat",
    "Longitude": "lon",
    "Site": "website",
    "Description": "description",
}


def load(name: str):
    return read_file(name, (DATA / name).read_bytes())


def imported(name: str, mapping=None, **options):
    return run_import(name, mapping, content=(DATA / name).read_bytes(), **options)


def by_line(report) -> dict[int, dict]:
    return {row["line"]: row for row in report.rows}


def actions(report) -> dict[str, list[int]]:
    result: dict[str, list[int]] = {}
    for row in report.rows:
        result.setdefault(row["action"], []).append(row["line"])
    return result


def snapshots(places) -> dict[int, dict]:
    return {p.pk: place_snapshot(Place.objects.get(pk=p.pk)) for p in places}


# --- Reading --------------------------------------------------------------------------------------------
def test_utf8_csv_with_bom():
    table = load("lieux_utf8.csv")
    assert table.columns[0] == "id" and table.notes == ()


def test_latin1_semicolons_and_decimal_commas():
    concarneau()
    table = load("lieux_latin1.csv")
    assert table.columns[0] == "Nom" and table.rows[0][1]["Nom"] == "Médiathèque Éphémère"
    report = imported("lieux_latin1.csv", source="latin")
    assert report.created == 2 and not report.rejected
    place = Place.objects.get(name="Médiathèque Éphémère")
    assert place.services == ["formation", "internet"] and place.lon == -3.91
    assert Place.objects.get(name="Forêt des Ça").status == "closed"


def test_a_bom_before_latin1_and_lines_in_two_encodings():
    table = read_file("m.csv", messy_bytes())
    assert table.columns[:2] == ["Équipement", "Type"]
    rows = dict(table.rows)
    assert rows[15]["Équipement"] == "Chez Ça Va"  # Latin-1
    assert rows[9]["Latitude"] == "16°13'34\"N"  # UTF-8
    assert "mélange UTF-8 et Latin-1" in table.notes[0]


def test_utf16_and_a_delimiter_inside_descriptions():
    text = (
        "nom\tdescription\tlatitude\tlongitude\nL’Abri\tDes outils, des machines; et du café\t47.87\t-3.92\n"
    )
    table = read_file("t.txt", text.encode("utf-16"))
    assert table.columns == ["nom", "description", "latitude", "longitude"]
    assert table.rows[0][1]["description"] == "Des outils, des machines; et du café"


def test_headers_without_a_name_column_are_recognised_or_asked_for():
    table = read_file("s.csv", "Structure;Latitude;Longitude\nLe Local;47.87;-3.92\n".encode("cp1252"))
    assert guess_mapping(table.columns) == {"Structure": "name", "Latitude": "lat", "Longitude": "lon"}
    table = read_file("s.csv", "Équipement;Latitude;Longitude\nLe Local;47.87;-3.92\n".encode("cp1252"))
    assert "Équipement" not in guess_mapping(table.columns)
    with pytest.raises(ImportFileError, match="Aucune colonne n’est associée au nom du lieu"):
        check_mapping(guess_mapping(table.columns))


def test_repeated_and_blank_headers_are_renamed():
    table = read_file("d.csv", b"nom;nom;;latitude\na;b;c;47\n")
    assert table.columns == ["nom", "nom (2)", "colonne 3", "latitude"]
    assert "apparaît plusieurs fois" in table.notes[0]


def test_xlsx_and_geojson():
    concarneau()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Longitude", "Latitude", "Surface"])
    sheet.append(["Atelier Tableur", -3.91, 47.87, 120])
    sheet.append(["Sans coordonnées ni commune", None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run_import("lieux.xlsx", content=buffer.getvalue(), source="tableur")
    assert report.created == 1 and Place.objects.get().surface_m2 == 120
    [rejected] = report.rejected
    assert rejected["line"] == 3 and "commune introuvable" in rejected["errors"][0]
    report = imported("lieux.geojson", source="geo")
    assert report.created == 1
    [rejected] = report.rejected
    assert rejected["line"] == 2 and "hors de France" in rejected["errors"][0]
    assert Place.objects.get(name="Fablab des Îles").types == ["fablab", "makerspace"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("casse.csv", (DATA / "casse.csv").read_bytes(), "caractères binaires"),
        ("vide.csv", b"   ", "vide"),
        ("vide.csv", b"\xef\xbb\xbf\r\n", "vide"),
        ("entete.csv", b"nom;latitude\n", "aucune ligne de données"),
        ("lieux.pdf", b"%PDF-1.4", "Format non reconnu"),
        ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "Format non reconnu"),
        ("lieux.xlsx", b"pas un classeur", "XLSX lisible"),
        ("faux.xlsx", b"PK\x03\x04pas vraiment un zip", "XLSX lisible"),
        ("lieux.geojson", b"{", "GeoJSON valide"),
        ("lieux.geojson", b'{"type": "Feature"}', "FeatureCollection"),
        ("lieux.json", b'{"a": 1}', "liste d’objets"),
        ("lieux.json", b"[1, 2]", "n’est pas un objet"),
        ("gros.csv", b"nom\n" + b"x" * (5 * 1024 * 1024), "la limite est de 5 Mo"),
        ("quotes.csv", b'nom;description\n"a;"b\n\x00', "caractères binaires"),
    ],
)
def test_unreadable_files_get_a_clear_french_message(name, content, message):
    with pytest.raises(ImportFileError, match=message):
        read_file(name, content)


def test_a_file_with_an_extension_that_lies_is_read_by_its_content():
    concarneau()
    workbook = Workbook()
    workbook.active.append(["Nom", "Latitude", "Longitude"])
    workbook.active.append(["Classeur mal nommé", 47.87, -3.92])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_file("lieux.csv", buffer.getvalue()).kind == "xlsx"
    assert read_file("lieux.txt", b'[{"nom": "A", "latitude": 47.8, "longitude": -3.9}]').kind == "json"


# --- The rows -------------------------------------------------------------------------------------------
def test_every_rejected_row_has_its_line_its_values_and_a_french_reason():
    concarneau()
    report = imported("lieux_utf8.csv", source="reseau-test")
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    rejected = {row["line"]: row for row in report.rejected}
    assert set(rejected) == {4, 5, 7}
    assert "hors de France" in rejected[4]["errors"][0] and rejected[4]["raw"]["nom"] == "Lieu Lointain"
    assert "nom du lieu est obligatoire" in rejected[5]["errors"][0]
    assert "Doublon dans le fichier : le même identifiant que la ligne 2" in rejected[7]["errors"][0]
    # An invalid secondary value is dropped with a warning, the row is kept.
    assert "Code postal « ABCDE » ignoré" in by_line(report)[6]["warnings"][0]
    hangar = Place.objects.get(name="Le Hangar Partagé")
    assert hangar.types == ["atelier_partage"] and hangar.website == "https://hangar.example.org"
    assert hangar.description.startswith("<script>")  # stored as text, escaped on display
    assert hangar.source == "reseau-test" and hangar.versions.count() == 1
    approximate = Place.objects.get(name="Tiers-lieu sans coordonnées")
    assert approximate.location_approximate and approximate.location_origin == "commune"
    assert approximate.commune_id == "29039"
    assert PlaceSourceRecord.objects.filter(source="reseau-test").count() == 4


def test_reimporting_the_same_file_changes_nothing():
    concarneau()
    imported("lieux_utf8.csv", source="reseau-test")
    versions = PlaceVersion.objects.count()
    again = imported("lieux_utf8.csv", source="reseau-test")
    assert (again.created, again.updated, again.unchanged, len(again.rejected)) == (0, 0, 4, 3)
    assert PlaceVersion.objects.count() == versions and Place.objects.count() == 4


def test_a_changed_row_updates_the_place_it_was_imported_as():
    concarneau()
    imported("lieux_utf8.csv", source="reseau-test")
    content = (DATA / "lieux_utf8.csv").read_bytes().replace(b"Un repair caf", b"Le repair caf")
    report = run_import("lieux_utf8.csv", content=content, source="reseau-test")
    assert (report.created, report.updated) == (0, 1)
    assert Place.objects.get(name="Café Réparé").description == "Le repair café"


def test_two_places_of_the_same_name_in_two_communes_are_not_in_file_duplicates():
    messy_world()
    content = "nom;commune;cp\nLe Bocal;Concarneau;29900\nLe Bocal;Rennes;35000\nLe Bocal;Concarneau;29900\n"
    report = run_import("b.csv", content=content.encode(), source="bocal")
    assert actions(report) == {"create": [2, 3], "rejected": [4]}
    assert "le même nom dans la même commune que la ligne 2" in report.rejected[0]["errors"][0]


def test_coordinates_in_every_usual_spelling_and_swapped_ones():
    messy_world()
    content = (
        "nom;latitude;longitude\n"
        "Décimal virgule;47,8712;-3,9131\n"
        "DMS;48°05'34\"N;1°39'30\"O\n"
        "DMS espaces;48 05 34 N;1 39 30 W\n"
        "Inversé;-3.9131;47.8712\n"
        "Illisible;quarante-sept;-3.9\n"
        "Une seule;47.87;\n"
        "Outre-mer;16°13'34\"N;61°23'13\"O\n"
    )
    report = run_import("c.csv", content=content.encode(), source="coords")
    rows = by_line(report)
    assert actions(report) == {"create": [2, 3, 4, 5, 8], "rejected": [6, 7]}
    assert "pas une coordonnée lisible" in rows[6]["errors"][0]
    assert "il faut les deux" in rows[7]["errors"][0]
    assert "inversées" in rows[5]["warnings"][0]
    swapped = Place.objects.get(name="Inversé")
    assert (swapped.lon, swapped.lat) == (-3.9131, 47.8712)
    dms = Place.objects.get(name="DMS")
    assert (round(dms.lat, 4), round(dms.lon, 4)) == (48.0928, -1.6583)
    assert Place.objects.get(name="Outre-mer").commune_id == "97128"


def test_missing_coordinates_come_from_the_commune_cedex_and_shared_postcodes_included():
    world = messy_world()
    content = (
        "nom;commune;cp;insee\n"
        "Par le nom;Quévert;22100;\n"
        "Par le CEDEX;ST BRIEUC CEDEX 1;22099;\n"
        "Par le code;;;29039\n"
        "Partagé;;22100;\n"
        "Inconnue;Nulle-Part;;\n"
        "Outre-mer;Sainte-Anne;97180;\n"
        "Homonyme;Sainte-Anne;;\n"
    )
    report = run_import("l.csv", content=content.encode(), source="communes")
    rows = by_line(report)
    assert actions(report) == {"create": [2, 3, 4, 7], "rejected": [5, 6, 8]}
    assert "partagé par plusieurs communes" in rows[5]["errors"][0]
    assert "Aucune commune ne s’appelle « Nulle-Part »" in rows[6]["errors"][0]
    assert "Plusieurs communes s’appellent « Sainte-Anne »" in rows[8]["errors"][0]
    quevert = Place.objects.get(name="Par le nom")
    assert quevert.commune == world["communes"]["quevert"] and quevert.location_approximate
    assert (quevert.lon, quevert.lat) == (-2.0847, 48.4617)
    assert Place.objects.get(name="Par le CEDEX").commune_id == "22278"
    assert Place.objects.get(name="Outre-mer").commune_id == "97128"


# --- Matching: the bugs of issue 9 ----------------------------------------------------------------------
def test_la_verriere_of_le_quesnoy_never_overwrites_the_one_of_nice():
    world = messy_world()
    nice = world["places"]["verriere_nice"]
    before = place_snapshot(nice)
    content = "Nom;Adresse;CP;Commune;Latitude;Longitude\nLA VERRIÈRE;1 place du Marché;59530;Le Quesnoy;50.2478;3.6369\n"
    report = run_import("v.csv", content=content.encode(), source="region")
    assert actions(report) == {"create": [2]}
    assert place_snapshot(Place.objects.get(pk=nice.pk)) == before
    quesnoy = Place.objects.get(commune_id="59481")
    assert quesnoy.name == "LA VERRIÈRE" and quesnoy.address == "1 place du Marché"


def test_la_factory_of_paris_11e_never_overwrites_the_one_of_colombes():
    world = messy_world()
    colombes = world["places"]["factory_colombes"]
    before = place_snapshot(colombes)
    content = "nom;commune;code postal;latitude;longitude\nLa Factory;Paris 11e;75011;48.8656;2.3789\n"
    report = run_import("f.csv", content=content.encode(), source="idf")
    assert actions(report) == {"create": [2]}
    assert place_snapshot(Place.objects.get(pk=colombes.pk)) == before
    assert Place.objects.get(name="La Factory", commune_id="75111").lat == 48.8656


def test_a_near_duplicate_39_m_away_with_the_same_website_is_merged_not_created():
    world = messy_world()
    content = (
        "nom;commune;latitude;longitude;site\n"
        "L'Atelier - Ressourcerie;Concarneau;47.8702;-3.91952;https://www.atelier-ressources.example/\n"
    )
    report = run_import("n.csv", content=content.encode(), source="voisin")
    [row] = report.rows
    assert row["action"] == "merge" and row["place"] == world["places"]["ressources"].pk
    assert Place.objects.filter(commune_id="29039").count() == 3  # nothing created
    ressources = Place.objects.get(pk=row["place"])
    assert (ressources.lon, ressources.lat) == (
        -3.9190,
        47.8702,
    )  # 39 m: the same point, the current one kept


def test_merge_policy_through_the_engine():
    world = messy_world()
    port = world["places"]["fabrique"]
    port_before = place_snapshot(port)
    content = (
        "nom;commune;cp;type;site;adresse\n"
        # upper-case variant, no coordinates (the town hall's point), a new type, a new website
        "LA FABRIQUE DU PORT;Concarneau;29900;Coworking;https://port.example;3 quai\n"
    )
    report = run_import("p.csv", content=content.encode(), source="policy")
    assert actions(report) == {"merge": [2]}
    port.refresh_from_db()
    assert port.name == "La Fabrique du Port"  # never its upper-case variant
    assert (port.lon, port.lat, port.location_origin) == (
        -3.92,
        47.87,
        "source",
    )  # never the town hall's point
    assert port.types == ["fablab", "coworking"]  # lists are united
    assert (port.website, port.address, port.postcode) == (
        "https://port.example",
        "3 quai",
        "29900",
    )  # filled
    change = port.import_changes.get()
    assert set(change.before) == {"types", "website", "address", "postcode"}
    assert change.before["types"] == port_before["types"]


def test_replacements_need_the_row_and_can_be_refused_per_row():
    world = messy_world()
    port = world["places"]["fabrique"]
    content = "nom;commune;description\nLa Fabrique du Port;Concarneau;Une autre description\n"
    report = run_import("r.csv", content=content.encode(), source="replace", dry_run=True)
    assert actions(report) == {"merge": [2]}
    # "Compléter sans rien remplacer": nothing to fill, so nothing changes.
    report = run_import(
        "r.csv", content=content.encode(), source="replace", decisions={"2": f"fill:{port.pk}"}
    )
    assert actions(report) == {"unchanged": [2]}
    port.refresh_from_db()
    assert port.description == "Un fablab au bord de l’eau."
    # The row kept as proposed: the replacement is applied.
    report = run_import("r.csv", content=content.encode(), source="replace2")
    port.refresh_from_db()
    assert actions(report) == {"merge": [2]} and port.description == "Une autre description"


def test_staff_turn_a_merge_into_a_creation_and_a_proposal_into_a_merge():
    world = messy_world()
    port = world["places"]["fabrique"]
    content = "nom;commune;latitude;longitude\nLa Fabrique du Port;Concarneau;47.87;-3.92\nLa Fabrique du Port;Trégunc;47.8705;-3.918\n"
    plan = plan_table(
        read_file("t.csv", content.encode()),
        guess_mapping(["nom", "commune", "latitude", "longitude"]),
        source="x",
    )
    [first, second] = plan.rows
    assert first["default"] == f"merge:{port.pk}"
    assert second["status"] == "rejected"  # Trégunc is not a commune of this atlas
    content = "nom;latitude;longitude\nLa Fabrique du Port;47.87;-3.92\nLe Bocal;47.8712;-3.9131\n"
    report = run_import("t.csv", content=content.encode(), source="choices", decisions={"2": "create"})
    assert actions(report) == {"create": [2, 3]}
    assert Place.objects.filter(name="La Fabrique du Port").count() == 2


def test_a_candidate_across_communes_is_only_proposed():
    world = messy_world()
    nice = world["places"]["verriere_nice"]
    content = "nom;latitude;longitude;site;commune;cp\nLa Verrière;43.70;7.42;https://verriere.example;Quévert;22100\n"
    Place.objects.filter(pk=nice.pk).update(website="https://verriere.example")
    plan = plan_table(
        read_file("c.csv", content.encode()),
        guess_mapping(["nom", "latitude", "longitude", "site", "commune", "cp"]),
        source="x",
    )
    [row] = plan.rows
    assert row["default"] == "create"
    [candidate] = row["candidates"]
    assert candidate["id"] == nice.pk and not candidate["automatic"] and "website" in candidate["reasons"]
    report = run_import("c.csv", content=content.encode(), source="x", decisions={"2": f"merge:{nice.pk}"})
    assert report.rows[0]["place"] == nice.pk


def test_an_impossible_decision_is_refused():
    concarneau()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Choix impossible pour la ligne 2"):
        imported("lieux_utf8.csv", source="x", decisions={"2": "merge:999"})


# --- Values ---------------------------------------------------------------------------------------------
def test_unknown_list_values_are_warnings_then_mapped_and_remembered_per_source():
    messy_world()
    content = "nom;commune;type;services\nLe Bocal;Concarneau;FabLab / atelier;Wifi gratuit\n"
    report = run_import("v.csv", content=content.encode(), source="reseau", dry_run=True)
    [row] = report.rows
    assert row["action"] == "create" and len(row["warnings"]) == 2
    assert "« FabLab / atelier » non reconnue pour « Types »" in row["warnings"][0]
    values = {
        "types": {"FabLab / atelier": ["fablab", "atelier_partage"]},
        "services": {"Wifi gratuit": ["internet"]},
    }
    report = run_import("v.csv", content=content.encode(), source="reseau", value_mappings=values)
    assert report.rows[0]["warnings"] == []
    place = Place.objects.get(name="Le Bocal")
    assert (place.types, place.services) == (["fablab", "atelier_partage"], ["internet"])
    assert ImportValueMapping.objects.get(source="reseau", field="types").codes == [
        "fablab",
        "atelier_partage",
    ]
    # The next file of the same source knows them; another source does not.
    again = "nom;commune;type\nLe Hangar;Concarneau;FABLAB / ATELIER\n"
    assert run_import("w.csv", content=again.encode(), source="reseau").rows[0]["warnings"] == []
    assert run_import("w.csv", content=again.encode(), source="autre", dry_run=True).rows[0]["warnings"]


def test_value_guesses_from_parts():
    from tierslieux.places.importing.fields import guess_codes, split_values

    assert guess_codes("types", "FabLab / atelier") == ["fablab", "atelier_partage"]
    assert split_values("services", "Café, bar ou restauration") == (["cafe"], [])
    assert split_values("types", "fab lab; coworking | Repair Café") == (
        ["fablab", "coworking", "repair_cafe"],
        [],
    )


# --- Preview, report, atomicity -------------------------------------------------------------------------
def test_the_plan_covers_every_row_without_a_cap():
    concarneau()
    lines = ["nom;latitude;longitude"] + [f"Lieu {n};47.8{n % 10};-3.9{n % 7}" for n in range(650)]
    content = "\n".join(lines).encode()
    report = run_import("g.csv", content=content, source="gros", dry_run=True)
    assert len(report.rows) == 650 and report.created == 650


def test_an_unexpected_failure_rolls_the_whole_import_back(monkeypatch):
    concarneau()
    real = import_services.place_create
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("panne de base de données")
        return real(**kwargs)

    monkeypatch.setattr(import_services, "place_create", failing)
    with pytest.raises(RuntimeError):
        imported("lieux_utf8.csv", source="reseau-test")
    assert (
        not Place.objects.exists() and not PlaceVersion.objects.exists() and not PlaceImport.objects.exists()
    )


def test_dry_run_writes_nothing():
    concarneau()
    report = imported("lieux_utf8.csv", source="reseau-test", dry_run=True)
    assert report.created == 4 and not report.committed
    assert (
        not Place.objects.exists()
        and not PlaceSourceRecord.objects.exists()
        and not PlaceImport.objects.exists()
    )


def test_the_report_is_kept_with_the_import_and_reads_as_csv():
    concarneau()
    report = imported("lieux_utf8.csv", source="reseau-test")
    place_import = PlaceImport.objects.get()
    assert place_import.counts == {"create": 4, "merge": 0, "unchanged": 0, "rejected": 3, "skip": 0}
    assert len(place_import.report) == 7 and place_import.report == report.rows
    text = import_services.report_csv(place_import.report, site_url="https://tl.example").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows[2]["Ligne"] == "4" and rows[2]["Résultat"] == "rejetée"
    assert "hors de France" in rows[2]["Raison du rejet"] and rows[2]["Fichier : nom"] == "Lieu Lointain"
    assert rows[0]["Adresse de la fiche"] == "https://tl.example/lieux/le-hangar-partage/"
    assert rows[0]["Fichier : description"].startswith("<script>")


# --- Cancelling -----------------------------------------------------------------------------------------
def test_cancelling_restores_every_changed_place_and_removes_the_created_ones(programme_staff):
    world = messy_world()
    before = {p.pk: place_snapshot(p) for p in world["places"].values()}
    report = run_import("m.csv", MESSY_MAPPING, content=messy_bytes(), source="messy", user=programme_staff)
    assert Place.objects.count() == len(before) + 9
    result = place_import_cancel(place_import=report.place_import, user=programme_staff)
    assert result == {"restored": 2, "removed": 9, "kept": []}
    assert {p.pk: place_snapshot(p) for p in Place.objects.all()} == before
    assert not PlaceSourceRecord.objects.filter(source="messy").exists()
    report.place_import.refresh_from_db()
    assert report.place_import.status == "cancelled" and report.place_import.cancelled_by == programme_staff
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Seul un import terminé"):
        place_import_cancel(place_import=report.place_import, user=programme_staff)


def test_cancelling_keeps_what_was_changed_since_and_refuses_when_a_created_place_is_managed(plain_user):
    world = messy_world()
    port = world["places"]["fabrique"]
    report = run_import("m.csv", MESSY_MAPPING, content=messy_bytes(), source="messy")
    from tierslieux.places.services import place_update

    place_update(place=port, data={"website": "https://change-depuis.example"}, reason="gestionnaire")
    bocal = Place.objects.get(name="Le Bocal", commune_id="35238")
    bocal.managers.add(plain_user)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=r"ont désormais des gestionnaires.*Le Bocal"):
        place_import_cancel(place_import=report.place_import, user=None)
    assert Place.objects.filter(pk=bocal.pk).exists()  # nothing was undone
    bocal.managers.clear()
    result = place_import_cancel(place_import=report.place_import, user=None)
    assert result["kept"] == ["La Fabrique du Port (website)"]
    port.refresh_from_db()
    assert port.website == "https://change-depuis.example" and port.postcode == ""


# --- Lieux de médiation numérique -----------------------------------------------------------------------
def test_the_mediation_schema_csv_is_recognised_and_mapped():
    concarneau()
    table = load("mediation_v23.csv")
    assert detect_format(table.columns).code == "mediation_numerique"
    report = imported("mediation_v23.csv", source="mednum")
    assert actions(report) == {"create": [2, 3, 4]} and all(not r["warnings"] for r in report.rows)
    epn = Place.objects.get(name="Espace numérique du Port")
    assert epn.types == ["coworking", "mediation_numerique"]
    assert epn.services == ["internet", "services_publics", "aide_numerique"]
    assert epn.labels == ["france_services", "fabrique_territoire"]
    assert epn.siret == "73282932000074" and epn.website == "https://epn-port.example"
    assert epn.address == "2 quai Carnot, Bâtiment B" and epn.opening_hours["mo"] == [["09:00", "12:00"]]
    assert (epn.short_description, epn.description) == (
        "Un espace public numérique",
        "Ateliers et accès libre",
    )
    assert "contact@example.org" not in json.dumps(place_snapshot(epn))  # emails only in the private record
    assert PlaceSourceRecord.objects.get(place=epn).raw["courriels"] == "contact@example.org"
    fablab = Place.objects.get(name="Fablab de la Gare")
    assert fablab.types == ["fablab", "mediation_numerique"] and fablab.siret == ""
    mobile = Place.objects.get(name="Point numérique mobile")
    assert mobile.rna == "W291234567" and mobile.location_approximate


def test_the_mediation_schema_json_as_published(settings):
    from tests.factories.geo import CommuneFactory

    for insee, name, postcode in (("73008", "Aix-les-Bains", "73100"), ("74001", "Abondance", "74360")):
        CommuneFactory(insee=insee, name=name, postcodes=postcode, town_hall_lon=6.0, town_hall_lat=45.7)
    table = load("mediation_hinaura.json")
    assert table.kind == "json" and detect_format(table.columns).code == "mediation_numerique"
    report = imported("mediation_hinaura.json", source="hinaura-2021")
    assert report.created == 4 and not report.rejected
    msap = Place.objects.get(name__startswith="MAISON DE SERVICES")
    assert msap.commune_id == "74001" and "internet" in msap.services and "services_publics" in msap.services
    assert msap.types == ["mediation_numerique"] and msap.opening_hours["tu"]


def test_the_atlas_exports_in_the_mediation_schema_and_reads_back(client):
    world = messy_world()
    port = world["places"]["fabrique"]
    Place.objects.filter(pk=port.pk).update(
        labels=["fabrique_territoire"], services=["machines", "internet"], siret="73282932000074"
    )
    response = client.get("/lieux/export-mediation-numerique.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(exports.MEDIATION_HEADERS)
    row = next(r for r in rows if r["nom"] == "La Fabrique du Port")
    assert row["pivot"] == "73282932000074" and row["typologie"] == "FABLAB" and row["code_insee"] == "29039"
    assert row["services"] == "Loisirs et créations numériques;Accès internet et matériel informatique"
    assert row["formations_labels"] == "Fabriques de Territoire" and row["courriels"] == ""
    assert all(
        r[field] for r in rows for field in ("id", "pivot", "nom", "commune", "code_postal", "date_maj")
    )
    payload = json.loads(b"".join(client.get("/lieux/export-mediation-numerique.json").streaming_content))
    assert {item["nom"] for item in payload} == set(Place.objects.values_list("name", flat=True))
    assert "telephone" not in payload[0]
    # Our own export is an import format: read back, it changes nothing.
    again = run_import("export.csv", content=text.encode(), source="plateforme")
    assert again.created == 0 and len(again.rows) == Place.objects.count()


# --- Command line ---------------------------------------------------------------------------------------
def run_command(*args, **options):
    out = io.StringIO()
    call_command("import_places", *args, stdout=out, **options)
    return out.getvalue()


def test_command_on_the_messy_file(tmp_path):
    world = messy_world()
    outside = [p for p in Place.objects.all() if p.commune_id not in FILE_COMMUNES]
    outside_before = snapshots(outside)
    path = tmp_path / "tiers-lieux-partenaire.csv"
    path.write_bytes(messy_bytes())
    output = run_command(
        str(path),
        "--mapping",
        "Équipement=name",
        "--values",
        "types:FabLab / atelier=fablab,atelier_partage",
        "--report",
        str(tmp_path / "rapport.csv"),
        source="partenaire",
        dry_run=True,
    )
    assert (
        "Simulation : 9 lieux créés, 2 lieux complétés ou modifiés, 1 lieu inchangé, 3 lignes rejetées"
        in output
    )
    assert (
        "Ligne 8 rejetée : Les coordonnées (latitude 40,4168, longitude -3,7038) sont hors de France"
        in output
    )
    assert "Ligne 7 : Latitude et longitude inversées" in output
    assert not ImportValueMapping.objects.exists() and Place.objects.count() == 6  # nothing written
    output = run_command(
        str(path),
        "--mapping",
        "Équipement=name",
        "--values",
        "types:FabLab / atelier=fablab,atelier_partage",
        source="partenaire",
    )
    place_import = PlaceImport.objects.get()
    assert (
        f"Import n° {place_import.pk} : 9 lieux créés, 2 lieux complétés ou modifiés, 1 lieu inchangé"
        in output
    )
    report = {row["line"]: row["action"] for row in place_import.report}
    assert {a: sorted(line for line, b in report.items() if b == a) for a in set(report.values())} == EXPECTED
    assert snapshots(outside) == outside_before  # no place outside the file's communes changed
    assert Place.objects.get(name="La Verrière", commune_id="06088").address == "2 rue de la Verrerie"
    port = Place.objects.get(pk=world["places"]["fabrique"].pk)
    assert port.name == "La Fabrique du Port" and port.website == "https://fabrique-port.example"
    assert Place.objects.get(name="Le Bocal", commune_id="29039").types == ["fablab", "atelier_partage"]
    forge = Place.objects.get(pk=world["places"]["forge"].pk)
    assert (forge.lon, forge.lat) == (-3.93, 47.88)
    # A second import of the same file changes nothing.
    versions = PlaceVersion.objects.count()
    output = run_command(str(path), "--mapping", "Équipement=name", source="partenaire")
    assert "0 lieu créé, 0 lieu complété ou modifié, 12 lieux inchangés, 3 lignes rejetées" in output
    assert PlaceVersion.objects.count() == versions
    # And the first can be cancelled from the command line.
    output = run_command("--undo", str(place_import.pk))
    assert "annulé : 2 lieux rétablis, 9 supprimés" in output
    assert Place.objects.count() == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nulle-part.csv"], "Fichier introuvable"),
        ([str(DATA / "casse.csv")], "caractères binaires"),
        ([str(DATA / "lieux_utf8.csv"), "--mapping", "nom"], "attendu colonne=champ"),
        ([str(DATA / "lieux_utf8.csv"), "--mapping", "inconnue=name"], "Colonne inconnue"),
        ([str(DATA / "lieux_utf8.csv"), "--mapping", "nom=pointure"], "Champ inconnu"),
        ([str(DATA / "lieux_utf8.csv"), "--mapping", "nom="], "nom du lieu"),
        ([str(DATA / "lieux_utf8.csv"), "--values", "types=fablab"], "attendu champ:valeur=code1,code2"),
        ([str(DATA / "lieux_utf8.csv"), "--values", "types:x=licorne"], "Code inconnu : licorne"),
        ([str(DATA / "lieux_utf8.csv"), "--decision", "deux=create"], "Décision invalide"),
    ],
)
def test_command_errors(args, message):
    concarneau()
    with pytest.raises(CommandError, match=message):
        run_command(*args, source="x")


def test_command_undo_errors():
    with pytest.raises(CommandError, match="Aucun import n° 42"):
        run_command("--undo", "42")
    with pytest.raises(CommandError, match="Indiquez le fichier"):
        run_command()


def test_an_existing_slug_column_is_an_identifier():
    place = make_place()
    content = f"slug;nom;latitude;longitude\n{place.slug};Nouveau nom;47.87;-3.92\n{place.slug};Autre;47.87;-3.92\nun-autre-lieu;Un autre lieu;47.87;-3.92\n"
    report = run_import("s.csv", content=content.encode(), source="slugs")
    assert actions(report) == {"merge": [2], "rejected": [3], "create": [4]}
    assert "même identifiant d’URL que la ligne 2" in report.rejected[0]["errors"][0]
    place.refresh_from_db()
    assert place.name == "Nouveau nom" and Place.objects.filter(slug="un-autre-lieu").exists()
