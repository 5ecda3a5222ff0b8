"""Pages, map data, exports and the what-if preview (permissions per role; nothing written)."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.factories.diagnostic import second_plouzen
from tierslieux.geo.diagnostic.models import CommuneCoverage, CoverageRun
from tierslieux.geo.diagnostic.services import coverage_recompute_all
from tierslieux.places.models import Place, PlaceVersion

pytestmark = pytest.mark.django_db

TERRITORIES = [
    "/diagnostic/",
    "/diagnostic/region/53/",
    "/diagnostic/departement/29/",
    "/diagnostic/epci/242900001/",
    "/diagnostic/commune/29003/",
]


@pytest.mark.parametrize("url", TERRITORIES)
def test_pages_are_public_for_every_territory_kind(client, geography, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Diagnostic territorial" in html and "Chiffres clés" in html and "Zones blanches" in html
    assert 'id="carte-diagnostic"' in html and "<svg" in html
    assert "Simuler un nouveau tiers-lieu" not in html  # anonymous: no what-if


@pytest.mark.parametrize(
    "role", [None, "plain_user", "place_manager", "applicant", "reviewer", "programme_staff", "administrator"]
)
def test_public_views_for_every_role(request, client_for, geography, role):
    client = client_for(request.getfixturevalue(role) if role else None)
    for url in [
        "/diagnostic/epci/242900001/",
        "/diagnostic/carte.geojson",
        "/diagnostic/departement/56/export.csv",
        "/diagnostic/departement/56/export.xlsx",
    ]:
        assert client.get(url).status_code == 200, url


def test_france_page_figures_and_white_zones(client, geography):
    html = client.get("/diagnostic/").content.decode()
    assert "55,8\u202f%" in html  # 12,000 of 21,500 within 5 km
    assert "Moréac-sur-Lande" in html and "Couverture par département" in html


@pytest.mark.parametrize(
    "url",
    [
        "/diagnostic/region/99/",
        "/diagnostic/departement/00/",
        "/diagnostic/epci/000000000/",
        "/diagnostic/commune/99999/",
        "/diagnostic/pays/FR/",
        "/diagnostic/commune/99999/carte.geojson",
        "/diagnostic/departement/00/export.csv",
    ],
)
def test_unknown_territories_get_the_french_404(client, geography, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_filters_change_the_figures_and_bad_filters_get_400(client, geography):
    html = client.get(
        "/diagnostic/?filtrer=1&statut=open&statut=project&label=fabrique_territoire"
    ).content.decode()
    assert "labellisés Fabrique de territoire" in html
    response = client.get("/diagnostic/?filtrer=1")
    assert response.status_code == 400
    assert "Cochez au moins un statut de lieu." in response.content.decode()
    response = client.get("/diagnostic/?statut=inconnu")
    assert response.status_code == 400
    assert client.get("/diagnostic/carte.geojson?statut=inconnu").status_code == 400
    assert client.get("/diagnostic/export.csv?filtrer=1").status_code == 400


def test_map_data_is_cacheable_geojson(client, geography):
    response = client.get("/diagnostic/carte.geojson")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    assert "max-age" in response["Cache-Control"]
    data = response.json()
    assert {f["properties"]["code"] for f in data["features"]} == {"29", "56"}  # France: departments
    data = client.get("/diagnostic/departement/29/carte.geojson").json()
    by_code = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert set(by_code) == {"29001", "29002", "29003"}
    assert by_code["29001"]["km"] == 0.0 and by_code["29001"]["class"] == 0
    assert by_code["29003"]["km"] == 14.9 and by_code["29003"]["class"] == 3
    gz = client.get("/diagnostic/departement/29/carte.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert gz["Content-Encoding"] == "gzip"
    data = client.get("/diagnostic/commune/56001/carte.geojson?filtrer=1&statut=closed").json()
    assert {f["properties"]["code"] for f in data["features"]} == {"56001", "56002"}
    assert {f["properties"]["class"] for f in data["features"]} == {0}


def test_exports_csv_and_xlsx(client, geography):
    response = client.get("/diagnostic/departement/29/export.csv")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("code_insee;commune;departement")
    assert lines[1].startswith("29001;Kerbourg;29;242900001;10000;0.0;0.0;La Ruche de Kerbourg;1;1;1;non")
    assert len(lines) == 4
    response = client.get("/diagnostic/export.xlsx?filtrer=1&statut=closed")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "code_insee" and len(rows) == 6
    assert {r[0] for r in rows[1:] if r[11] == "non"} == {"56001", "56002"}


def test_geo_territory_pages_show_the_diagnostic_section(client, geography):
    for url in [
        "/territoires/commune/29003/",
        "/territoires/epci/242900001/",
        "/territoires/departement/29/",
        "/territoires/region/53/",
    ]:
        html = client.get(url).content.decode()
        assert "Accès aux tiers-lieux" in html and "Diagnostic territorial complet" in html, url


# ------------------------------------------------------------------------------------------- what-if

WHAT_IF = "/diagnostic/simulation/"


def test_what_if_anonymous_is_sent_to_log_in(client, geography):
    response = client.post(WHAT_IF, {"lon": -3.0, "lat": 47.8})
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]


@pytest.mark.parametrize("role", ["plain_user", "place_manager", "applicant", "reviewer"])
def test_what_if_is_forbidden_to_other_roles(request, client_for, geography, role):
    user = request.getfixturevalue(role)
    assert client_for(user).post(WHAT_IF, {"lon": -3.0, "lat": 47.8}).status_code == 403
    assert client_for(user).get("/diagnostic/").content.decode().count("Simuler un nouveau tiers-lieu") == 0


@pytest.mark.parametrize("role", ["programme_staff", "administrator"])
def test_what_if_for_staff_writes_nothing(request, client_for, geography, role):
    coverage_recompute_all()
    counts = (
        CommuneCoverage.objects.count(),
        CoverageRun.objects.count(),
        Place.objects.count(),
        PlaceVersion.objects.count(),
    )
    client = client_for(request.getfixturevalue(role))
    assert "Simuler un nouveau tiers-lieu" in client.get("/diagnostic/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(WHAT_IF, {"lon": -3.0, "lat": 47.8}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 communes sortiraient de la zone blanche" in html
    assert "Moréac-sur-Lande (56001)" in html and "Rien n’est enregistré" in html
    assert "<html" not in html  # a fragment
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert writes == []
    assert counts == (
        CommuneCoverage.objects.count(),
        CoverageRun.objects.count(),
        Place.objects.count(),
        PlaceVersion.objects.count(),
    )


def test_what_if_by_commune_without_javascript(client_for, programme_staff, geography):
    client = client_for(programme_staff)
    response = client.post(WHAT_IF, {"commune": "Plouzen"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Simulation d’un nouveau tiers-lieu</h1>" in html and "à Plouzen (29003)" in html
    assert "1 commune sortirait de la zone blanche" in html
    # The filter travels with the request: counting only closed places, Moréac is already covered.
    response = client.post(WHAT_IF, {"commune": "56002", "filtrer": "1", "statut": "closed"})
    assert "Aucune commune ne sortirait de la zone blanche." in response.content.decode()


def test_what_if_uses_the_commune_the_combobox_chose(client_for, programme_staff, geography):
    # A second, smaller Plouzen in the Morbihan: the text alone means the most populated one (29003).
    second_plouzen(geography)
    client = client_for(programme_staff)
    page = client.get("/diagnostic/").content.decode()
    assert 'name="commune_insee"' in page and "data-tl-commune" in page and "geo/tl-commune.js" in page
    html = client.post(WHAT_IF, {"commune": "Plouzen"}, HTTP_HX_REQUEST="true").content.decode()
    assert "à Plouzen (29003)" in html
    chosen = {"commune": "Plouzen (56)", "commune_insee": "56099"}
    html = client.post(WHAT_IF, chosen, HTTP_HX_REQUEST="true").content.decode()
    assert "à Plouzen (56099)" in html
    # Without JavaScript the page keeps the text and the chosen code.
    html = client.post(WHAT_IF, chosen).content.decode()
    assert 'value="Plouzen (56)"' in html and 'value="56099"' in html
    # The text edited after the choice: the text decides, the stale code is ignored.
    edited = {"commune": "Kerbourg", "commune_insee": "56099"}
    html = client.post(WHAT_IF, edited, HTTP_HX_REQUEST="true").content.decode()
    assert "à Kerbourg (29001)" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Cliquez sur la carte ou indiquez une commune."),
        ({"commune": "Atlantide"}, "Aucune commune ne correspond à « Atlantide »."),
        ({"lon": "abc", "lat": "48"}, "Coordonnées invalides"),
        ({"lon": "200", "lat": "48"}, "Coordonnées invalides"),
    ],
)
def test_what_if_bad_input_gets_a_french_400(client_for, programme_staff, geography, data, message):
    response = client_for(programme_staff).post(WHAT_IF, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_what_if_get_is_not_allowed(client_for, programme_staff, geography):
    assert client_for(programme_staff).get(WHAT_IF).status_code == 405


def test_pages_work_before_any_data_is_loaded(client, client_for, programme_staff):
    html = client.get("/diagnostic/").content.decode()
    assert "le diagnostic n’est pas disponible" in html
    assert client.get("/diagnostic/carte.geojson").json() == {"type": "FeatureCollection", "features": []}
    assert client.get("/diagnostic/export.csv").content.decode("utf-8-sig").count("\n") == 1
    response = client_for(programme_staff).post(WHAT_IF, {"lon": 2.35, "lat": 48.85}, HTTP_HX_REQUEST="true")
    assert (
        response.status_code == 200
        and "Aucune commune ne sortirait de la zone blanche." in response.content.decode()
    )


def test_what_if_bad_input_without_javascript_keeps_what_was_typed(client_for, programme_staff, geography):
    client = client_for(programme_staff)
    response = client.post(WHAT_IF, {"commune": "Atlantide"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Simulation d’un nouveau tiers-lieu</h1>" in html
    assert "Aucune commune ne correspond à « Atlantide »." in html and 'value="Atlantide"' in html
    response = client.post(WHAT_IF, {"commune": "Plouzen", "filtrer": "1", "statut": "inconnu"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Filtre invalide : cochez au moins un statut connu." in html and 'value="Plouzen"' in html


def test_the_diagnostic_defines_coverage_and_links_the_optimisers_network(client, geography):
    from tierslieux.geo.diagnostic.inputs import LABELLED_NETWORK

    html = client.get("/diagnostic/").content.decode()
    assert (
        "une commune est couverte quand un des lieux comptés se trouve à moins de 10 km de sa mairie" in html
    )
    assert "Lieux comptés : tiers-lieux ouverts, hors lieux de médiation numérique." in html
    link = "/diagnostic/?" + LABELLED_NETWORK.query().replace("&", "&amp;")
    assert f'href="{link}"' in html and "celui que l’optimiseur de sélection compte par défaut" in html
    labelled = client.get("/diagnostic/?" + LABELLED_NETWORK.query()).content.decode()
    assert (
        "labellisés Fabrique numérique de territoire ou Fabrique de territoire" in labelled
        and "Revenir à tous les tiers-lieux ouverts." in labelled
    )
