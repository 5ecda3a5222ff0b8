"""API /api/v1/coverage: territory figures, per-commune table, what-if (programme staff)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

API = "/api/v1/coverage"


def test_openapi_documents_the_coverage_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert f"{API}/{{kind}}/{{code}}" in paths
    assert f"{API}/{{kind}}/{{code}}/communes" in paths
    assert f"{API}/simulation" in paths


def test_territory_figures(client, geography):
    data = client.get(f"{API}/france/FR").json()
    assert data["commune_count"] == 5 and data["population"] == 21_500 and data["place_count"] == 1
    assert [r["km"] for r in data["within"]] == [5.0, 10.0, 20.0]
    assert data["within"][0]["population"] == 12_000
    assert [c["insee"] for c in data["white_zone_communes"]] == ["56001", "56002", "29003"]
    data = client.get(f"{API}/departement/56?statut=closed").json()
    assert data["white_zone_commune_count"] == 0 and data["within"][0]["share"] == 1.0
    data = client.get(f"{API}/epci/242900001").json()
    assert data["name"] == "Pays de Kerbourg" and data["population"] == 12_500


def test_territory_errors(client, geography):
    assert client.get(f"{API}/departement/00").status_code == 404
    assert client.get(f"{API}/planete/terre").status_code == 404
    response = client.get(f"{API}/france/FR?statut=ouvert")
    assert response.status_code == 400 and "Filtre invalide" in response.json()["detail"]


def test_commune_table(client, geography):
    rows = client.get(f"{API}/departement/29/communes").json()
    assert [r["insee"] for r in rows] == ["29001", "29002", "29003"]
    assert rows[2]["white_zone"] is True and rows[2]["within_20km"] == 1
    assert rows[0]["nearest_place"] == "La Ruche de Kerbourg"
    assert [r["insee"] for r in client.get(f"{API}/france/FR/communes?offset=1&limit=2").json()] == [
        "56001",
        "29002",
    ]
    assert client.get(f"{API}/france/FR/communes?limit=0").status_code == 400


def test_what_if_is_for_programme_staff(client, client_for, geography, programme_staff, reviewer):
    url = f"{API}/simulation?lon=-3.0&lat=47.8"
    assert client.get(url).status_code == 403
    assert client_for(reviewer).get(url).status_code == 403
    data = client_for(programme_staff).get(url).json()
    assert data["leaving_count"] == 2 and data["population_gained"] == 9_000
    assert data["commune"]["insee"] == "56001"
    assert [c["insee"] for c in data["communes_leaving_white_zone"]] == ["56001", "56002"]
    assert client_for(programme_staff).get(f"{API}/simulation?lon=500&lat=47.8").status_code == 400
