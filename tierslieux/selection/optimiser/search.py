"""Local search that turns the greedy selection into a strong starting solution for HiGHS.

With a near-optimal incumbent at the root, HiGHS' reduced-cost fixing removes
almost every column at once and the proof of optimality is quick; without it,
most of the time goes into primal heuristics. Moves: add any application that
still fits, and apply the best exact single swaps (see reasons.best_swaps),
several per round when they involve different laureates, each re-checked
against every constraint.
"""

from __future__ import annotations

import numpy as np

from .instance import Prepared
from .reasons import best_swaps
from .state import Evaluation, addable_mask, covered_counts, evaluate


def _fresh_gain(prep: Prepared, evaluation: Evaluation) -> np.ndarray:
    counts = covered_counts(prep, evaluation.chosen)
    open_rows = counts == 0
    return np.asarray(prep.cover[open_rows].T @ prep.cover_pop[open_rows]).ravel()


def improve(prep: Prepared, chosen: np.ndarray, *, max_rounds: int = 60) -> np.ndarray:
    """Best-improvement local search; returns a selection at least as good (never infeasible if the input is not)."""
    evaluation = evaluate(prep, chosen)
    if evaluation.violations or not len(evaluation.chosen):
        return evaluation.chosen
    for _ in range(max_rounds):
        gain = prep.score + prep.weight * _fresh_gain(prep, evaluation)
        chosen_apps = prep.pair_app[evaluation.chosen]
        addable = addable_mask(prep, evaluation.activity, chosen_apps)
        if addable.any():
            values = np.where(addable, gain[prep.pair_app], -np.inf)
            best = int(np.argmax(values))
            evaluation = evaluate(prep, np.append(evaluation.chosen, best))
            continue
        floor = float(prep.score[chosen_apps].min())
        pool = ~np.isin(prep.pair_app, chosen_apps) & (gain[prep.pair_app] > floor + 1e-9)
        if not pool.any():
            break
        swaps = sorted((s.cost, app, s) for app, s in best_swaps(prep, evaluation, pool).items())
        improved = False
        used: set[int] = set()
        for cost, _app, swap in swaps[: 4 * len(chosen_apps)]:
            if cost >= -1e-9:
                break
            if swap.out_app in used:
                continue
            keep = evaluation.chosen[prep.pair_app[evaluation.chosen] != swap.out_app]
            trial = evaluate(prep, np.append(keep, swap.in_pair))
            if not trial.violations and trial.objective > evaluation.objective + 1e-9:
                evaluation = trial
                used.add(swap.out_app)
                used.add(int(prep.pair_app[swap.in_pair]))
                improved = True
        if not improved:
            break
    return evaluation.chosen


def candidate_pool(prep: Prepared, seed: np.ndarray, size: int) -> np.ndarray:
    """Pairs of the most promising applications: best stand-alone value, best value per euro, the seed's, and
    the best of every territory with a minimum. Used for a small restricted MIP that gives a strong start."""
    cover, cover_pop, bonus = prep.reduced_cover()
    value = prep.score + prep.weight * (bonus + np.asarray(cover.T @ cover_pop).ravel())
    usable = np.zeros(prep.n, dtype=bool)
    usable[prep.pair_app] = True
    keep = np.zeros(prep.n, dtype=bool)
    order_value = np.lexsort((np.arange(prep.n), -value))
    per_euro = value / np.maximum(prep.total, 1.0)
    order_euro = np.lexsort((np.arange(prep.n), -per_euro))
    for order in (order_value, order_euro):
        keep[order[usable[order]][:size]] = True
    keep[prep.pair_app[seed]] = True
    csr = prep.matrix
    for r in np.flatnonzero(np.isfinite(prep.lower)):
        apps = np.unique(prep.pair_app[csr.indices[csr.indptr[r] : csr.indptr[r + 1]]])
        keep[apps[np.lexsort((apps, -value[apps]))][: max(3, int(prep.lower[r]) * 3)]] = True
    return keep[prep.pair_app]
