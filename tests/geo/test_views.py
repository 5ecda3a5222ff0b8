"""Territory pages: public for every role, French 404 for unknown codes, search without JavaScript."""

from __future__ import annotations

import gzip
import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = [None, "plain_user", "place_manager", "applicant", "reviewer", "programme_staff", "administrator"]
PAGES = [
    ("geo:index", []),
    ("geo:search", []),
    ("geo:commune", ["29039"]),
    ("geo:commune", ["75101"]),
    ("geo:commune", ["75056"]),
    ("geo:epci", ["200046977"]),
    ("geo:department", ["29"]),
    ("geo:department", ["2A"]),
    ("geo:region", ["53"]),
]


@pytest.mark.parametrize("role", ROLES)
def test_pages_are_public_for_every_role(france, request, client_for, role):
    client = client_for(request.getfixturevalue(role) if role else None)
    for name, args in PAGES:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, (name, args)


@pytest.mark.parametrize(
    "url",
    [
        "/territoires/commune/99999/",
        "/territoires/commune/abc/",
        "/territoires/epci/000000000/",
        "/territoires/departement/00/",
        "/territoires/region/99/",
        "/territoires/contours/communes.geojson",
    ],
)
def test_unknown_codes_give_the_french_404(france, client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_commune_page_facts(france, client):
    html = client.get(reverse("geo:commune", args=["29039"])).content.decode()
    for text in [
        "<h1>Concarneau</h1>",
        "29900",
        "19\u202f050",
        "Petite ville",
        "Non (hors grands centres urbains)",
        "Kerandon (QN02901M)",
        "Concarneau Cornouaille Agglomération",
        "/territoires/departement/29/",
        "/territoires/region/53/",
        'id="contour-territoire"',
        'aria-label="Carte de la commune Concarneau"',
        "Centre structurant",
    ]:
        assert text in html, text


def test_arrondissement_and_parent_pages(france, client):
    html = client.get(reverse("geo:commune", args=["75101"])).content.decode()
    assert "Arrondissement municipal" in html
    assert "(celles de Paris)" in html and "Grande ville" in html
    assert 'href="/territoires/commune/75056/"' in html
    paris = client.get(reverse("geo:commune", args=["75056"])).content.decode()
    assert paris.count('href="/territoires/commune/751') == 20
    assert "codes postaux 75001 75002" in paris
    assert "code postal 29900" in client.get(reverse("geo:commune", args=["29039"])).content.decode()


def test_epci_department_region_pages(france, client):
    epci = client.get(reverse("geo:epci", args=["200046977"])).content.decode()
    assert "Métropole" in epci and "Villeurbanne" in epci and "Communes membres (58)" in epci
    department = client.get(reverse("geo:department", args=["29"]), {"page": 2}).content.decode()
    assert "page 2 sur 6" in department and "Concarneau Cornouaille Agglomération" in department
    assert client.get(reverse("geo:department", args=["29"]), {"page": "zzz"}).status_code == 200
    region = client.get(reverse("geo:region", args=["53"])).content.decode()
    assert all(name in region for name in ["Finistère", "Morbihan", "Ille-et-Vilaine", "Côtes-d&#x27;Armor"])


def test_search_page_works_without_javascript(france, client):
    html = client.get(reverse("geo:search"), {"q": "st etienne"}).content.decode()
    assert 'href="/territoires/commune/42218/"' in html
    assert 'value="st etienne"' in html  # the box keeps what was typed
    empty = client.get(reverse("geo:search"), {"q": "zzzz"}).content.decode()
    assert "Aucun résultat pour « zzzz »" in empty
    assert client.get(reverse("geo:search"), {"q": "x" * 5000}).status_code == 200


def test_suggestions_fragment(france, client):
    html = client.get(reverse("geo:suggestions"), {"q": "concarn"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'href="/territoires/commune/29039/"' in html
    assert 'hx-swap-oob="innerHTML:#header-search-status"' in html and "2 suggestions" in html
    assert "<html" not in html
    assert "Aucune suggestion" in client.get(reverse("geo:suggestions"), {"q": "zzzz"}).content.decode()


def test_outline_endpoints_are_cacheable_geojson(france, client):
    response = client.get(reverse("geo:outlines", args=["regions"]))
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age=3600" in response["Cache-Control"]
    data = json.loads(response.content)
    assert len(data["features"]) == 18
    assert data["features"][0]["properties"]["level"] == "region"
    zipped = client.get(reverse("geo:outlines", args=["departements"]), HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(zipped.content))["features"]) == 101


def test_territories_entry_in_the_main_menu(france, client):
    html = client.get("/").content.decode()
    assert 'href="/territoires/"' in html


def test_header_search_box_uses_htmx_suggestions(france, client):
    html = client.get(reverse("geo:index")).content.decode()
    assert 'hx-get="/territoires/recherche/suggestions/"' in html
    assert 'action="/territoires/recherche/"' in html
