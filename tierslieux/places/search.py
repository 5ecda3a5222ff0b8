"""Accent-insensitive, typo-tolerant search over place names and towns (plain Python + numpy, no Django).

Every distinct word of the indexed texts is a vocabulary entry with the rows it appears in. A query word
matches a vocabulary word when it is a prefix of it (3 letters or more) or close in trigrams (typos); a row
matches when every query word matches one of its words. Score: sum of the best similarity per query word.
"""

from __future__ import annotations

import bisect
from collections import defaultdict

import numpy as np

from .text import trigram_similarity, trigrams, within_edits, words

MIN_SIMILARITY = 0.4


class SearchIndex:
    def __init__(self, texts: list[str]) -> None:
        postings: dict[str, list[int]] = defaultdict(list)
        for row, text in enumerate(texts):
            for word in set(words(text)):
                postings[word].append(row)
        self.size = len(texts)
        self.vocabulary = sorted(postings)
        self.postings = [np.array(postings[word], dtype=np.int32) for word in self.vocabulary]
        grams: dict[str, list[int]] = defaultdict(list)
        for number, word in enumerate(self.vocabulary):
            for gram in trigrams(word):
                grams[gram].append(number)
        self.grams = {gram: np.array(ids, dtype=np.int32) for gram, ids in grams.items()}

    def _word_matches(self, token: str) -> dict[int, float]:
        """Vocabulary numbers matching `token`, with a similarity in (0, 1]."""
        found: dict[int, float] = {}
        if len(token) >= 3 or token.isdigit():
            start = bisect.bisect_left(self.vocabulary, token)
            end = bisect.bisect_left(self.vocabulary, token + "\x7f", lo=start)
            for number in range(start, min(end, start + 2000)):
                found[number] = 1.0 if self.vocabulary[number] == token else 0.9
        else:
            start = bisect.bisect_left(self.vocabulary, token)
            if start < len(self.vocabulary) and self.vocabulary[start] == token:
                found[start] = 1.0
        if len(token) >= 4 and not token.isdigit():
            grams = trigrams(token)
            lists = [self.grams[gram] for gram in grams if gram in self.grams]
            if lists:
                counts = np.bincount(np.concatenate(lists))
                edits = 1 if len(token) <= 6 else 2
                # One edit changes at most 3 trigrams: candidates share at least len(grams) - 3·edits of them.
                threshold = max(2, min(int(len(grams) * MIN_SIMILARITY), len(grams) - 3 * edits))
                for number in np.flatnonzero(counts >= threshold).tolist():
                    if number in found:
                        continue
                    word = self.vocabulary[number]
                    similarity = trigram_similarity(token, word)
                    if similarity >= MIN_SIMILARITY:
                        found[number] = similarity * 0.8
                    elif abs(len(word) - len(token)) <= edits and within_edits(token, word, edits):
                        found[number] = 0.6
        return found

    def scores(self, query: str) -> np.ndarray | None:
        """Score per row (0: no match), or None when the query has no word."""
        tokens = words(query)
        if not tokens:
            return None
        total = np.zeros(self.size, dtype=np.float32)
        matched_all = np.ones(self.size, dtype=bool)
        for token in tokens:
            best = np.zeros(self.size, dtype=np.float32)
            for number, similarity in self._word_matches(token).items():
                rows = self.postings[number]
                best[rows] = np.maximum(best[rows], similarity)
            matched_all &= best > 0
            total += best
        total[~matched_all] = 0
        return total
