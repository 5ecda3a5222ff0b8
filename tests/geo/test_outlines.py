"""The thin context layer of local maps: the outlines of the communes of one department."""

import json

from tests.factories.geo import CommuneFactory, DepartmentFactory, square_outline
from tierslieux.geo import selectors


def test_commune_outlines_of_a_department(client, db):
    # A department code of no real department: the national geography other tests load never interferes.
    selectors.geo_cache_clear()
    trial = DepartmentFactory(code="98", name="Département d’essai")
    CommuneFactory(insee="98039", name="Concarneau", department=trial, outline=square_outline(-3.9, 47.87))
    CommuneFactory(insee="98040", name="Sans contour", department=trial, outline="")
    CommuneFactory(insee="56001", name="Ailleurs", department=DepartmentFactory(code="56", name="Morbihan"))
    response = client.get("/territoires/contours/communes/98.geojson")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"]
    data = json.loads(response.content)
    assert [f["properties"] for f in data["features"]] == [
        {"insee": "98039", "name": "Concarneau", "level": "commune"}
    ]
    assert data["features"][0]["geometry"]["type"] == "Polygon"


def test_unknown_department_is_a_404(client, db):
    assert client.get("/territoires/contours/communes/00.geojson").status_code == 404


def test_local_maps_carry_the_context_layer(client, db):
    finistere = DepartmentFactory(code="29", name="Finistère")
    commune = CommuneFactory(insee="29039", name="Concarneau", department=finistere)
    html = client.get(commune.get_absolute_url()).content.decode()
    assert 'data-context-url="/territoires/contours/communes/29.geojson"' in html
    assert "Passer la carte" in html and 'href="#carte-fin"' in html
    html = client.get("/territoires/departement/29/").content.decode()
    assert 'data-context-url="/territoires/contours/communes/29.geojson"' in html
