import csv
import io
import json

import pytest
from openpyxl import load_workbook

from tierslieux.places.exports import HEADERS

pytestmark = pytest.mark.django_db


def test_csv_export_follows_the_filters_and_the_schema(client, places):
    response = client.get("/lieux/export.csv?region=84")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["nom"] for r in rows] == ["Coworking Croix-Rousse", "Garage solidaire de Lyon"]
    assert list(rows[0]) == HEADERS
    schema = client.get("/donnees/schema-tiers-lieux.json").json()
    assert [f["name"] for f in schema["fields"]] == HEADERS
    assert schema["primaryKey"] == "id" and "types" in schema["codes"]


def test_exports_never_contain_personal_data(client, places):
    csv_text = b"".join(client.get("/lieux/export.csv").streaming_content).decode()
    geojson_text = b"".join(client.get("/lieux/export.geojson").streaming_content).decode()
    workbook = load_workbook(io.BytesIO(client.get("/lieux/export.xlsx").content))
    xlsx_text = json.dumps(
        [list(r) for r in workbook.active.iter_rows(values_only=True)], default=str, ensure_ascii=False
    )
    for text in (csv_text, geojson_text, xlsx_text):
        assert "La Forge Numérique" in text
        assert "jeanne" not in text.lower()


def test_geojson_and_xlsx_exports(client, places):
    data = json.loads(b"".join(client.get("/lieux/export.geojson?type=fablab").streaming_content))
    [feature] = data["features"]
    assert feature["geometry"]["coordinates"] == [-4.49, 48.39]
    assert feature["properties"]["types"] == ["fablab"]
    workbook = load_workbook(io.BytesIO(client.get("/lieux/export.xlsx?type=coworking").content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and rows[1][1] == "Coworking Croix-Rousse"


def test_xlsx_export_keeps_text_like_a_formula_as_text(client, places):
    from tierslieux.places.models import Place

    Place.objects.filter(name="Coworking Croix-Rousse").update(name='=HYPERLINK("http://x","clic")')
    workbook = load_workbook(io.BytesIO(client.get("/lieux/export.xlsx?type=coworking").content))
    cell = workbook.active.cell(row=2, column=2)
    assert cell.value == '=HYPERLINK("http://x","clic")' and cell.data_type == "s"


def test_api_list_filters_paginates_and_sorts_by_distance(client, places):
    data = client.get("/api/v1/places?region=84&page_size=1").json()
    assert data["count"] == 2 and data["pages"] == 2 and data["next"].endswith("page=2")
    assert data["features"][0]["properties"]["nom"] == "Coworking Croix-Rousse"
    data = client.get("/api/v1/places?lat=48.39&lon=-4.49").json()
    assert data["features"][0]["properties"]["distance_km"] == 0.0
    data = client.get("/api/v1/places?q=forje").json()
    assert [f["properties"]["nom"] for f in data["features"]] == ["La Forge Numérique"]
    assert "jeanne" not in json.dumps(client.get("/api/v1/places").json()).lower()


def test_api_detail_and_clusters(client, places):
    forge = places["forge"]
    data = client.get(f"/api/v1/places/{forge.pk}").json()
    assert data["properties"]["nom"] == "La Forge Numérique" and "jeanne" not in json.dumps(data).lower()
    assert client.get("/api/v1/places/999999").status_code == 404
    data = client.get("/api/v1/places/clusters?bbox=-6,41,10,51&zoom=3").json()
    assert sum(f["properties"]["count"] for f in data["features"]) == 3 == data["total"]
    lyon = [f for f in data["features"] if f["properties"]["cluster"]]
    assert lyon and lyon[0]["properties"]["count"] == 2 and lyon[0]["properties"]["expansion_zoom"] == 5
    data = client.get("/api/v1/places/clusters?bbox=-6,41,10,51&zoom=16").json()
    assert all(not f["properties"]["cluster"] for f in data["features"])
    data = client.get("/api/v1/places/clusters?bbox=4,45,5,46&zoom=16&type=coworking").json()
    assert [f["properties"]["name"] for f in data["features"]] == ["Coworking Croix-Rousse"]


@pytest.mark.parametrize(
    "query",
    ["bbox=a,b&zoom=3", "bbox=1,2,3&zoom=3", "bbox=0,50,1,40&zoom=3", "bbox=0,40,1,50&zoom=99", "zoom=abc"],
)
def test_api_clusters_bad_input_is_a_400(client, query):
    response = client.get("/api/v1/places/clusters?" + query)
    assert response.status_code == 400


def test_api_list_bad_pagination_is_a_400(client, db):
    assert client.get("/api/v1/places?page=0").status_code == 400
    assert client.get("/api/v1/places?page_size=100000").status_code == 400


def test_openapi_documents_the_places_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/places", "/api/v1/places/clusters", "/api/v1/places/{place_id}"} <= set(schema["paths"])
    assert client.get("/api/v1/docs").status_code == 200


def test_api_list_around_the_commune_of_an_insee_code(client, two_saint_pierre):
    def nearest(query: str) -> str:
        return client.get("/api/v1/places?" + query).json()["features"][0]["properties"]["nom"]

    assert nearest("around=Saint-Pierre") != "La Forge Numérique"  # the most populated, beside Lyon
    assert nearest("around_insee=29999") == "La Forge Numérique"  # the code alone: the one beside Brest
    assert nearest("around=Saint-Pierre+%2829%29&around_insee=29999") == "La Forge Numérique"
    # As in the atlas, a text that no longer names the chosen commune decides.
    assert nearest("around=Lyon&around_insee=29999") != "La Forge Numérique"
    data = client.get("/api/v1/places?around_insee=29999").json()
    assert data["features"][0]["properties"]["distance_km"] == 0.74 and data["warnings"] == []


def test_api_list_unknown_or_malformed_insee_code_is_a_400(client, places):
    response = client.get("/api/v1/places?around_insee=29998")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": "Paramètres invalides.",
        "errors": [
            {
                "parameter": "around_insee",
                "in": "query",
                "type": "unknown",
                "message": "Aucune commune n’a le code INSEE 29998.",
            }
        ],
    }
    response = client.get("/api/v1/places?around_insee=Brest")
    assert response.status_code == 400
    assert [(e["parameter"], e["in"]) for e in response.json()["errors"]] == [("around_insee", "query")]


def test_openapi_documents_around_insee(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/places"]["get"]
    [parameter] = [p for p in operation["parameters"] if p["name"] == "around_insee"]
    assert parameter["in"] == "query" and parameter["schema"]["pattern"] == "^([0-9][0-9AB][0-9]{3})?$"
    assert parameter["description"].startswith("Code INSEE de la commune autour de laquelle trier")
    assert "`around_insee`" in operation["description"]
    assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Erreur"
    }
    docs = client.get("/api/v1/docs").content.decode()
    assert "around_insee" in docs and "Code INSEE de la commune autour de laquelle trier" in docs
