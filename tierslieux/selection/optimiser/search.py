"""Candidate pool for the restricted MIP that gives HiGHS a strong starting solution.

With a near-optimal incumbent at the root, HiGHS' reduced-cost fixing removes
almost every column at once and the proof of optimality is quick; without it,
most of the time goes into primal heuristics. The pool (a few times the number
of seats) is solved first with a node limit (deterministic), its solution is
passed as the MIP start of the full model.
"""

from __future__ import annotations

import numpy as np

from .instance import Prepared
from .mip import build_and_solve
from .model import SolverOptions
from .state import evaluate


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
    kept: np.ndarray = keep[prep.pair_app]
    return kept


def warm_start(
    prep: Prepared, options: SolverOptions, seed: np.ndarray, forced_app: int | None = None
) -> np.ndarray | None:
    """Starting solution: the seed if feasible, improved by a node-limited MIP on the candidate pool."""
    seeded = evaluate(prep, seed)
    feasible = not seeded.violations and (forced_app is None or forced_app in prep.pair_app[seeded.chosen])
    best = seeded if feasible else None
    start = np.zeros(prep.n_pairs)
    start[seeded.chosen] = 1.0
    pool = candidate_pool(prep, seeded.chosen, 2 * max(len(seeded.chosen), 10))
    if forced_app is not None:
        pool |= prep.pair_app == forced_app
    outcome = build_and_solve(
        prep,
        allowed=pool,
        forced_app=forced_app,
        start=start if feasible else None,
        time_limit_s=options.time_limit_s / 3,
        mip_rel_gap=options.mip_rel_gap,
        node_limit=options.pool_node_limit,
        threads=options.threads,
    )
    if outcome.chosen is not None:
        candidate = evaluate(prep, outcome.chosen)
        if not candidate.violations and (best is None or candidate.objective > best.objective):
            best = candidate
    if best is None:
        return None
    start = np.zeros(prep.n_pairs)
    start[best.chosen] = 1.0
    return start
