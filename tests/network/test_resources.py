"""Resource library: files checked by content and size, links, licences, versions kept, downloads counted,
search and filters, pages by role."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories.files import pdf_bytes
from tierslieux.core.errors import ServiceError
from tierslieux.network import services
from tierslieux.network.models import Resource, ResourceVersion

PDF = pdf_bytes()


def xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            "<Types><Override ContentType='application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'/></Types>",
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def resource_data(**extra):
    return {
        "title": "Modèle de budget prévisionnel",
        "kind": "budget",
        "description": "Un **tableur**.",
        "licence": "CC-BY-SA-4.0",
        "tags": "budget, financement",
        "version": "1.0",
    } | extra


@pytest.fixture
def budget(place_manager, forge):
    return services.resource_create(
        user=place_manager,
        data=resource_data(author_place=forge),
        upload=SimpleUploadedFile("budget.xlsx", xlsx()),
    )


def test_files_are_checked_by_content_and_size(place_manager, forge, settings):
    with pytest.raises(ServiceError) as error:
        services.resource_create(
            user=place_manager, data=resource_data(), upload=SimpleUploadedFile("budget.pdf", b"MZ\x90 exe")
        )
    assert "contenu" in error.value.message and error.value.status == 400
    settings.NETWORK_RESOURCE_MAX_BYTES = 1000
    with pytest.raises(ServiceError) as error:
        services.resource_create(
            user=place_manager, data=resource_data(), upload=SimpleUploadedFile("gros.pdf", PDF * 10)
        )
    assert error.value.status == 413
    with pytest.raises(ServiceError):
        services.resource_create(
            user=place_manager, data=resource_data(licence="copyright"), link="https://exemple.fr"
        )
    assert Resource.objects.count() == 0


def test_who_may_share(plain_user, programme_staff):
    with pytest.raises(ServiceError) as error:
        services.resource_create(user=plain_user, data=resource_data(), link="https://exemple.fr/guide")
    assert error.value.status == 403
    assert services.resource_create(
        user=programme_staff, data=resource_data(), link="https://exemple.fr/guide"
    ).pk


def test_versions_are_kept_and_downloads_counted(client, budget, place_manager):
    first = budget.versions.get()
    assert first.content_type.endswith("spreadsheetml.sheet")
    services.resource_add_version(
        user=place_manager,
        resource=budget,
        version="2.0",
        note="Ajout des charges",
        upload=SimpleUploadedFile("budget.pdf", PDF),
    )
    with pytest.raises(ServiceError) as error:
        services.resource_add_version(
            user=place_manager, resource=budget, version="2.0", link="https://exemple.fr"
        )
    assert error.value.status == 409
    assert list(budget.versions.values_list("version", flat=True)) == ["2.0", "1.0"]
    response = client.get(f"/reseau/ressources/{budget.slug}/telecharger/1/")
    with first.file.open("rb") as stored:  # every file is closed: warnings are errors
        assert response.status_code == 200 and b"".join(response.streaming_content) == stored.read()
    b"".join(client.get(f"/reseau/ressources/{budget.slug}/telecharger/2/").streaming_content)
    budget.refresh_from_db()
    assert budget.download_count == 2 and ResourceVersion.objects.get(number=1).downloads == 1


def test_search_and_filters(client, budget, programme_staff):
    services.resource_create(
        user=programme_staff,
        data=resource_data(title="Statuts de SCIC", kind="statuts", licence="etalab-2.0", tags="statuts"),
        link="https://exemple.fr/statuts",
    )

    def titles(query):
        return [
            line
            for line in ("Modèle de budget prévisionnel", "Statuts de SCIC")
            if line in client.get(f"/reseau/ressources/{query}").content.decode()
        ]

    assert titles("") == ["Modèle de budget prévisionnel", "Statuts de SCIC"]
    assert titles("?q=prévisionnel") == ["Modèle de budget prévisionnel"]
    assert titles("?kind=statuts") == ["Statuts de SCIC"]
    assert titles("?licence=etalab-2.0") == ["Statuts de SCIC"]
    assert titles("?tag=financement") == ["Modèle de budget prévisionnel"]
    assert client.get("/reseau/ressources/?kind=zzz").status_code == 200


def test_pages_by_role(client_for, budget, plain_user, place_manager, programme_staff):
    assert client_for(None).get(budget.get_absolute_url()).status_code == 200
    assert client_for(None).get("/reseau/ressources/partager/").status_code == 302
    assert client_for(plain_user).get("/reseau/ressources/partager/").status_code == 403
    assert client_for(place_manager).get("/reseau/ressources/partager/").status_code == 200
    assert client_for(plain_user).get(f"/reseau/ressources/{budget.slug}/version/").status_code == 403
    assert client_for(place_manager).get(f"/reseau/ressources/{budget.slug}/version/").status_code == 200
    assert (
        client_for(plain_user)
        .post(f"/reseau/ressources/{budget.slug}/action/", {"action": "withdraw"})
        .status_code
        == 403
    )
    assert (
        client_for(programme_staff)
        .post(f"/reseau/ressources/{budget.slug}/action/", {"action": "withdraw"})
        .status_code
        == 302
    )
    assert client_for(None).get(budget.get_absolute_url()).status_code == 404
    assert client_for(place_manager).get(budget.get_absolute_url()).status_code == 200


def test_upload_form_refuses_bad_files_with_4xx(client_for, place_manager, forge):
    client = client_for(place_manager)
    bad = io.BytesIO(b"#!/bin/sh\necho hi\n")
    bad.name = "statuts.pdf"
    response = client.post(
        "/reseau/ressources/partager/",
        {"title": "Statuts", "kind": "statuts", "licence": "CC0-1.0", "version": "1", "file": bad},
    )
    assert response.status_code == 400 and "contenu" in response.content.decode()
    assert 'value="Statuts"' in response.content.decode() and Resource.objects.count() == 0
