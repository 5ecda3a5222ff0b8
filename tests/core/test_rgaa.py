"""The RGAA 4.1 self-audit (docs/accessibility.md) and the accessibility statement built from it."""

import re
from collections import Counter

import html5lib
import pytest

from tierslieux.core import rgaa

pytestmark = pytest.mark.django_db


def test_the_grid_is_complete_and_its_rate_is_the_one_written():
    audit = rgaa.load()
    assert len(audit.criteria) == 106 and len(audit.pages) >= 10
    assert audit.stated_rate == audit.rate, "the rate written in docs/accessibility.md is not the grid's"
    assert audit.rate >= 95
    assert all(len(c.statuses) == len(audit.pages) for c in audit.criteria)
    themes = Counter(c.theme for c in audit.criteria)
    assert [themes[n] for n in range(1, 14)] == [9, 2, 3, 13, 8, 2, 5, 10, 4, 14, 13, 11, 12]


def test_every_non_conformity_is_explained_and_derogations_are_stated():
    audit = rgaa.load()
    explained = {item.split(" ", 1)[0] for item in audit.non_conformities}
    assert explained == {c.id for c in audit.non_conformant}
    assert audit.derogations


def test_the_rate_follows_the_rgaa_method():
    text = rgaa.DOCUMENT.read_text(encoding="utf-8")
    audit = rgaa.parse(text)
    applicable = [c for c in audit.criteria if set(c.statuses) != {"NA"}]
    conformant = [c for c in applicable if "NC" not in c.statuses]
    assert audit.rate == round(100 * len(conformant) / len(applicable))
    # One more non-conformity on one page makes the criterion non-conformant for the whole sample.
    worse = text.replace(
        "| 6.1 | Chaque lien est-il explicite (hors cas particuliers) ? | C |",
        "| 6.1 | Chaque lien est-il explicite (hors cas particuliers) ? | NC |",
    )
    assert rgaa.parse(worse).rate < audit.rate


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t.replace("| 1.1 |", "| 1.x |", 1),
        lambda t: t.replace(
            "| 2.1 | Chaque cadre a-t-il un titre de cadre ? | NA",
            "| 2.1 | Chaque cadre a-t-il un titre de cadre ? | OK",
            1,
        ),
        lambda t: re.sub(r"^\| 13\.12 .*$\n", "", t, flags=re.M),
        lambda t: t.replace("## Grille", "## Autre chose"),
    ],
)
def test_a_malformed_grid_is_refused(damage):
    with pytest.raises(rgaa.AuditError):
        rgaa.parse(damage(rgaa.DOCUMENT.read_text(encoding="utf-8")))


def test_the_statement_page_and_the_footer_come_from_the_grid(client, tmp_path, monkeypatch):
    audit = rgaa.load()
    html = client.get("/accessibilite/").content.decode()
    assert f"Taux de conformité : {audit.rate} %" in html
    assert f"<strong>{audit.status}</strong>" in html and f"Accessibilité : {audit.status}" in html
    for item in (*audit.non_conformities, *audit.derogations):
        assert item[:60] in html
    # Another grid: the page follows it.
    text = rgaa.DOCUMENT.read_text(encoding="utf-8").replace("| NC |", "| C |")
    copy = tmp_path / "accessibility.md"
    copy.write_text(text.replace("Taux de conformité : 97 %", "Taux de conformité : 100 %"), encoding="utf-8")
    monkeypatch.setattr(rgaa, "DOCUMENT", copy)
    html = client.get("/accessibilite/").content.decode()
    assert "Taux de conformité : 100 %" in html and "totalement conforme" in html


def test_without_the_document_the_page_still_answers(client, tmp_path, monkeypatch):
    monkeypatch.setattr(rgaa, "DOCUMENT", tmp_path / "absent.md")
    response = client.get("/accessibilite/")
    assert response.status_code == 200 and "n’est pas disponible" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/lieux/",
        "/territoires/",
        "/diagnostic/",
        "/appels/",
        "/comptes/connexion/",
        "/comptes/inscription/",
        "/api/v1/docs",
        "/accessibilite/",
        "/mentions-legales/",
    ],
)
def test_sample_pages_parse_without_error_and_have_unique_ids(client, url):
    """RGAA 8.2 (code valide), as far as an HTML5 parser tells: no parse error, no duplicate id."""
    html = client.get(url).content.decode()
    parser = html5lib.HTMLParser(strict=True)
    parser.parse(html)
    ids = re.findall(r'\sid="([^"]+)"', html)
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates, duplicates
