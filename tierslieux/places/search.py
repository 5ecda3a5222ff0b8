"""Accent-insensitive, typo-tolerant search over place names and towns (plain Python + numpy, no Django).

Every distinct word of the indexed texts is a vocabulary entry with the rows it appears in. A query word
matches a vocabulary word when it is a prefix of it (3 letters or more) or close in trigrams (typos); a row
matches when every query word matches one of its words. Score: sum of the best similarity per query word.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from itertools import chain

import numpy as np

from .text import STOPWORDS, trigrams, within_edits, words

MIN_SIMILARITY = 0.4
MAX_EDIT_CHECKS = 400  # edit-distance checks per query word, most promising first


class SearchIndex:
    def __init__(self, texts: list[str], *, normalised: bool = False) -> None:
        """`texts`: one per row; `normalised=True` when they already are (lower-case ASCII words)."""
        split = [text.split() if normalised else words(text) for text in texts]
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

    def _typo_matches(self, token: str, skip: tuple[int, int]) -> dict[int, float]:
        """Vocabulary words close to `token` (trigrams, or 1–2 edits), outside the prefix range `skip`."""
        found: dict[int, float] = {}
        grams = trigrams(token)
        lists = [self.grams[gram] for gram in grams if gram in self.grams]
        if not lists:
            return found
        shared = np.bincount(np.concatenate(lists), minlength=len(self.vocabulary))
        edits = 1 if len(token) <= 6 else 2
        # One edit changes at most 3 trigrams: candidates share at least len(grams) - 3·edits of them.
        candidates = np.flatnonzero(shared >= max(2, len(grams) - 3 * edits))
        candidates = candidates[(candidates < skip[0]) | (candidates >= skip[1])]
        if not len(candidates):
            return found
        common = shared[candidates]
        similarity = common / (len(grams) + self.gram_counts[candidates] - common)
        close = similarity >= MIN_SIMILARITY
        for number, value in zip(candidates[close].tolist(), similarity[close].tolist(), strict=True):
            found[number] = value * 0.8
        others = candidates[~close & (np.abs(self.lengths[candidates] - len(token)) <= edits)]
        for number in others[np.argsort(-shared[others], kind="stable")][:MAX_EDIT_CHECKS].tolist():
            if within_edits(token, self.vocabulary[number], edits):
                found[number] = 0.6
        return found

    def _token_scores(self, token: str) -> np.ndarray:
        """Best similarity per row for one query word: exact 1.0, prefix 0.9, typo ≤ 0.8."""
        best = np.zeros(self.size, dtype=np.float32)
        start, end = self._prefix_range(token)
        if len(token) >= 3 or token.isdigit():
            if start < end:  # every word with this prefix: one contiguous slice of the postings
                best[self.rows[self.offsets[start] : self.offsets[end]]] = 0.9
        if start < end and self.vocabulary[start] == token:
            best[self.postings(start)] = 1.0
        if len(token) >= 4 and not token.isdigit() and start == end:  # typos only for unknown words
            by_similarity: dict[float, list[int]] = {}
            for number, similarity in self._typo_matches(token, (start, end)).items():
                by_similarity.setdefault(round(similarity, 2), []).append(number)
            for similarity, numbers in sorted(by_similarity.items()):
                rows = np.concatenate([self.postings(number) for number in numbers])
                best[rows] = np.maximum(best[rows], similarity)
        return best

    def scores(self, query: str) -> np.ndarray | None:
        """Score per row (0: no match), or None when the query has no word. Filler words ("de", "la"…)
        are ignored when the query has other words."""
        tokens = list(dict.fromkeys(words(query)))
        if not tokens:
            return None
        significant = [token for token in tokens if token not in STOPWORDS] or tokens
        total = np.zeros(self.size, dtype=np.float32)
        matched_all = np.ones(self.size, dtype=bool)
        for token in significant:
            best = self._token_scores(token)
            matched_all &= best > 0
            total += best
        total[~matched_all] = 0
        return total
