"""Browser tests of the observatory (headless Chromium, axe-core): the page with its charts and tables, filters
through the form and a refused one, a figure's page printed, the embed inside another site's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import assert_accessible

from .conftest import BRETAGNE, build_world, indicators, laureates_with_reports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


YEAR = timezone.localdate().year - 2  # the year of the accepted reports


def hidden_cells(page, figure_id: str, year: int) -> int:
    row = page.locator(f"#{figure_id}-tableau tbody tr").filter(has=page.locator("th", has_text=str(year)))
    return row.locator("td.tl-obs-hidden").count()


@pytest.fixture
def data(transactional_db):
    world = build_world()
    start = dt.date(YEAR, 1, 1)
    plan = [
        (insee, indicators(k))
        for k, insee in enumerate(["29019", "29039", "29100", "29200", "56001", "44109"])
    ]
    laureates_with_reports(world, plan, start=start, published=start.year)
    return world


def test_the_observatory_page_its_charts_tables_and_filters(page, data):
    page.goto("/observatoire/")
    assert page.locator("h1").inner_text() == "Observatoire des tiers-lieux — France"
    chart = page.get_by_role("img", name="Tiers-lieux ouverts par type — France")
    assert chart.is_visible()
    assert (
        page.locator("#types-tableau tbody tr").count() == 5
    )  # coworking, fablab, atelier, nourricier, none
    series = page.get_by_role(
        "img", name="Les tiers-lieux de 2019, les Fabriques et l’atlas, sur les mêmes définitions — France"
    )
    assert "Selon la source" in series.text_content()
    assert hidden_cells(page, "emplois", YEAR) == 0  # 6 reports: shown
    page.locator(".fr-summary").get_by_role("link", name="De 2019 à aujourd’hui").click()
    assert page.url.endswith("#groupe-serie")
    assert_accessible(page)

    page.get_by_label("Région").select_option(BRETAGNE)
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(f"**region={BRETAGNE}**")
    assert page.locator("h1").inner_text() == "Observatoire des tiers-lieux — Bretagne"
    assert hidden_cells(page, "emplois", YEAR) == 0  # 5 reports in Bretagne
    page.locator("#fabriques-tableau").get_by_role("link", name="Finistère (29)").click()
    page.wait_for_url("**departement=29**")
    assert page.locator("h1").inner_text() == "Observatoire des tiers-lieux — Finistère (29)"
    assert hidden_cells(page, "emplois", YEAR) == 2  # 4 reports: sum and median hidden
    assert_accessible(page)

    page.get_by_label("Intercommunalité (EPCI)").fill("123")
    with page.expect_response(lambda r: "/observatoire/" in r.url and "epci=123" in r.url) as answer:
        page.get_by_role("button", name="Afficher").click()
    assert answer.value.status == 400
    assert "Un numéro SIREN d’intercommunalité a 9 chiffres." in page.locator("main").inner_text()
    assert page.get_by_label("Intercommunalité (EPCI)").input_value() == "123"  # what was typed is kept
    assert_accessible(page)


def test_a_figure_page_prints_without_the_menus(page, data):
    page.goto(f"/observatoire/fabriques/?region={BRETAGNE}")
    assert (
        page.locator("h1").inner_text()
        == "Fabriques de territoire labellisées au regard de la population — Bretagne"
    )
    page.get_by_text("Intégrer cette figure sur un autre site").click()
    code = page.locator(".tl-obs-code")
    assert code.is_visible() and "/observatoire/fabriques/integrer/?region=53" in code.inner_text()
    assert page.locator(".tl-obs-print-only").is_hidden()
    assert_accessible(page)
    page.emulate_media(media="print")
    assert page.locator(".tl-obs-print-only").is_visible()
    assert "/observatoire/fabriques/?region=53" in page.locator(".tl-obs-print-only").inner_text()
    assert page.locator("header.fr-header").is_hidden()
    assert page.locator("footer.fr-footer").is_hidden()
    assert page.locator(".tl-obs-filters").is_hidden() and page.locator(".tl-obs-links").is_hidden()
    assert page.locator("#fabriques-tableau").is_visible()
    assert page.get_by_role(
        "img", name="Fabriques de territoire labellisées au regard de la population — Bretagne"
    ).is_visible()


def test_a_figure_embedded_in_another_page(page, data, live_server):
    embed = f"{live_server.url}/observatoire/territoires/integrer/?region={BRETAGNE}"
    page.goto(embed)
    assert page.locator("header.fr-header").count() == 0
    assert_accessible(page)
    page.set_content(
        '<!DOCTYPE html><html lang="fr"><head><title>Un site partenaire</title></head><body><main>'
        f'<h1>Nos tiers-lieux</h1><iframe id="embarque" src="{embed}" title="Observatoire" width="900" height="700">'
        "</iframe></main></body></html>"
    )
    frame = page.frame_locator("#embarque")
    frame.get_by_role("heading", level=1).wait_for()
    assert frame.get_by_role("heading", level=1).inner_text() == (
        "Tiers-lieux hors métropoles, en QPV et en Petites villes de demain — Bretagne"
    )
    assert frame.get_by_role("img").count() == 1
    assert frame.locator("table tbody tr").count() == 3


def test_the_method_page(page, data):
    page.goto("/observatoire/methode/")
    assert page.locator("h1").inner_text() == "Observatoire — méthode et sources"
    assert_accessible(page)
