"""Content-Security-Policy per route: framing forbidden unless a view is allow-listed with embeddable(), and
the report endpoint that logs violations."""

from __future__ import annotations

import json
import logging

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from tierslieux.core.security import embeddable

pytestmark = pytest.mark.django_db


@embeddable("https://partenaire.example")
def widget(request):
    return HttpResponse("widget")


def plain(request):
    return HttpResponse("plain")


urlpatterns = [path("widget/", widget), path("plain/", plain)]


def _directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict([*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip())


@override_settings(ROOT_URLCONF=__name__)
def test_framing_is_forbidden_unless_the_view_is_embeddable():
    client = Client()
    plain_page = client.get("/plain/")
    assert _directives(plain_page)["frame-ancestors"] == "'none'" and plain_page["X-Frame-Options"] == "DENY"
    framed = client.get("/widget/")
    assert _directives(framed)["frame-ancestors"] == "https://partenaire.example"
    assert "X-Frame-Options" not in framed
    assert _directives(framed)["script-src"] == _directives(plain_page)["script-src"]  # only framing changes


@pytest.mark.parametrize("origin", ["http://partenaire.example", "*", "partenaire.example"])
def test_embeddable_takes_https_origins_only(origin):
    with pytest.raises(ValueError, match="not an https origin"):
        embeddable(origin)


def test_platform_pages_forbid_framing(client):
    response = client.get("/a-propos/")
    assert _directives(response)["frame-ancestors"] == "'none'"


def test_a_violation_report_is_logged(client, caplog):
    report = {
        "csp-report": {
            "document-uri": "https://tiers-lieux.example/selection/calcul/3/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
            "original-policy": "x" * 50,
        }
    }
    with caplog.at_level(logging.WARNING, logger="tierslieux.security.csp"):
        response = client.post("/securite/csp/", json.dumps(report), content_type="application/csp-report")
    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "tierslieux.security.csp"]
    assert "script-src-elem" in record.getMessage() and "/selection/calcul/3/" in record.getMessage()
    assert "original-policy" not in record.getMessage()


def test_reporting_api_batches_are_logged_too(client, caplog):
    batch = [
        {"type": "csp-violation", "body": {"documentURL": "https://x/", "effectiveDirective": "style-src"}}
    ]
    with caplog.at_level(logging.WARNING, logger="tierslieux.security.csp"):
        assert (
            client.post(
                "/securite/csp/", json.dumps(batch), content_type="application/reports+json"
            ).status_code
            == 204
        )
    assert "style-src" in caplog.text


def test_bad_reports_are_refused(client):
    assert client.get("/securite/csp/").status_code == 405
    assert client.post("/securite/csp/", "pas du json", content_type="application/json").status_code == 400
    big = json.dumps({"csp-report": {"blocked-uri": "x" * 20000}})
    assert client.post("/securite/csp/", big, content_type="application/json").status_code == 400
