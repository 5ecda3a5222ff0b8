"""Text normalisation and fuzzy matching for names and towns (plain Python, no Django)."""

from __future__ import annotations

import html
import re

from tierslieux.core.text import fold

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Words that say nothing about which place it is: ignored when comparing names.
STOPWORDS = frozenset(
    "le la les l de des du d et en au aux a un une sur pour par the of and tiers lieu lieux tierslieu "
    "espace association asso".split()
)


def normalise(text: str) -> str:
    """Lower-case ASCII words separated by single spaces ("Le Café-Atelier" -> "le cafe atelier"): the text
    folded (`core.text.fold`), what is left outside ASCII dropped."""
    text = fold(html.unescape(text or "")).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", text).strip()


def words(text: str) -> list[str]:
    return normalise(text).split()


def significant_words(text: str) -> list[str]:
    return [word for word in words(text) if word not in STOPWORDS]


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def trigram_similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    shared = len(ta & tb)
    return shared / (len(ta) + len(tb) - shared)


def name_similarity(a: str, b: str, *, ignore: str = "") -> float:
    """Similarity in [0, 1] of two place names, insensitive to accents, case, word order and filler words;
    the words of `ignore` (typically the town's name) do not count."""
    ignored = set(words(ignore))
    wa = [w for w in significant_words(a) if w not in ignored] or words(a)
    wb = [w for w in significant_words(b) if w not in ignored] or words(b)
    if not wa or not wb:
        return 0.0
    if sorted(wa) == sorted(wb):
        return 1.0
    joined_a, joined_b = "".join(wa), "".join(wb)
    if min(len(joined_a), len(joined_b)) >= 4 and (joined_a in joined_b or joined_b in joined_a):
        return 0.9
    jaccard = len(set(wa) & set(wb)) / len(set(wa) | set(wb))
    return max(jaccard, trigram_similarity(joined_a, joined_b))


def within_edits(a: str, b: str, limit: int) -> bool:
    """True when the Damerau-Levenshtein distance (adjacent transpositions) of a and b is at most `limit`."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[len(b)] <= limit
