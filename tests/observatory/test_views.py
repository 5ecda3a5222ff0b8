"""The observatory's pages, downloads, embed and API: public for every role, filters in the URL, bad filters a
400 in French, unknown figures a 404, only the embed may be framed, every text escaped."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories.geo import EpciFactory
from tierslieux.observatory import catalogue, views

from .conftest import BRETAGNE, CONCARNEAU_CA, NANTES_METROPOLE

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "plain_user", "place_manager", "reviewer", "programme_staff", "administrator"]


@pytest.fixture
def clients(request, client_for):
    return {
        role: client_for(None if role == "anonymous" else request.getfixturevalue(role)) for role in ROLES
    }


def routes() -> list[str]:
    urls = [reverse("observatory:index"), reverse("observatory:method"), "/api/v1/observatoire"]
    for spec in catalogue.specs():
        urls += [
            reverse("observatory:figure", args=[spec.id]),
            reverse("observatory:embed", args=[spec.id]),
            reverse("observatory:figure_csv", args=[spec.id]),
            reverse("observatory:figure_json", args=[spec.id]),
            f"/api/v1/observatoire/{spec.id}",
        ]
    return urls


def test_every_view_is_public_for_every_role(world, clients):
    for url in routes():
        statuses = {role: clients[role].get(url).status_code for role in ROLES}
        assert set(statuses.values()) == {200}, (url, statuses)


def test_every_view_says_who_may_see_it():
    for name in ("index", "figure_page", "embed", "figure_json", "figure_csv", "method"):
        assert getattr(views, name).__doc__.startswith("Public"), name


def built_figures(region: str):
    from tierslieux.geo.diagnostic.selectors import territory_get
    from tierslieux.observatory.selectors import Filters, Observatory

    obs = Observatory(Filters(territory=territory_get("region", region)))
    return [figure for _group, items in catalogue.build_all(obs) for figure in items]


def test_the_page_shows_every_figure_with_its_chart_table_and_downloads(world, client):
    page = client.get("/observatoire/", {"region": BRETAGNE}).content.decode()
    assert "<h1>Observatoire des tiers-lieux — Bretagne</h1>" in page
    for spec in catalogue.specs():
        assert f'id="{spec.id}"' in page
        assert f'href="/observatoire/{spec.id}.csv?region={BRETAGNE}"' in page
        assert f'href="/observatoire/{spec.id}.json?region={BRETAGNE}"' in page
    assert page.count('role="img"') >= 6  # the place figures, the series…
    assert page.count("<table>") == sum(1 for f in built_figures(BRETAGNE) if f.available)
    assert 'aria-current="page">Observatoire</a>' in page  # the menu entry
    assert "Sources :" in page and "Méthode." in page


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"region": "99"}, "region", "Sélectionnez un choix valide"),
        ({"departement": "2A"}, "departement", "Sélectionnez un choix valide"),
        ({"epci": "12345"}, "epci", "Un numéro SIREN d’intercommunalité a 9 chiffres."),
        ({"epci": "200000000"}, "epci", "Aucune intercommunalité n’a ce numéro SIREN."),
        ({"annee": "deux-mille"}, "annee", "Saisissez un nombre entier."),
        ({"annee": "1990"}, "annee", "supérieure ou égale à 2019"),
        ({"annee": "2999"}, "annee", "Choisissez une année passée ou l’année en cours"),
        (
            {"region": BRETAGNE, "departement": "44"},
            "region",
            "Le territoire choisi n’est pas dans cette région.",
        ),
        ({"departement": "44", "epci": CONCARNEAU_CA}, "epci", "n’est pas dans le département choisi"),
    ],
)
def test_bad_filters_are_a_400_in_french_everywhere(world, client, params, field, message):
    page = client.get("/observatoire/", params)
    assert page.status_code == 400
    assert message in page.content.decode() and "Les filtres ne sont pas valides" in page.content.decode()
    assert client.get("/observatoire/types/", params).status_code == 400
    embed = client.get("/observatoire/types/integrer/", params)
    assert embed.status_code == 400 and message in embed.content.decode()
    text = client.get("/observatoire/types.csv", params)
    assert (
        text.status_code == 400
        and message in text.content.decode()
        and text["Content-Type"].startswith("text/plain")
    )
    data = client.get("/observatoire/types.json", params)
    assert (
        data.status_code == 400
        and data.json()["detail"] == "Filtres invalides : corrigez les valeurs signalées."
    )
    assert any(message in m for m in data.json()["errors"][field])
    api = client.get("/api/v1/observatoire/types", params)
    assert api.status_code == 400 and any(  # the platform's error shape: one item per invalid parameter
        e["parameter"] == field and e["in"] == "query" and message in e["message"]
        for e in api.json()["errors"]
    )


def test_unknown_figures_are_a_404(world, client):
    for url in (
        "/observatoire/nulle/",
        "/observatoire/nulle/integrer/",
        "/observatoire/nulle.csv",
        "/observatoire/nulle.json",
    ):
        assert client.get(url).status_code == 404, url
    answer = client.get("/api/v1/observatoire/nulle")
    assert answer.status_code == 404 and answer.json()["detail"] == "Cette figure n’existe pas."


def test_nested_filters_and_the_year_stay_in_the_links(world, client):
    page = client.get("/observatoire/", {"region": BRETAGNE, "departement": "29", "annee": "2025"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Observatoire des tiers-lieux — Finistère (29)</h1>" in html
    assert f"/observatoire/types.csv?region={BRETAGNE}&amp;departement=29&amp;annee=2025" in html
    figure = client.get("/observatoire/fabriques/", {"region": BRETAGNE}).content.decode()
    assert 'href="/observatoire/?departement=29#fabriques"' in figure  # drill down to a department


def test_csv_and_json_downloads(world, client):
    response = client.get("/observatoire/types.csv", {"epci": CONCARNEAU_CA})
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="observatoire-types-concarneau-cornouaille.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["code", "libelle", "nombre", "part"]
    assert {row[0]: row[2] for row in rows[1:]} == {
        "atelier_partage": "1",
        "coworking": "1",
        "nourricier": "1",
    }
    data = client.get("/observatoire/types.json", {"epci": CONCARNEAU_CA}).json()
    assert data["territory"] == {"kind": "epci", "code": CONCARNEAU_CA, "name": "Concarneau Cornouaille"}
    assert data["n"] == 3 and data["min_cell"] == 5
    assert {row["code"]: row["values"]["part"] for row in data["rows"]}["coworking"] == pytest.approx(1 / 3)
    assert client.get("/api/v1/observatoire/types", {"epci": CONCARNEAU_CA}).json()["rows"] == data["rows"]


def test_hidden_cells_in_the_downloads(world, client, mailbox):
    import datetime as dt

    from django.utils import timezone

    from .conftest import indicators, laureates_with_reports

    start = dt.date(timezone.localdate().year - 2, 1, 1)
    laureates_with_reports(world, [("44109", indicators(1))], start=start, published=start.year)
    rows = list(
        csv.reader(
            io.StringIO(client.get("/observatoire/emplois.csv").content.decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0] == ["code", "libelle", "attendus", "acceptes", "taux", "n", "somme", "mediane"]
    assert rows[1][:2] == [str(start.year), str(start.year)] and rows[1][5:] == ["1", "s", "s"]
    data = client.get("/observatoire/emplois.json").json()
    assert data["rows"][0]["values"]["somme"] is None and data["rows"][0]["hidden"] == ["mediane", "somme"]
    page = client.get("/observatoire/emplois/").content.decode()
    assert "masqué (n &lt; 5)" in page and "5.5" not in page


def test_only_the_embed_may_be_framed(world, client):
    assert client.get("/observatoire/")["X-Frame-Options"] == "DENY"
    assert client.get("/observatoire/types/")["X-Frame-Options"] == "DENY"
    embed = client.get("/observatoire/types/integrer/", {"region": BRETAGNE})
    assert embed.status_code == 200 and "X-Frame-Options" not in embed
    assert "frame-ancestors 'self' https:" in embed["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in client.get("/observatoire/types/")["Content-Security-Policy"]
    html = embed.content.decode()
    assert 'class="fr-header"' not in html and 'id="footer"' not in html
    assert 'target="_top"' in html and "/observatoire/types/?region=53" in html
    figure = client.get("/observatoire/types/", {"region": BRETAGNE}).content.decode()
    assert "&lt;iframe src=&quot;http://testserver/observatoire/types/integrer/?region=53&quot;" in figure


def test_every_text_of_a_territory_is_escaped(world, client):
    from tierslieux.geo.models import Commune

    epci = EpciFactory(siren="200099999", name='<script>alert("x")</script> & Cie', kind="CC")
    Commune.objects.filter(insee="44200").update(epci=epci)
    for url in ("/observatoire/", "/observatoire/types/", "/observatoire/types/integrer/"):
        html = client.get(url, {"epci": epci.siren}).content.decode()
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie" in html
    svg = client.get("/observatoire/types/", {"epci": epci.siren}).content.decode()
    start = svg.index("<svg")
    ET.fromstring(svg[start : svg.index("</svg>", start) + 6])  # still a well-formed image


def test_the_method_page_lists_every_figure(world, client):
    page = client.get("/observatoire/methode/").content.decode()
    for spec in catalogue.specs():
        assert f'href="/observatoire/{spec.id}/"' in page
    assert "règle des petits effectifs" in page


def test_the_api_lists_the_figures_and_documents_its_answers(world, client):
    listing = client.get("/api/v1/observatoire").json()
    assert [item["id"] for item in listing] == [spec.id for spec in catalogue.specs()]
    schema = client.get("/api/v1/openapi.json").json()
    answers = schema["paths"]["/api/v1/observatoire/{figure_id}"]["get"]["responses"]
    assert {"200", "400", "404"} <= set(answers)
    metropole = client.get("/api/v1/observatoire/territoires", {"epci": NANTES_METROPOLE}).json()
    assert {row["code"]: row["values"]["nombre"] for row in metropole["rows"]}["hors_metropole"] == 0
