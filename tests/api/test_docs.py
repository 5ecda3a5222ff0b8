"""The API reference at /api/v1/docs: a page of the platform built from the OpenAPI schema."""

import json

import pytest

from tests.conftest import assert_accessible
from tierslieux.api.api import api
from tierslieux.api.docs import sections, type_label


def test_docs_page_is_a_french_page_of_the_site_listing_every_operation(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html and "<main" in html and 'role="contentinfo"' in html
    assert "Documentation de l’API" in html
    assert 'href="/api/v1/openapi.json"' in html and "Retour aux données ouvertes" in html
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert f'id="op-{operation["operationId"]}"' in html, (method, path)
            assert f">{path}</code>" in html.replace("&#x27;", "'"), path
    # Markdown of descriptions is rendered, never raw HTML from the schema.
    assert "<code>q</code>" in html or "<code>bbox=ouest,sud,est,nord</code>" in html


def test_sections_follow_the_tags_and_describe_parameters():
    schema = api.get_openapi_schema()
    found = sections(schema)
    titles = [s.title for s in found]
    assert "Territoires" in titles and "Tiers-lieux" in titles
    places = next(s for s in found if s.title == "Tiers-lieux")
    clusters = next(op for op in places.operations if op.path.endswith("/places/clusters"))
    zoom = next(p for p in clusters.parameters if p.name == "zoom")
    assert (zoom.location, zoom.required, zoom.default) == ("requête", False, "5")
    assert clusters.example_url.endswith("/places/clusters")
    detail = next(op for op in places.operations if "{place_id}" in op.path)
    assert detail.example_url == ""  # a path parameter to fill: no ready-made example


def test_type_labels():
    components = {"Thing": {"type": "object", "properties": {"a": {"type": "string"}}}}
    assert type_label({"type": "integer", "minimum": 1, "maximum": 100}, components) == "entier de 1 à 100"
    assert type_label({"type": "array", "items": {"type": "string"}}, components) == "liste de texte"
    assert type_label({"anyOf": [{"type": "number"}, {"type": "null"}]}, components) == "nombre"
    assert type_label({"$ref": "#/components/schemas/Thing"}, components) == "objet"
    assert type_label({"type": "string", "format": "date"}, components) == "date (AAAA-MM-JJ)"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 320])
def test_docs_page_is_accessible_and_fits(browser, live_server, width):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}, locale="fr-FR"
    )
    page = context.new_page()
    try:
        page.goto("/api/v1/docs")
        assert page.evaluate("document.documentElement.lang") == "fr"
        assert page.get_by_role("main").count() == 1
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
        # Focus is visible on the links of the page (DSFR focus ring).
        page.get_by_role("link", name="Territoires", exact=True).first.focus()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none")
        assert_accessible(page)
    finally:
        context.close()
