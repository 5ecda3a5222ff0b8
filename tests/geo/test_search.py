"""Territory search: names with and without accents, abbreviations, postcodes, INSEE codes, ranking."""

from __future__ import annotations

import pytest

from tierslieux.geo.selectors import territory_search
from tierslieux.geo.text import normalize_name, normalize_query

pytestmark = pytest.mark.django_db


def first(q: str, **kwargs) -> tuple[str, str]:
    result = territory_search(q, **kwargs)[0]
    return result.kind, result.code


def test_normalisation():
    assert normalize_name("Saint-Étienne") == "saint etienne"
    assert normalize_name("L'Haÿ-les-Roses") == "l hay les roses"
    assert normalize_name("  Œuilly  ") == "oeuilly"
    assert normalize_query("St-Étienne") == "saint etienne"
    assert normalize_query("ste foy") == "sainte foy"
    assert normalize_query("Stenay") == "stenay"


@pytest.mark.parametrize("q", ["Saint-Étienne", "saint etienne", "SAINT ETIENNE", "st etienne", "St-Etienne"])
def test_communes_with_and_without_accents(france, q):
    assert first(q) == ("commune", "42218")


def test_ranking_exact_then_prefix_then_population(france):
    results = territory_search("saint etienne", limit=5)
    assert [r.match for r in results] == sorted(r.match for r in results)
    assert results[1].kind == "epci" and results[1].name == "Saint-Etienne Métropole"
    communes = territory_search("saint etienne", limit=2, kinds=("commune",))
    assert communes[1].code == "76575"  # Saint-Étienne-du-Rouvray, the most populous prefix match
    assert first("Paris") == ("commune", "75056")
    assert first("lyon") == ("commune", "69123")
    assert first("etienne", kinds=("commune",))[1] == "42218"  # a word of the name


def test_postcode_and_insee_code(france):
    assert first("29900") == ("commune", "29039")
    assert first("29039") == ("commune", "29039")
    assert first("2A004") == ("commune", "2A004")
    assert first("2a004") == ("commune", "2A004")
    paris = {r.code for r in territory_search("75011", limit=5)}
    assert {"75111", "75056"} <= paris


def test_epci_departments_and_regions(france):
    assert first("Finistère") == ("department", "29")
    assert first("finistere") == ("department", "29")
    assert first("29") == ("department", "29")
    assert first("2b") == ("department", "2B")
    assert first("bretagne") == ("region", "53")
    assert first("53", kinds=("region",)) == ("region", "53")
    assert first("200046977") == ("epci", "200046977")
    assert first("metropole de lyon") == ("epci", "200046977")


def test_nothing_found_and_empty_query(france):
    assert territory_search("zzzzzz") == []
    assert territory_search("   ") == []
    assert territory_search("") == []


def test_an_exact_small_commune_is_not_cut_behind_populous_prefix_matches(monkeypatch):
    from tests.factories.geo import CommuneFactory
    from tierslieux.geo import selectors

    monkeypatch.setattr(selectors, "_CANDIDATES", 2)
    CommuneFactory(insee="29901", name="Zyxville", name_search="zyxville", population=90_000)
    CommuneFactory(insee="29902", name="Zyx-Grand", name_search="zyx grand", population=80_000)
    CommuneFactory(insee="29903", name="Zyx", name_search="zyx", population=120)
    assert first("Zyx", kinds=("commune",)) == ("commune", "29903")
