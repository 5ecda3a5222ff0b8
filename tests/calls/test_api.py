"""The public calls API."""

from datetime import timedelta

import pytest

pytestmark = pytest.mark.django_db


def test_calls_list_and_detail(client, call):
    listing = client.get("/api/v1/calls")
    assert listing.status_code == 200
    [item] = listing.json()
    assert item["slug"] == "fabriques" and item["open_wave"] == "Vague 1"
    assert {e["code"] for e in item["envelopes"]} == {"hors-gcu", "qpv"}
    assert item["max_per_year"] == 50_000
    detail = client.get("/api/v1/calls/fabriques").json()
    assert {r["kind"] for r in detail["rules"]} >= {"density_not_in", "in_qpv"}
    assert detail["criteria"][0]["name"] == "Ancrage territorial"
    text = listing.content.decode() + str(detail)
    assert "@example.org" not in text


def test_unpublished_calls_are_not_in_the_api(client, call):
    call.is_published = False
    call.save()
    assert client.get("/api/v1/calls").json() == []
    assert client.get("/api/v1/calls/fabriques").status_code == 404


def test_calls_api_is_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/calls" in paths and "/api/v1/calls/{slug}" in paths


def test_home_page_counts_open_calls(client, call):
    from tierslieux.www.selectors import home_figures

    figures = {figure.label: figure for figure in home_figures()}
    assert figures["appels ouverts"].value == 1 and figures["appels ouverts"].url == "/appels/"
    call.waves.update(closes_at=call.waves.get().opens_at + timedelta(seconds=1))
    assert {f.label: f.value for f in home_figures()}["appels ouverts"] == 0
