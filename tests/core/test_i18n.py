"""The interface is French and translatable with Django i18n: every text a person reads in a template (page text,
and the attributes read aloud or shown: alt, title, aria-label, placeholder…) sits inside `{% translate %}` or
`{% blocktranslate %}`. This test reads every project template with Django's own lexer and lists what is not."""

import re
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *sorted((ROOT / "tierslieux").glob("**/templates"))]
TEMPLATES = sorted(
    path for folder in TEMPLATE_DIRS for path in folder.glob("**/*") if path.suffix in {".html", ".txt"}
)

WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŒœ]{2,}")
# Attributes whose value a person reads or hears.
READ_ATTRIBUTES = re.compile(
    r"""\b(?:alt|title|aria-label|aria-description|placeholder|aria-roledescription|label)\s*=\s*"([^"]*)\"""",
    re.IGNORECASE,
)
TAG = re.compile(r"<[^>]*>", re.DOTALL)
NOT_TEXT = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")
# The State's name in the DSFR header and footer block ("bloc-marque") stays French in every language.
STATE_NAME = re.compile(r"République\s*(?:<br\s*/?>)?\s*française")
# Words that are the same in every language: units and codes, proper names of the State's tools.
UNTRANSLATED = {
    "km",
    "px",
    "DSFR",
    "RGAA",
    "INSEE",
    "SIRET",
    "RNA",
    "EPCI",
    "QPV",
    "AMI",
    "CSV",
    "XLSX",
    "GeoJSON",
    "JSON",
    "API",
    "OpenAPI",
    "PDF",
    "ODT",
    "DOCX",
    "PNG",
    "JPEG",
    "SVG",
    "htmx",
    "Leaflet",
    "OpenStreetMap",
    "Etalab",
    "Marianne",
    "CC",
    "BY",
}


def untranslated_texts(source: str) -> list[tuple[int, str]]:
    """(line, text) of each French text outside translation tags in a template's source."""
    found: list[tuple[int, str]] = []
    depth = 0  # inside {% blocktranslate %} … {% endblocktranslate %} or {% comment %} … {% endcomment %}
    text_parts: list[tuple[int, str]] = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in {"blocktranslate", "blocktrans", "comment"}:
                depth += 1  # translated text, or a developer's comment
            elif name in {"endblocktranslate", "endblocktrans", "endcomment"}:
                depth -= 1
            # A tag splits text only for our purpose when it is not inside a translation block.
            text_parts.append((token.lineno, "\x00"))
            continue
        if token.token_type == TokenType.VAR:
            text_parts.append((token.lineno, "\x01"))  # a value: words next to it still need translating
            continue
        if token.token_type == TokenType.TEXT and depth == 0:
            text_parts.append((token.lineno, token.contents))
    # Join the page's text back (tags as separators) so that "<a href="{% url … %}">Retour</a>" is seen whole.
    joined = "".join(part for _, part in text_parts)
    line_of = []
    for lineno, part in text_parts:
        line_of.extend([lineno] * len(part))
    cleaned = NOT_TEXT.sub(lambda m: " " * len(m.group(0)), joined)
    cleaned = STATE_NAME.sub(lambda m: " " * len(m.group(0)), cleaned)
    for match in READ_ATTRIBUTES.finditer(cleaned):
        value = match.group(1)
        if _words(value):
            found.append((line_of[match.start()], value.strip()))
    without_tags = TAG.sub(lambda m: " " * len(m.group(0)), cleaned)
    for match in re.finditer(r"[^\x00]+", without_tags):
        text = ENTITY.sub(" ", match.group(0).replace("\x01", " "))
        if _words(text):
            found.append((line_of[match.start()], " ".join(text.split())))
    return found


def _words(text: str) -> list[str]:
    return [word for word in WORD.findall(ENTITY.sub(" ", text)) if word not in UNTRANSLATED]


def test_the_checker_finds_bare_text_and_accepts_translated_text():
    assert untranslated_texts("<p>Bonjour</p>") == [(1, "Bonjour")]
    assert untranslated_texts('<img alt="Carte des lieux" src="{{ url }}">') == [(1, "Carte des lieux")]
    assert untranslated_texts("{% load i18n %}<p>{% translate 'Bonjour' %}</p>") == []
    assert untranslated_texts("{% blocktranslate %}Bonjour {{ name }}{% endblocktranslate %}") == []
    assert untranslated_texts('<a href="{% url "x" %}">{{ label }}</a> — 3 km') == []
    assert untranslated_texts("<script>var hello = 'x';</script><!-- note -->") == []
    assert untranslated_texts("<p>{{ count }} lieux</p>") == [(1, "lieux")]
    assert untranslated_texts("{% comment %}Note for developers{% endcomment %}") == []
    assert untranslated_texts('<p class="fr-logo">République<br>française</p>') == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_template_text_is_translatable(path):
    bare = untranslated_texts(path.read_text(encoding="utf-8"))
    assert not bare, "Texte hors {% translate %} : " + "; ".join(
        f"ligne {line} « {text} »" for line, text in bare
    )
