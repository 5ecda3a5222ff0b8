"""The staff import pages: upload, columns, values, preview (paginated, per-row choices), commit, report,
history, cancellation; permissions of every page; no file ever gives a 500."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories.contributions import concarneau
from tests.factories.imports import messy_bytes, messy_world
from tierslieux.places.importing import MAX_BYTES
from tierslieux.places.models import ImportValueMapping, Place, PlaceImport

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
UPLOAD = "/lieux/import/"
COLUMNS_UTF8 = ["source_id", "name", "types", "address", "postcode", "lon", "lat", "description", "website"]


def upload(client, name="lieux_utf8.csv", content=None, source="reseau-test"):
    content = (DATA / name).read_bytes() if content is None else content
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content), "source": source})


def pk_of(response) -> int:
    return int(re.search(r"/import/(\d+)/", response["Location"]).group(1))


def text(response) -> str:
    return response.content.decode()


def summary(response) -> str:
    return re.sub(r"\s+", " ", re.search(r'<p id="import-summary">(.*?)</p>', text(response), re.S).group(1))


def mapping_post(fields: list[str]) -> dict:
    return {f"col_{n}": field for n, field in enumerate(fields)}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, 302),
        ("plain_user", 403),
        ("place_manager", 403),
        ("applicant", 403),
        ("reviewer", 403),
        ("programme_staff", 200),
        ("administrator", 200),
    ],
)
def test_import_pages_are_for_programme_staff_only(request, client_for, programme_staff, who, expected):
    concarneau()
    staff = client_for(programme_staff)
    draft = pk_of(upload(staff))
    done = pk_of(upload(staff))
    staff.post(f"/lieux/import/{done}/colonnes/", mapping_post(COLUMNS_UTF8))
    staff.post(f"/lieux/import/{done}/apercu/", {"action": "commit"})
    assert PlaceImport.objects.get(pk=done).status == "done"
    places = Place.objects.count()
    client = client_for(request.getfixturevalue(who) if who else None)
    for url in (
        UPLOAD,
        "/lieux/import/historique/",
        f"/lieux/import/{draft}/colonnes/",
        f"/lieux/import/{done}/",
        f"/lieux/import/{done}/rapport.csv",
    ):
        assert client.get(url).status_code == expected, url
    assert (
        client.get(f"/lieux/import/{draft}/apercu/").status_code == expected
    )  # planned with the guessed columns
    for url, data in (
        (f"/lieux/import/{draft}/colonnes/", mapping_post(["", ""])),  # no name column: refused
        (f"/lieux/import/{done}/annuler/", {}),
    ):
        response = client.post(url, data)
        assert response.status_code == (expected if expected != 200 else response.status_code), url
    if expected != 200:
        assert Place.objects.count() == places and PlaceImport.objects.get(pk=done).status == "done"
    else:
        assert PlaceImport.objects.get(pk=done).status == "cancelled"


def test_upload_columns_preview_commit_report_history_cancel(client_for, programme_staff):
    concarneau()
    client = client_for(programme_staff)
    response = upload(client)
    assert response.status_code == 302 and response["Location"].endswith("/colonnes/")
    pk = pk_of(response)
    columns = client.get(response["Location"])
    assert columns.status_code == 200 and "Exemples : A1 | A2 | A3" in text(columns)
    response = client.post(f"/lieux/import/{pk}/colonnes/", mapping_post([*COLUMNS_UTF8[:-1], ""]))
    assert response["Location"] == f"/lieux/import/{pk}/apercu/"
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert summary(preview).startswith(
        "<strong>4 lieux créés, 0 lieu complété ou modifié, 0 lieu inchangé, 3 lignes rejetées"
    )
    content = text(preview)
    assert "hors de France" in content and "Doublon dans le fichier" in content
    assert "<script>alert" not in content
    assert not Place.objects.exists()  # the preview writes nothing
    report = client.get(f"/lieux/import/{pk}/rapport.csv")
    assert report["Content-Disposition"] == f'attachment; filename="import-{pk}-apercu.csv"'
    assert "rejetée" in report.content.decode("utf-8-sig")
    response = client.post(f"/lieux/import/{pk}/apercu/", {"action": "commit"})
    assert response["Location"] == f"/lieux/import/{pk}/"
    detail = client.get(response["Location"])
    assert "Import terminé : 4 lieux créés" in text(detail) and "Télécharger le rapport (CSV)" in text(detail)
    assert Place.objects.count() == 4 and Place.objects.get(name="Le Hangar Partagé").website == ""
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/lieux/import/{pk}/rapport.csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert rows[0][:3] == ["Ligne", "Résultat", "Lieu"] and len(rows) == 8
    history = client.get("/lieux/import/historique/")
    assert f"Import n° {pk}" in text(history) and "lieux_utf8.csv (reseau-test)" in text(history)
    # The committed import's pages no longer change it.
    assert client.get(f"/lieux/import/{pk}/apercu/")["Location"] == f"/lieux/import/{pk}/"
    # Re-importing the same file changes nothing.
    again = pk_of(upload(client))
    client.post(f"/lieux/import/{again}/colonnes/", mapping_post([*COLUMNS_UTF8[:-1], ""]))
    assert "0 lieu créé, 0 lieu complété ou modifié, 4 lieux inchangés" in summary(
        client.get(f"/lieux/import/{again}/apercu/")
    )
    # Cancel the first import.
    response = client.post(f"/lieux/import/{pk}/annuler/")
    assert response.status_code == 302 and not Place.objects.exists()
    assert "Import annulé : 0 lieu rétabli, 4 lieux supprimés." in text(client.get(f"/lieux/import/{pk}/"))
    refused = client.post(f"/lieux/import/{pk}/annuler/")
    assert refused.status_code == 409 and "Seul un import terminé" in text(refused)


def test_a_file_without_a_recognised_name_column_asks_for_it(client_for, programme_staff):
    """The mapping page answered 500 for a UTF-8 BOM followed by Latin-1, or for "Structure;…" headers."""
    concarneau()
    client = client_for(programme_staff)
    content = b"\xef\xbb\xbf" + "Équipement;Latitude;Longitude\nLe Local;47,87;-3,92\n".encode("cp1252")
    response = upload(client, "bom.csv", content)
    columns = client.get(response["Location"])
    assert columns.status_code == 200
    assert "Aucune colonne n’a été reconnue comme le nom du lieu" in text(columns)
    assert "mélange UTF-8 et Latin-1" in text(columns) and "Colonne « Équipement »" in text(columns)
    refused = client.post(response["Location"], mapping_post(["", "lat", "lon"]))
    assert refused.status_code == 400 and "Aucune colonne n’est associée au nom du lieu" in text(refused)
    assert 'value="lat" selected' in text(refused)  # the choices are kept
    accepted = client.post(response["Location"], mapping_post(["name", "lat", "lon"]))
    assert accepted.status_code == 302
    structure = upload(client, "s.csv", b"Structure;Latitude;Longitude\nLe Local;47.87;-3.92\n")
    assert "Aucune colonne n’a été reconnue" not in text(client.get(structure["Location"]))


def test_mapping_errors_keep_the_choices(client_for, programme_staff):
    client = client_for(programme_staff)
    location = upload(client)["Location"]
    response = client.post(location, mapping_post(["name", "name"]))
    assert response.status_code == 400
    assert "Chaque champ ne peut recevoir qu’une colonne : Nom." in text(response)
    # Several columns may fill one list field.
    assert (
        client.post(
            location, mapping_post(["", "name", "types", "", "", "lon", "lat", "types", ""])
        ).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("casse.csv", None, 400, "caractères binaires"),
        ("lieux.pdf", b"%PDF", 400, "Format non reconnu"),
        ("vide.csv", b"", 400, "Le fichier soumis est vide"),
        ("blanc.csv", b"\r\n \r\n", 400, "vide"),
        ("entete.csv", b"nom;latitude\n", 400, "aucune ligne de données"),
        ("binaire.csv", bytes(range(256)) * 4, 400, "caractères binaires"),
        ("faux.xlsx", b"PK\x03\x04 abc", 400, "XLSX lisible"),
        ("gros.csv", b"nom\n" + b"x" * MAX_BYTES, 413, "la limite est de 5 Mo"),
    ],
)
def test_bad_files_get_a_french_message_never_a_500(
    client_for, programme_staff, name, content, status, message
):
    response = upload(client_for(programme_staff), name, content)
    assert response.status_code == status and message in text(response)
    assert 'value="reseau-test"' in text(response)  # what was typed is kept


def test_upload_without_a_file_or_with_a_bad_source_keeps_what_was_typed(client_for, programme_staff):
    client = client_for(programme_staff)
    response = client.post(UPLOAD, {"source": "reseau-bretagne"})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in text(response) and 'value="reseau-bretagne"' in text(response)
    response = upload(client, source="réseau breton")
    assert response.status_code == 400
    assert 'value="réseau breton"' in text(response) and "Ce champ ne doit contenir que des lettres" in text(
        response
    )


def test_unknown_imports_are_404(client_for, programme_staff):
    client = client_for(programme_staff)
    for url in (
        "/lieux/import/999/",
        "/lieux/import/999/colonnes/",
        "/lieux/import/999/apercu/",
        "/lieux/import/999/rapport.csv",
    ):
        assert client.get(url).status_code == 404
    assert client.get("/lieux/import/..%2F..%2Fetc/").status_code == 404


def test_drafts_never_imported_are_removed_after_a_day(client_for, programme_staff):
    import datetime as dt

    from django.utils import timezone

    client = client_for(programme_staff)
    first = pk_of(upload(client))
    PlaceImport.objects.filter(pk=first).update(created_at=timezone.now() - dt.timedelta(days=2))
    upload(client)
    assert not PlaceImport.objects.filter(pk=first).exists()


def test_values_step_and_per_row_choices(client_for, programme_staff):
    world = messy_world()
    client = client_for(programme_staff)
    pk = pk_of(upload(client, "partenaire.csv", messy_bytes(), source="partenaire"))
    fields = [
        "name",
        "types",
        "address",
        "postcode",
        "commune_name",
        "lat",
        "lon",
        "website",
        "description",
        "",
    ]
    response = client.post(f"/lieux/import/{pk}/colonnes/", mapping_post(fields))
    assert response["Location"] == f"/lieux/import/{pk}/valeurs/"
    values = client.get(response["Location"])
    assert "« FabLab / atelier » (Types, 1 ligne)" in text(values)
    assert re.search(r'value="fablab"[^>]*checked', text(values)) and re.search(
        r'value="atelier_partage"[^>]*checked', text(values)
    )
    assert "&lt;img src=x onerror=alert(2)&gt;" in text(values) and "<img src=x" not in text(values)
    number = re.search(r"« FabLab / atelier ».*?name=\"value_(\d+)\"", text(values), re.S).group(1)
    response = client.post(f"/lieux/import/{pk}/valeurs/", {f"value_{number}": ["fablab", "atelier_partage"]})
    assert response["Location"] == f"/lieux/import/{pk}/apercu/"
    assert ImportValueMapping.objects.get(source="partenaire", value="fablab atelier").codes == [
        "fablab",
        "atelier_partage",
    ]
    assert ImportValueMapping.objects.get(source="partenaire", value="img src x onerror alert 2").codes == []
    preview = client.get(response["Location"])
    content = text(preview)
    assert "9 lieux créés, 2 lieux complétés ou modifiés, 1 lieu inchangé, 3 lignes rejetées" in summary(
        preview
    )
    port = world["places"]["fabrique"]
    # The merge names its target, with link, commune, distance and similarity, and the diff of its fields.
    assert (
        f'Fusion avec <a href="/lieux/{port.slug}/">La Fabrique du Port</a> (Concarneau), 23 m, nom semblable à 100 %'
        in content
    )
    assert "Valeur actuelle" in content and "conservé" in content and "complété" in content
    assert "Latitude et longitude inversées" in content
    assert "<script>alert" not in content
    # Turn the merge of line 2 into a creation, skip line 15; unknown lines are ignored, bad choices refused.
    response = client.post(
        f"/lieux/import/{pk}/apercu/", {"d-2": "create", "d-15": "skip", "d-99": "create", "action": "save"}
    )
    assert response.status_code == 302
    assert (
        "9 lieux créés, 1 lieu complété ou modifié, 1 lieu inchangé, 3 lignes rejetées, 1 ligne écartée"
        in summary(client.get(f"/lieux/import/{pk}/apercu/"))
    )
    refused = client.post(f"/lieux/import/{pk}/apercu/", {"d-3": f"merge:{port.pk}", "action": "save"})
    assert refused.status_code == 400 and "Choix impossible pour la ligne 3" in text(refused)
    filtered = client.get(f"/lieux/import/{pk}/apercu/?filtre=rejected")
    assert filtered.content.decode().count(
        'data-action="rejected"'
    ) == 3 and 'data-action="create"' not in text(filtered)
    response = client.post(f"/lieux/import/{pk}/apercu/", {"action": "commit"})
    assert Place.objects.filter(name__iexact="La Fabrique du Port").count() == 2
    assert not Place.objects.filter(name="Chez Ça Va").exists()


def test_the_preview_shows_every_row_paginated(client_for, programme_staff):
    concarneau()
    client = client_for(programme_staff)
    lines = ["nom;latitude;longitude"] + [f"Lieu {n:03d};47.8{n % 10};-3.9{n % 7}" for n in range(620)]
    pk = pk_of(upload(client, "gros.csv", "\n".join(lines).encode()))
    client.post(f"/lieux/import/{pk}/colonnes/", mapping_post(["name", "lat", "lon"]))
    first = client.get(f"/lieux/import/{pk}/apercu/")
    assert "Lignes 1 à 50 sur 620" in text(first) and "620 lieux créés" in summary(first)
    last = client.get(f"/lieux/import/{pk}/apercu/?page=13")
    assert "Lignes 601 à 620 sur 620" in text(last) and "Lieu 619" in text(last)
    # A pagination button saves the page's choices, then moves.
    response = client.post(f"/lieux/import/{pk}/apercu/?page=1", {"d-2": "skip", "goto": "13"})
    assert response["Location"].endswith("?page=13")
    assert "1 ligne écartée" in summary(client.get(response["Location"]))


def test_the_mediation_schema_is_recognised_by_the_pages(client_for, programme_staff):
    concarneau()
    client = client_for(programme_staff)
    pk = pk_of(upload(client, "mediation_v23.csv", source="mednum"))
    columns = client.get(f"/lieux/import/{pk}/colonnes/")
    assert "Format reconnu : Lieux de médiation numérique (schéma national)" in text(columns)
    assert re.search(r'<option value="pivot" selected>', text(columns))
    fields = [m for m in re.findall(r'name="(col_\d+)"', text(columns))]
    chosen = {
        name: (
            re.search(rf'name="{name}".*?<option value="([^"]*)" selected', text(columns), re.S) or [None, ""]
        )[1]
        for name in fields
    }
    response = client.post(f"/lieux/import/{pk}/colonnes/", chosen)
    assert response["Location"] == f"/lieux/import/{pk}/apercu/"  # every value of the schema is known
    assert "3 lieux créés" in summary(client.get(response["Location"]))
    client.post(f"/lieux/import/{pk}/apercu/", {"action": "commit"})
    assert Place.objects.get(name="Espace numérique du Port").labels == [
        "france_services",
        "fabrique_territoire",
    ]
