"""Heuristic selections: what a committee does by hand, and a greedy on the same objective."""

from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np

from .instance import Prepared
from .state import Tracker


def _pairs_by_app(prep: Prepared) -> list[list[int]]:
    """Pairs of each application, in envelope order (the problem's order of envelopes)."""
    by_app: list[list[int]] = [[] for _ in range(prep.n)]
    for p in np.lexsort((prep.pair_env, prep.pair_app)):
        by_app[int(prep.pair_app[p])].append(int(p))
    return by_app


def _first_fit(tracker: Tracker, pairs: list[int]) -> int | None:
    return next((p for p in pairs if tracker.can_add(p)), None)


def _fill_minimums(
    prep: Prepared, tracker: Tracker, by_app: list[list[int]], value: Callable[[int], float]
) -> None:
    """Honour the 'at least k' rows first, taking the best applications of each territory."""
    csr = prep.matrix
    for r in sorted(np.flatnonzero(np.isfinite(prep.lower)), key=lambda r: prep.rows[r].key):
        cols = csr.indices[csr.indptr[r] : csr.indptr[r + 1]]
        in_row = set(cols.tolist())
        apps = np.unique(prep.pair_app[cols])
        while tracker.activity[r] < prep.lower[r] - 1e-9:
            ranked = sorted((a for a in apps if not tracker.taken[a]), key=lambda a: (-value(int(a)), a))
            placed = False
            for app in ranked:
                pair = _first_fit(tracker, [p for p in by_app[app] if p in in_row])
                if pair is not None:
                    tracker.add(pair)
                    placed = True
                    break
            if not placed:
                break


def rank_by_score_pairs(prep: Prepared) -> np.ndarray:
    """Best scores first; each goes to the first of its envelopes that still has room."""
    tracker = Tracker(prep)
    by_app = _pairs_by_app(prep)
    _fill_minimums(prep, tracker, by_app, lambda a: float(prep.score[a]))
    for app in sorted(range(prep.n), key=lambda a: (-prep.score[a], a)):
        if by_app[app] and not tracker.taken[app]:
            pair = _first_fit(tracker, by_app[app])
            if pair is not None:
                tracker.add(pair)
    return np.sort(np.asarray(tracker.chosen, dtype=np.int64))


def greedy_pairs(prep: Prepared) -> np.ndarray:
    """Lazy greedy on score + λ x newly covered population (marginal gains only decrease)."""
    tracker = Tracker(prep)
    by_app = _pairs_by_app(prep)
    _fill_minimums(prep, tracker, by_app, tracker.gain)
    heap = [(-tracker.gain(a), a, 0) for a in range(prep.n) if by_app[a] and not tracker.taken[a]]
    heapq.heapify(heap)
    stamp = 0
    while heap:
        _neg_gain, app, seen = heapq.heappop(heap)
        if seen != stamp:
            heapq.heappush(heap, (-tracker.gain(app), app, stamp))
            continue
        pair = _first_fit(tracker, by_app[app])
        if pair is not None:  # infeasible now means infeasible for ever: every row only fills up
            tracker.add(pair)
            stamp += 1
    return np.sort(np.asarray(tracker.chosen, dtype=np.int64))
