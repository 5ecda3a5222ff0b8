"""API /api/v1/territoires."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db
API = "/api/v1/territoires"


def test_commune_search_paginated(france, client):
    data = client.get(f"{API}/communes", {"q": "saint etienne", "page_size": 3}).json()
    assert data["count"] > 10 and data["page"] == 1
    assert next(c["insee"] for c in data["results"]) == "42218"
    second = client.get(f"{API}/communes", {"q": "saint etienne", "page_size": 3, "page": 2}).json()
    assert {c["insee"] for c in second["results"]}.isdisjoint(c["insee"] for c in data["results"])
    everything = client.get(f"{API}/communes", {"page_size": 2}).json()
    assert everything["count"] == 34_920 and [c["insee"] for c in everything["results"]] == ["01001", "01002"]
    assert client.get(f"{API}/communes", {"page_size": 1000}).status_code == 400


def test_commune_detail_with_classification(france, client):
    data = client.get(f"{API}/communes/29039").json()
    assert data["name"] == "Concarneau" and data["postcodes"] == ["29900"]
    assert data["epci"] == "242900769"
    assert data["classification"]["size_class"] == "small_town"
    assert data["classification"]["outside_large_urban_centres"] is True
    assert data["classification"]["in_metropole"] is False
    arrondissement = client.get(f"{API}/communes/75101").json()
    assert arrondissement["parent"] == "75056"
    assert arrondissement["classification"]["classified_as"] == "75056"
    missing = client.get(f"{API}/communes/99999")
    assert missing.status_code == 404 and missing.json() == {"detail": "Commune inconnue."}


def test_point_lookup(france, client):
    assert client.get(f"{API}/point", {"lon": 2.3522, "lat": 48.8566}).json()["insee"] == "75056"
    assert client.get(f"{API}/point", {"lon": -30, "lat": 40}).status_code == 404
    assert client.get(f"{API}/point", {"lon": 500, "lat": 40}).status_code == 400


def test_epci_departments_regions(france, client):
    assert len(client.get(f"{API}/epci").json()) == 1253
    assert client.get(f"{API}/epci/200046977").json()["kind"] == "ME"
    assert len(client.get(f"{API}/epci/200046977/communes").json()) == 58
    assert client.get(f"{API}/epci/000000000").status_code == 404
    assert len(client.get(f"{API}/departements").json()) == 101
    assert client.get(f"{API}/departements/2a").json() == {
        "code": "2A",
        "name": "Corse-du-Sud",
        "region": "94",
    }
    assert client.get(f"{API}/departements/00").status_code == 404
    assert len(client.get(f"{API}/regions").json()) == 18
    assert client.get(f"{API}/regions/53").json()["name"] == "Bretagne"
    assert client.get(f"{API}/regions/99").json() == {"detail": "Région inconnue."}


def test_territory_search_endpoint(france, client):
    data = client.get(f"{API}/recherche", {"q": "finistere"}).json()
    assert data[0]["kind"] == "department" and data[0]["url"] == "/territoires/departement/29/"
    assert client.get(f"{API}/recherche").status_code == 400


def test_openapi_documents_the_router(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert f"{API}/communes/{{insee}}" in schema["paths"]


def test_commune_lists_and_search_do_not_read_the_outlines(france, client):
    with CaptureQueriesContext(connection) as queries:
        for params in ({"page_size": 100}, {"q": "saint", "page_size": 100}):
            assert client.get(f"{API}/communes", params).status_code == 200
        assert client.get(f"{API}/epci/200046977/communes").status_code == 200
        assert client.get(f"{API}/recherche", {"q": "bretagne"}).json()
        assert client.get(f"{API}/recherche", {"q": "29"}).json()
    assert any('FROM "geo_commune"' in q["sql"] for q in queries)
    assert not [q["sql"] for q in queries if '."outline"' in q["sql"]]


def test_commune_detail_reads_no_department_or_region_outline(france, client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{API}/communes/29039").status_code == 200
        assert client.get("/territoires/commune/75101/").status_code == 200
    sql = " ".join(q["sql"] for q in queries)
    assert '"geo_commune"."outline"' in sql  # the commune's own outline (the map) is still read
    assert '"geo_department"."outline"' not in sql and '"geo_region"."outline"' not in sql
