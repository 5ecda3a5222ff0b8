"""The staff import pages: upload, mapping and preview (nothing written), commit; permissions; bad files."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories.contributions import concarneau
from tierslieux.places import importing
from tierslieux.places.models import Place

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"
UPLOAD = "/lieux/import/"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


def upload(client, name="lieux_utf8.csv", content=None, source="reseau-test"):
    content = (DATA / name).read_bytes() if content is None else content
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content), "source": source})


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
    token = re.search(r"/import/(\w+)/", upload(client_for(programme_staff))["Location"]).group(1)
    client = client_for(request.getfixturevalue(who) if who else None)
    assert client.get(UPLOAD).status_code == expected
    preview = reverse("contributions:import_preview", args=[token])
    assert client.get(preview).status_code == expected
    response = client.post(preview, {"action": "commit"})  # no column mapped to the name: refused
    assert response.status_code == (400 if expected == 200 else expected)
    assert not Place.objects.exists()


def test_upload_preview_then_commit(client_for, programme_staff):
    concarneau()
    client = client_for(programme_staff)
    response = upload(client)
    assert response.status_code == 302
    preview = client.get(response["Location"])
    content = preview.content.decode()
    assert "3 lieux créés, 0 mis à jour, 0 inchangé, 4 lignes rejetées" in content
    assert "hors de France" in content and "Doublon dans le fichier" in content
    assert "<script>alert" not in content
    assert not Place.objects.exists()  # the preview writes nothing
    mapping = {
        f"col_{n}": field
        for n, field in enumerate(
            ["source_id", "name", "types", "address", "postcode", "lon", "lat", "description", ""]
        )
    }
    response = client.post(response["Location"], mapping | {"action": "commit"})
    assert response.status_code == 200
    assert "Import terminé" in response.content.decode()
    assert Place.objects.count() == 3 and Place.objects.get(name="Le Hangar Partagé").website == ""
    # Re-importing the same file changes nothing.
    again = client.post(upload(client)["Location"], mapping | {"action": "preview"}).content.decode()
    assert "0 lieu créé, 0 mis à jour, 3 inchangés" in again


def test_mapping_errors_keep_the_choices(client_for, programme_staff):
    client = client_for(programme_staff)
    location = upload(client)["Location"]
    mapping = {f"col_{n}": "" for n in range(9)} | {"col_0": "name", "col_1": "name"}
    response = client.post(location, mapping | {"action": "preview"})
    assert response.status_code == 400
    assert "Chaque champ ne peut recevoir qu’une colonne : Nom." in response.content.decode()
    response = client.post(location, {f"col_{n}": "" for n in range(9)} | {"action": "commit"})
    assert response.status_code == 400 and "Aucune colonne n’est associée au nom" in response.content.decode()
    assert not Place.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("casse.csv", None, 400, "caractères binaires"),
        ("lieux.pdf", b"%PDF", 400, "Format non reconnu"),
        ("gros.csv", b"nom\n" + b"x" * importing.MAX_BYTES, 413, "la limite est de 5 Mo"),
    ],
)
def test_bad_files_get_a_french_message(client_for, programme_staff, name, content, status, message):
    response = upload(client_for(programme_staff), name, content)
    assert response.status_code == status and message in response.content.decode()
    assert 'value="reseau-test"' in response.content.decode()  # what was typed is kept


def test_upload_without_a_file_or_with_a_bad_source_keeps_what_was_typed(client_for, programme_staff):
    client = client_for(programme_staff)
    response = client.post(UPLOAD, {"source": "reseau-bretagne"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Ce champ est obligatoire." in content and 'value="reseau-bretagne"' in content
    response = upload(client, source="réseau breton")
    assert response.status_code == 400
    assert 'value="réseau breton"' in response.content.decode()
    assert "Ce champ ne doit contenir que des lettres" in response.content.decode()


def test_unknown_or_forged_tokens_are_404(client_for, programme_staff):
    client = client_for(programme_staff)
    assert client.get("/lieux/import/0123456789abcdef0123456789abcdef/").status_code == 404
    assert client.get("/lieux/import/..%2F..%2Fetc/").status_code == 404


def test_files_never_imported_are_removed_after_a_day(client_for, programme_staff, tmp_path):
    import os
    import time

    client = client_for(programme_staff)
    first = re.search(r"/import/(\w+)/", upload(client)["Location"]).group(1)
    old = time.time() - 2 * 24 * 3600
    for path in (tmp_path / "imports").glob(f"{first}.*"):
        os.utime(path, (old, old))
    upload(client)
    assert not list((tmp_path / "imports").glob(f"{first}.*"))
    assert client.get(reverse("contributions:import_preview", args=[first])).status_code == 404
