"""The SCDL « subventions » export of the signed agreements: rows, the CSV validated against the Table Schema kept
in the project with frictionless (a real validator), the open-data page, the schema route and the public API."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from frictionless import Resource, Schema

from tests.factories.followup import SIRET, make_laureate, sign
from tierslieux.followup import scdl
from tierslieux.followup.services.agreements import agreement_amend

pytestmark = pytest.mark.django_db


def validate(text: str, tmp_path):
    (tmp_path / "subventions.csv").write_text(text, encoding="utf-8")
    resource = Resource(
        path="subventions.csv", basepath=str(tmp_path), schema=Schema.from_descriptor(scdl.table_schema())
    )
    return resource.validate()


@pytest.fixture
def signed(laureate):
    sign(laureate.agreement, laureate.staff, signed_on=date(2025, 1, 15))
    return laureate


def test_one_row_per_signed_agreement_with_its_amount_after_amendments(signed, settings):
    settings.FOLLOWUP_GRANTOR_NAME = "Agence nationale de la cohésion des territoires"
    make_laureate(staff=signed.staff, call=signed.call, place_name="Un autre lieu")  # a draft: not published
    agreement_amend(
        agreement=signed.agreement,
        actor=signed.staff,
        kind="amount",
        effective_on=date(2025, 6, 1),
        reason="Avenant.",
        values={"amounts": [50_000, 45_000, 35_000]},
        today=date(2025, 7, 1),
    )
    [row] = scdl.rows()
    assert row == {
        "nomAttribuant": "Agence nationale de la cohésion des territoires",
        "idAttribuant": "13999999900010",
        "dateConvention": "2025-01-15",
        "referenceDecision": signed.application.reference,
        "nomBeneficiaire": "Association La Fabrique du port",
        "idBeneficiaire": SIRET,
        "rnaBeneficiaire": "W291000123",
        "objet": "Fabriques de territoire — Un tiers-lieu ouvert sur le port",
        "montant": "130000.00",
        "nature": "aide en numéraire",
        "conditionsVersement": "échelonné",
        "datesPeriodeVersement": "2025-01-15/2027-12-31",
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",
        "dispositifAide": "",
    }
    assert scdl.rows(year=2024) == []


def test_the_csv_is_valid_against_the_scdl_table_schema(signed, tmp_path, client):
    second = make_laureate(staff=signed.staff, call=signed.call, place_name="Le Hangar")
    sign(second.agreement, signed.staff, signed_on=date(2025, 2, 1))
    response = client.get("/donnees/subventions/subventions.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    report = validate(text, tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2 and list(rows[0]) == scdl.fields()


def test_the_validator_catches_a_row_outside_the_schema(signed, tmp_path):
    row = scdl.row(signed.agreement) | {
        "idAttribuant": "123",
        "notificationUE": "peut-être",
        "nature": "chèque",
    }
    report = validate(scdl.csv_text([row]), tmp_path)
    assert not report.valid
    assert {(error[0], error[1]) for error in report.flatten(["fieldName", "type"])} == {
        ("idAttribuant", "constraint-error"),
        ("notificationUE", "type-error"),
        ("nature", "constraint-error"),
    }


def test_the_schema_route_serves_the_table_schema(client):
    response = client.get("/donnees/subventions/schema.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["version"] == "2.1.1" and [f["name"] for f in schema["fields"]] == scdl.fields()
    Schema.from_descriptor(schema)  # a valid Table Schema


def test_the_open_data_page_is_public_and_lists_the_agreements(signed, client):
    content = client.get("/donnees/subventions/").content.decode()
    assert "Association La Fabrique du port" in content and "120000.00" in content
    assert 'href="/donnees/subventions/subventions.csv"' in content
    assert "Camille Martin" not in content  # the legal representative is never published
    assert 'href="/donnees/subventions/subventions.csv"' in client.get("/donnees/").content.decode()


def test_the_api_route_is_public_and_filters_by_year(signed, client):
    response = client.get("/api/v1/subventions")
    assert response.status_code == 200
    [row] = response.json()
    assert (
        row["montant"] == "120000.00" and row["idBeneficiaire"] == SIRET and "representative_name" not in row
    )
    assert client.get("/api/v1/subventions?annee=2024").json() == []
    bad = client.get("/api/v1/subventions?annee=deux-mille")
    assert bad.status_code == 400 and bad.json()["detail"] == "Paramètres invalides."


def test_the_page_says_when_the_grantor_is_not_configured(signed, client, settings):
    settings.FOLLOWUP_GRANTOR_SIRET = ""
    assert "n’est pas encore configuré" in client.get("/donnees/subventions/").content.decode()
