"""Accent-insensitive, typo-tolerant search over places (plain Python + numpy, no Django).

Every distinct word of the indexed texts (name, town, type, service and label names) is a vocabulary entry
with the rows it appears in. A query word matches a vocabulary word when it is the word (1.0) or a prefix of
it (3 letters or more, 0.9). A query word found nowhere is taken as a typo of the one closest vocabulary
word (1 or 2 edits: fewest edits, then most shared trigrams, then the most frequent; ≤ 0.7): a typo finds the
rows of that word only, never more than the word itself would, and always ranks below exact matches. A row
matches when every query word matches one of its words. Score: sum of the best similarity per query word.

Usual spellings are one word on both sides (`index_words` / `query_words`): "fab lab" = "fablab",
"maker space" = "makerspace", "co working" = "coworking", "repair café" = "repaircafe", "micro-folie" =
"microfolie", and "st"/"ste" = "saint"/"sainte".
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from itertools import chain, pairwise

import numpy as np

from .text import STOPWORDS, trigrams, within_edits, words

MAX_EDIT_CHECKS = 400  # edit-distance checks per query word, most promising first
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
# Pairs of words written as one as often as two: both spellings find the same places.
COMPOUNDS = {
    ("fab", "lab"): "fablab",
    ("fab", "labs"): "fablabs",
    ("maker", "space"): "makerspace",
    ("maker", "spaces"): "makerspaces",
    ("co", "working"): "coworking",
    ("co", "workings"): "coworkings",
    ("repair", "cafe"): "repaircafe",
    ("repair", "cafes"): "repaircafes",
    ("micro", "folie"): "microfolie",
    ("micro", "folies"): "microfolies",
    ("living", "lab"): "livinglab",
}
SEARCH_STOPWORDS = STOPWORDS | {"tierslieux"}


def _expanded(text: str) -> list[str]:
    return [ABBREVIATIONS.get(word, word) for word in words(text)]


def expand_words(normalised: list[str]) -> list[str]:
    """Normalised words as indexed: "st" read "saint", plus the one-word form of every compound."""
    base = [ABBREVIATIONS.get(word, word) for word in normalised]
    return base + [COMPOUNDS[pair] for pair in pairwise(base) if pair in COMPOUNDS]


def index_words(text: str) -> list[str]:
    """The words a row is indexed by: its words ("st" read "saint") and the one-word form of every compound.

    >>> index_words("Fab Lab de St-Malo")
    ['fab', 'lab', 'de', 'saint', 'malo', 'fablab']
    """
    return expand_words(words(text))


def query_words(text: str) -> list[str]:
    """The words of a query, compounds joined ("repair café" -> "repaircafe", "st" -> "saint")."""
    base, out, i = _expanded(text), [], 0
    while i < len(base):
        pair = (base[i], base[i + 1]) if i + 1 < len(base) else None
        if pair in COMPOUNDS:
            out.append(COMPOUNDS[pair])
            i += 2
        else:
            out.append(base[i])
            i += 1
    return out


class SearchIndex:
    def __init__(self, texts: list[str], *, normalised: bool = False) -> None:
        """`texts`: one per row; `normalised=True` when they already are the words to index (lower-case ASCII,
        see `index_words`)."""
        split = [text.split() if normalised else index_words(text) for text in texts]
        counts = np.fromiter((len(item) for item in split), dtype=np.int64, count=len(split))
        flat = list(chain.from_iterable(split))
        self.size = len(texts)
        self.vocabulary = sorted(set(flat))
        number_of = {word: number for number, word in enumerate(self.vocabulary)}
        inverse = np.fromiter(map(number_of.__getitem__, flat), dtype=np.int64, count=len(flat))
        # Postings in CSR form: rows of vocabulary word k are rows[offsets[k]:offsets[k + 1]] (sorted, unique).
        keys = np.sort(inverse * max(1, self.size) + np.repeat(np.arange(self.size), counts))
        keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
        self.rows = (keys % max(1, self.size)).astype(np.int32)
        self.offsets = np.searchsorted(keys // max(1, self.size), np.arange(len(self.vocabulary) + 1))
        grams: dict[str, list[int]] = defaultdict(list)
        for number, word in enumerate(self.vocabulary):
            if word.isdigit():
                continue  # numbers are matched exactly or by prefix, never as typos
            for gram in trigrams(word):
                grams[gram].append(number)
        self.grams = {gram: np.array(ids, dtype=np.int32) for gram, ids in grams.items()}
        self.gram_counts = np.array([len(trigrams(word)) for word in self.vocabulary], dtype=np.int32)
        self.lengths = np.array([len(word) for word in self.vocabulary], dtype=np.int32)

    def postings(self, number: int) -> np.ndarray:
        return self.rows[self.offsets[number] : self.offsets[number + 1]]

    def _prefix_range(self, token: str) -> tuple[int, int]:
        """Vocabulary numbers [start, end) of the words starting with `token` (contiguous: sorted)."""
        start = bisect.bisect_left(self.vocabulary, token)
        return start, bisect.bisect_left(self.vocabulary, token + "\x7f", lo=start)

    def _typo_match(self, token: str, skip: tuple[int, int]) -> tuple[int, float] | None:
        """The one vocabulary word `token` is a typo of, and its similarity (≤ 0.7), or None.

        Candidates share enough trigrams and are within 1 edit (2 for words of 7 letters or more, adjacent
        transpositions included); the best has the fewest edits, then the highest trigram similarity, then the
        most rows. Words of the prefix range `skip` are not candidates.
        """
        grams = trigrams(token)
        lists = [self.grams[gram] for gram in grams if gram in self.grams]
        if not lists:
            return None
        shared = np.bincount(np.concatenate(lists), minlength=len(self.vocabulary))
        edits = 1 if len(token) <= 6 else 2
        # One edit changes at most 3 trigrams: candidates share at least len(grams) - 3·edits of them.
        candidates = np.flatnonzero(shared >= max(2, len(grams) - 3 * edits))
        candidates = candidates[(candidates < skip[0]) | (candidates >= skip[1])]
        if not len(candidates):
            return None
        common = shared[candidates]
        similarity = common / (len(grams) + self.gram_counts[candidates] - common)
        frequency = self.offsets[candidates + 1] - self.offsets[candidates]
        best: tuple | None = None
        near = np.abs(self.lengths[candidates] - len(token)) <= edits
        order = np.argsort(-shared[candidates], kind="stable")
        checked = 0
        for k in order.tolist():
            if not near[k]:
                continue
            if checked >= MAX_EDIT_CHECKS:
                break
            checked += 1
            number = int(candidates[k])
            word = self.vocabulary[number]
            distance = (
                1
                if within_edits(token, word, 1)
                else (2 if edits == 2 and within_edits(token, word, 2) else 0)
            )
            if distance:
                key = (distance, -float(similarity[k]), -int(frequency[k]), word)
                if best is None or key < best[0]:
                    best = (key, number, 0.8 - 0.1 * distance)
        return None if best is None else (best[1], best[2])

    def _token_scores(self, token: str) -> np.ndarray:
        """Best similarity per row for one query word: exact 1.0, prefix 0.9, typo ≤ 0.7."""
        best = np.zeros(self.size, dtype=np.float32)
        start, end = self._prefix_range(token)
        if len(token) >= 3 or token.isdigit():
            if start < end:  # every word with this prefix: one contiguous slice of the postings
                best[self.rows[self.offsets[start] : self.offsets[end]]] = 0.9
        if start < end and self.vocabulary[start] == token:
            best[self.postings(start)] = 1.0
        if len(token) >= 4 and not token.isdigit() and start == end:  # typos only for unknown words
            match = self._typo_match(token, (start, end))
            if match is not None:
                number, similarity = match
                best[self.postings(number)] = similarity
        return best

    def scores(self, query: str) -> np.ndarray | None:
        """Score per row (0: no match), or None when the query has no word. Filler words ("de", "la"…)
        are ignored when the query has other words."""
        tokens = list(dict.fromkeys(query_words(query)))
        if not tokens:
            return None
        significant = [token for token in tokens if token not in SEARCH_STOPWORDS] or tokens
        total = np.zeros(self.size, dtype=np.float32)
        matched_all = np.ones(self.size, dtype=bool)
        for token in significant:
            best = self._token_scores(token)
            matched_all &= best > 0
            total += best
        total[~matched_all] = 0
        return total
