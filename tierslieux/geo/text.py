"""Normalisation of place names for accent- and case-insensitive search (plain Python, no Django)."""

from __future__ import annotations

import re

from tierslieux.core.text import fold

_SEPARATORS = re.compile(r"[-‐‑‒–—'’ʼ`´_./,;:()\"«»]+")  # noqa: RUF001 (every dash and apostrophe people type)
_SPACES = re.compile(r"\s+")
# Abbreviations written in place names and queries: "St-Étienne", "Ste Foy", "St Denis".
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalize_name(value: str) -> str:
    """Folded (`core.text.fold`: lower-case, accents stripped), hyphens and apostrophes as spaces, spaces collapsed.

    >>> normalize_name("Saint-Étienne-du-Rouvray")
    'saint etienne du rouvray'
    >>> normalize_name("L'Haÿ-les-Roses")
    'l hay les roses'
    """
    return _SPACES.sub(" ", _SEPARATORS.sub(" ", fold(value))).strip()


def normalize_query(value: str) -> str:
    """`normalize_name` plus the "st" → "saint" equivalence (applied to queries, not stored names).

    >>> normalize_query("St-Etienne")
    'saint etienne'
    """
    words = normalize_name(value).split(" ")
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words if word)


# The articles INSEE writes before a name (type de nom en clair, TNCC 2 to 8): "Le", "La", "Les", "L'",
# "Aux", "Las", "Los". INSEE sorts names without them ("Le Havre" under H).
_ARTICLE = re.compile(r"^(?:(?:le|la|les|aux|las|los)\s+|l\s*['’ʼ]\s*)", re.IGNORECASE)  # noqa: RUF001 (the apostrophes)


def without_article(value: str) -> str:
    """The name without its leading article.

    >>> without_article("Le Havre"), without_article("L'Abergement-Clémenciat"), without_article("Lamballe")
    ('Havre', 'Abergement-Clémenciat', 'Lamballe')
    """
    stripped = _ARTICLE.sub("", (value or "").strip(), count=1)
    return stripped or (value or "").strip()


def sort_key(value: str) -> str:
    """The key lists are sorted by, as INSEE does: the normalised name without its article.

    >>> sort_key("Les Abymes"), sort_key("La Ciotat"), sort_key("Saint-Étienne")
    ('abymes', 'ciotat', 'saint etienne')
    """
    return normalize_name(without_article(value))
