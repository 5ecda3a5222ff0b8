"""Mixed-integer model solved with HiGHS (``highspy``).

Columns: one binary x[p] per eligible (application, envelope) pair, then one
continuous y[c] in [0, 1] per uncovered but reachable target commune, then (for
the elastic feasibility model only) one slack per user constraint row.

Rows: the user constraints of :class:`Prepared` (envelopes, budgets, quotas,
EPCI), "at most one envelope per application", and coverage
``y[c] - sum(x[p] for p whose application is within R of c) <= 0``.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from .instance import Prepared

_INF = highspy.kHighsInf


@dataclass(frozen=True)
class MipOutcome:
    status: str
    """``optimal``, ``limit`` (time or node limit), ``infeasible`` or ``error``."""
    chosen: np.ndarray | None
    objective: float | None
    dual_bound: float | None
    slack: np.ndarray | None
    time_s: float
    detail: str = ""


def solver_version() -> str:
    return f"HiGHS {highspy.HIGHS_VERSION_MAJOR}.{highspy.HIGHS_VERSION_MINOR}.{highspy.HIGHS_VERSION_PATCH} (highspy)"


def _one_envelope_rows(prep: Prepared) -> sp.csr_matrix:
    apps, counts = np.unique(prep.pair_app, return_counts=True)
    multi = apps[counts > 1]
    if not multi.size:
        return sp.csr_matrix((0, prep.n_pairs))
    row_of_app = np.full(prep.n, -1)
    row_of_app[multi] = np.arange(len(multi))
    mask = row_of_app[prep.pair_app] >= 0
    cols = np.flatnonzero(mask)
    return sp.csr_matrix(
        (np.ones(len(cols)), (row_of_app[prep.pair_app[cols]], cols)), shape=(len(multi), prep.n_pairs)
    )


def build_and_solve(
    prep: Prepared,
    *,
    elastic: bool = False,
    feasibility_only: bool = False,
    keep_rows: np.ndarray | None = None,
    forced_app: int | None = None,
    allowed: np.ndarray | None = None,
    start: np.ndarray | None = None,
    time_limit_s: float = 60.0,
    mip_rel_gap: float = 1e-4,
    node_limit: int | None = None,
    threads: int | None = None,
) -> MipOutcome:
    """Build the model and solve it; never raises (errors become ``status="error"``)."""
    try:
        return _solve(
            prep,
            elastic,
            feasibility_only,
            keep_rows,
            forced_app,
            allowed,
            start,
            time_limit_s,
            mip_rel_gap,
            node_limit,
            threads,
        )
    except Exception as exc:  # noqa: BLE001 - the optimiser must never leak an exception
        return MipOutcome("error", None, None, None, None, 0.0, f"{type(exc).__name__}: {exc}")


def _solve(
    prep: Prepared,
    elastic: bool,
    feasibility_only: bool,
    keep_rows: np.ndarray | None,
    forced_app: int | None,
    allowed: np.ndarray | None,
    start: np.ndarray | None,
    time_limit_s: float,
    mip_rel_gap: float,
    node_limit: int | None,
    threads: int | None,
) -> MipOutcome:
    n_pairs = prep.n_pairs
    keep = np.ones(len(prep.rows), dtype=bool) if keep_rows is None else keep_rows
    # money rows are rescaled to "typical application amounts" (row scaling leaves the solutions unchanged)
    scale = np.where([r.money for r in prep.rows], 1.0 / prep.reference_amount(), 1.0)[keep]
    user = sp.diags(scale, format="csr") @ prep.matrix[np.flatnonzero(keep)]
    lower, upper = prep.lower[keep] * scale, prep.upper[keep] * scale
    with_cover = not (elastic or feasibility_only)
    cover, cover_pop, bonus = prep.reduced_cover()
    n_cover = cover.shape[0] if with_cover else 0
    n_slack = user.shape[0] if elastic else 0
    n_cols = n_pairs + n_cover + n_slack
    blocks: list[sp.csr_matrix] = []
    row_lo: list[np.ndarray] = []
    row_hi: list[np.ndarray] = []

    def add(block: sp.spmatrix, lo: np.ndarray, hi: np.ndarray) -> None:
        block = sp.csr_matrix(block)
        if block.shape[1] < n_cols:
            block = sp.hstack([block, sp.csr_matrix((block.shape[0], n_cols - block.shape[1]))], format="csr")
        blocks.append(block)
        row_lo.append(lo)
        row_hi.append(hi)

    if elastic:
        # max rows: a x - s <= u ; min rows: a x + s >= l
        sign = np.where(np.isfinite(upper), -1.0, 1.0)
        add(sp.hstack([user, sp.diags(sign, format="csr")], format="csr"), lower, upper)
    else:
        add(user, lower, upper)
    one = _one_envelope_rows(prep)
    add(one, np.full(one.shape[0], -_INF), np.ones(one.shape[0]))
    if with_cover and n_cover:
        incidence = sp.csr_matrix(cover @ prep.pairs_to_apps())
        add(
            sp.hstack([-incidence, sp.identity(n_cover, format="csr")], format="csr"),
            np.full(n_cover, -_INF),
            np.zeros(n_cover),
        )
    if forced_app is not None:
        forced = sp.csr_matrix((prep.pair_app == forced_app).astype(float)[None, :])
        add(forced, np.ones(1), np.ones(1))
    matrix = sp.vstack(blocks, format="csr") if blocks else sp.csr_matrix((0, n_cols))
    lo = np.concatenate(row_lo) if row_lo else np.zeros(0)
    hi = np.concatenate(row_hi) if row_hi else np.zeros(0)

    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = matrix.shape[0]
    if elastic:
        cost = np.concatenate([np.zeros(n_pairs), np.ones(n_slack)])
        lp.sense_ = highspy.ObjSense.kMinimize
    elif feasibility_only:
        cost = np.zeros(n_cols)
        lp.sense_ = highspy.ObjSense.kMinimize
    else:
        pair_value = prep.score[prep.pair_app] + prep.weight * bonus[prep.pair_app]
        cost = np.concatenate([pair_value, prep.weight * cover_pop])
        lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = cost
    lp.col_lower_ = np.zeros(n_cols)
    col_upper = np.ones(n_cols)
    col_upper[n_pairs + n_cover :] = _INF
    if allowed is not None:
        col_upper[:n_pairs][~allowed] = 0.0
    lp.col_upper_ = col_upper
    lp.row_lower_ = np.where(np.isfinite(lo), lo, -_INF)
    lp.row_upper_ = np.where(np.isfinite(hi), hi, _INF)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = matrix.shape[0]
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(np.float64)
    integrality = [highspy.HighsVarType.kInteger] * n_pairs + [highspy.HighsVarType.kContinuous] * (
        n_cols - n_pairs
    )
    lp.integrality_ = integrality

    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy's constructor is not annotated
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(max(time_limit_s, 0.01)))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.setOptionValue("random_seed", 0)
    if threads:
        h.setOptionValue("threads", int(threads))
    if node_limit is not None:
        h.setOptionValue("mip_max_nodes", int(node_limit))
    h.passModel(lp)
    if start is not None and with_cover:
        solution = highspy.HighsSolution()
        y = np.minimum(1.0, np.asarray(cover @ (prep.pairs_to_apps() @ start)).ravel())
        solution.col_value = list(np.concatenate([start, y]))
        solution.value_valid = True
        h.setSolution(solution)
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kModelEmpty:
        feasible = bool(np.all(lo <= 0.0) and np.all(hi >= 0.0))
        empty = np.zeros(0, dtype=np.int64)
        return MipOutcome(
            "optimal" if feasible else "infeasible",
            empty if feasible else None,
            0.0,
            0.0,
            np.zeros(n_slack) if elastic else None,
            0.0,
        )
    info = h.getInfo()
    run_time = float(h.getRunTime())
    if status == highspy.HighsModelStatus.kInfeasible:
        return MipOutcome("infeasible", None, None, None, None, run_time)
    has_solution = info.primal_solution_status == 2
    if not has_solution:
        label = "error" if status not in _LIMITS else "limit"
        return MipOutcome(label, None, None, None, None, run_time, h.modelStatusToString(status))
    values = np.asarray(h.getSolution().col_value)
    chosen = np.flatnonzero(values[:n_pairs] > 0.5)
    slack = values[n_pairs + n_cover :] / scale if elastic else None
    label = "optimal" if status == highspy.HighsModelStatus.kOptimal else "limit"
    return MipOutcome(
        label,
        chosen,
        float(info.objective_function_value),
        float(info.mip_dual_bound),
        slack,
        run_time,
        h.modelStatusToString(status),
    )


_LIMITS = {
    highspy.HighsModelStatus.kTimeLimit,
    highspy.HighsModelStatus.kIterationLimit,
    highspy.HighsModelStatus.kSolutionLimit,
    highspy.HighsModelStatus.kInterrupt,
    highspy.HighsModelStatus.kObjectiveBound,
    highspy.HighsModelStatus.kObjectiveTarget,
}
