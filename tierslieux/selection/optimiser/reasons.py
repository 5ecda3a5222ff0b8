"""A plain-French reason for every application left out of a selection.

Method (see docs/selection.md):

1. Applications with no usable pair get a structural reason (no open envelope,
   amount above a budget).
2. For the others we list the constraints that block *adding* them as they are
   (envelope full, budget exhausted, quota reached, EPCI already represented).
3. We evaluate every *single swap* "this application in (in any of its
   envelopes), one laureate out" against every constraint, exactly, including
   the coverage interaction between the two (communes only the leaving laureate
   covered, communes the newcomer covers and nobody else). The cheapest feasible
   swap is a feasible selection containing the application, so its cost is an
   upper bound of the true price of taking it.
4. For the ``exact_reasons`` best-scored applications left out, the MIP is
   re-solved with the application forced in (node-limited, hence deterministic):
   ``objective(selection) - objective(forced)`` is the exact price when both are
   proven optimal, and it also covers multi-swaps when no single swap works.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from tierslieux.core.i18n import gettext as _
from tierslieux.core.i18n import ngettext

from .instance import TOL, Prepared
from .mip import build_and_solve
from .model import Reason, SolverOptions
from .search import warm_start
from .state import Evaluation, covered_counts, evaluate
from .text import fr_euros, fr_int, fr_points, fr_signed_int, fr_signed_points, plural_number


@dataclass
class _Swap:
    cost: float
    out_app: int
    in_pair: int
    d_score: float
    d_pop: float


def _blocking_texts(
    prep: Prepared, evaluation: Evaluation, app: int, pairs: np.ndarray
) -> tuple[list[str], list[str]]:
    csc = prep.csc()
    activity = evaluation.activity
    chosen_apps = prep.pair_app[evaluation.chosen]
    texts: list[str] = []
    keys: list[str] = []
    for p in pairs:
        for k in range(csc.indptr[p], csc.indptr[p + 1]):
            r, coef = csc.indices[k], csc.data[k]
            if coef <= 0 or activity[r] + coef <= prep.upper[r] + TOL:
                continue
            row = prep.rows[r]
            text = _blocking_text(
                prep, row.kind, row.subject, activity[r], row.limit, coef, r, chosen_apps, evaluation.chosen
            )
            if row.key not in keys:
                keys.append(row.key)
                texts.append(text)
    return texts, keys


def _blocking_text(
    prep: Prepared,
    kind: str,
    subject: str,
    used: float,
    limit: float,
    coef: float,
    r: int,
    chosen_apps: np.ndarray,
    chosen: np.ndarray,
) -> str:
    counts = {"where": subject, "used": fr_int(used), "limit": fr_int(limit)}
    if kind == "envelope_count":
        return _("enveloppe « %(where)s » complète (%(used)s/%(limit)s)") % counts
    if kind in ("envelope_budget", "total_budget", "yearly_budget"):
        money = {"budget": subject, "rest": fr_euros(max(limit - used, 0)), "asked": fr_euros(coef)}
        if kind == "envelope_budget":
            return (
                _("budget de l'enveloppe « %(budget)s » épuisé (reste %(rest)s pour %(asked)s demandés)")
                % money
            )
        return _("%(budget)s épuisé (reste %(rest)s pour %(asked)s demandés)") % money
    if kind == "max_laureates":
        return _("nombre maximal de lauréats atteint (%(used)s/%(limit)s)") % counts
    if kind == "quota_max":
        return _("maximum atteint dans %(where)s (%(used)s/%(limit)s)") % counts
    members = set(prep.matrix.indices[prep.matrix.indptr[r] : prep.matrix.indptr[r + 1]].tolist())
    holder = [prep.ids[prep.pair_app[p]] for p in chosen if p in members]
    return _("%(where)s déjà représenté par « %(holder)s »") % {
        "where": subject,
        "holder": holder[0] if holder else "?",
    }


def best_swaps(prep: Prepared, evaluation: Evaluation, candidate: np.ndarray) -> dict[int, _Swap]:
    """Cheapest feasible single swap for every candidate pair (vectorised over pairs, loop over laureates)."""
    chosen = evaluation.chosen
    chosen_apps = prep.pair_app[chosen]
    counts = covered_counts(prep, chosen)
    pop = prep.cover_pop
    fresh_gain = np.asarray(prep.cover[counts == 0].T @ pop[counts == 0]).ravel()  # per application
    unique = counts == 1
    owned = sp.csr_matrix(prep.cover[unique][:, chosen_apps].multiply(pop[unique][:, None]))
    lost = np.asarray(owned.sum(axis=0)).ravel()  # per laureate: population only it covers
    overlap = np.asarray((prep.cover[unique].T @ owned).todense())  # (applications x laureates)
    coo = prep.matrix.tocoo()
    csc = prep.csc()
    deficit_rows = np.isfinite(prep.lower)
    score_in = prep.score[prep.pair_app]
    gain_in = fresh_gain[prep.pair_app]
    best_cost = np.full(prep.n_pairs, np.inf)
    best_out = np.full(prep.n_pairs, -1)
    for k, q in enumerate(chosen):
        base = evaluation.activity.copy()
        base[csc.indices[csc.indptr[q] : csc.indptr[q + 1]]] -= csc.data[csc.indptr[q] : csc.indptr[q + 1]]
        over = (base[coo.row] + coo.data > prep.upper[coo.row] + TOL) & (coo.data > 0)
        bad = np.bincount(coo.col[over], minlength=prep.n_pairs) > 0
        short = deficit_rows & (base < prep.lower - TOL)
        fixed = short[coo.row] & (base[coo.row] + coo.data >= prep.lower[coo.row] - TOL)
        ok = candidate & ~bad & (np.bincount(coo.col[fixed], minlength=prep.n_pairs) == short.sum())
        i = chosen_apps[k]
        d_pop = gain_in + overlap[prep.pair_app, k] - lost[k]
        cost = prep.score[i] - score_in - prep.weight * d_pop
        better = ok & (cost < best_cost - 1e-12)
        best_cost[better] = cost[better]
        best_out[better] = k
    swaps: dict[int, _Swap] = {}
    for p in np.flatnonzero(best_out >= 0):
        k = best_out[p]
        i = chosen_apps[k]
        d_pop = gain_in[p] + overlap[prep.pair_app[p], k] - lost[k]
        app = int(prep.pair_app[p])
        if app not in swaps or best_cost[p] < swaps[app].cost - 1e-12:
            swaps[app] = _Swap(
                float(best_cost[p]), int(i), int(p), float(score_in[p] - prep.score[i]), float(d_pop)
            )
    return swaps


def explain(
    prep: Prepared,
    evaluation: Evaluation,
    *,
    options: SolverOptions | None = None,
    gap_abs: float = 0.0,
    proven: bool = False,
) -> dict[str, Reason]:
    """Reasons for every application not in ``evaluation`` (re-solves only when ``options`` is given).

    ``proven``: the selection is a proven optimum (the optimiser's "optimal" status), so that no reason says
    otherwise; a heuristic (rank by score, greedy) is never proven."""
    chosen_apps = set(prep.pair_app[evaluation.chosen].tolist())
    reasons: dict[str, Reason] = {}
    for app, (code, message) in prep.unusable.items():
        reasons[prep.ids[app]] = Reason(prep.ids[app], code, message)  # type: ignore[arg-type]
    candidate = ~np.isin(prep.pair_app, list(chosen_apps))
    swaps = best_swaps(prep, evaluation, candidate)
    counts = covered_counts(prep, evaluation.chosen)
    fresh_gain = np.asarray(prep.cover[counts == 0].T @ prep.cover_pop[counts == 0]).ravel()
    pairs_of: dict[int, list[int]] = {}
    for p in np.flatnonzero(candidate):
        pairs_of.setdefault(int(prep.pair_app[p]), []).append(int(p))
    forced = _forced_costs(prep, evaluation, pairs_of, swaps, options) if options else {}
    for app in sorted(pairs_of):
        texts, keys = _blocking_texts(prep, evaluation, app, np.asarray(pairs_of[app]))
        app_id = prep.ids[app]
        if not keys:
            gain = prep.score[app] + prep.weight * fresh_gain[app]
            reasons[app_id] = Reason(app_id, "addable", _addable_words(gain, proven), cost=-float(gain))
            continue
        blocked = " ; ".join(texts)
        use_forced = app in forced and not (
            forced[app].status != "optimal"
            and app in swaps
            and swaps[app].cost < (forced[app].cost or np.inf)
        )
        if use_forced:
            reasons[app_id] = _forced_reason(prep, app, blocked, keys, forced[app], gap_abs)
        elif app in swaps:
            reasons[app_id] = _swap_reason(prep, app, blocked, keys, swaps[app], gap_abs)
        else:
            message = _(
                "%(blocked)s : aucun échange avec un seul lauréat ne respecte toutes les contraintes "
                "(il faudrait en retirer plusieurs)"
            ) % {"blocked": blocked}
            reasons[app_id] = Reason(app_id, "outranked", message, blocking=tuple(keys))
    return dict(sorted(reasons.items()))


def _points(value: float) -> str:
    """ "0,50 point", "2,00 points" (French agreement: below 2, singular)."""
    return ngettext("%(points)s point", "%(points)s points", plural_number(abs(value))) % {
        "points": fr_points(abs(value))
    }


def _addable_words(gain: float, proven: bool) -> str:
    """Why a dossier no constraint blocks is not retained, consistent with the status of the selection."""
    if gain <= TOL:
        return _(
            "pourrait être ajouté sans enfreindre aucune contrainte, mais l'objectif resterait le même : "
            "ex aequo avec la sélection retenue"
        )
    if proven:
        return _(
            "pourrait être ajouté sans enfreindre aucune contrainte : l'objectif gagnerait %(points)s, "
            "un écart sous la tolérance de l'optimiseur"
        ) % {"points": _points(gain)}
    return _(
        "pourrait être ajouté sans enfreindre aucune contrainte : l'objectif gagnerait %(points)s, "
        "cette sélection n'étant pas une optimisation"
    ) % {"points": _points(gain)}


def _cost_words(cost: float, gap_abs: float) -> str:
    """The effect of a change on the objective, as a clause of the reason's sentence."""
    if cost < -TOL:
        return _("améliorerait l'objectif de %(points)s") % {"points": _points(cost)}
    if cost <= TOL:
        return _("laisserait l'objectif inchangé (ex aequo)")
    if cost <= gap_abs + TOL:
        return _("coûterait %(points)s (quasi ex aequo, sous la tolérance de l'optimiseur)") % {
            "points": _points(cost)
        }
    return _("coûterait %(points)s") % {"points": _points(cost)}


def _swap_reason(
    prep: Prepared, app: int, blocked: str, keys: list[str], swap: _Swap, gap_abs: float
) -> Reason:
    out = prep.ids[swap.out_app]
    envelope = prep.env_labels[prep.pair_env[swap.in_pair]]
    message = _(
        "%(blocked)s : le retenir (enveloppe « %(envelope)s ») à la place de « %(out)s » (note %(score)s) "
        "%(cost)s — note %(d_score)s, population nouvellement couverte %(d_pop)s hab."
    ) % {
        "blocked": blocked,
        "envelope": envelope,
        "out": out,
        "score": fr_points(prep.score[swap.out_app]),
        "cost": _cost_words(swap.cost, gap_abs),
        "d_score": fr_signed_points(swap.d_score),
        "d_pop": fr_signed_int(swap.d_pop),
    }
    return Reason(
        prep.ids[app],
        "outranked",
        message,
        cost=swap.cost,
        exact=False,
        swap_with=(out,),
        blocking=tuple(keys),
    )


@dataclass
class _Forced:
    status: str
    cost: float | None
    removed: tuple[str, ...]


def _forced_costs(
    prep: Prepared,
    evaluation: Evaluation,
    pairs_of: dict[int, list[int]],
    swaps: dict[int, _Swap],
    options: SolverOptions,
) -> dict[int, _Forced]:
    ranked = sorted(pairs_of, key=lambda a: (-prep.score[a], a))[: max(options.exact_reasons, 0)]
    chosen_apps = set(prep.pair_app[evaluation.chosen].tolist())
    results: dict[int, _Forced] = {}
    for app in ranked:
        seed = evaluation.chosen
        if app in swaps:
            keep = evaluation.chosen[prep.pair_app[evaluation.chosen] != swaps[app].out_app]
            seed = np.append(keep, swaps[app].in_pair)
        start = warm_start(prep, options, seed, forced_app=app) if options.warm_start else None
        outcome = build_and_solve(
            prep,
            forced_app=app,
            start=start,
            time_limit_s=options.reason_time_limit_s,
            mip_rel_gap=options.mip_rel_gap,
            node_limit=options.reason_node_limit,
            threads=options.threads,
        )
        if outcome.status == "infeasible":
            results[app] = _Forced("infeasible", None, ())
        elif outcome.chosen is not None:
            forced_eval = evaluate(prep, outcome.chosen)
            new_apps = set(prep.pair_app[forced_eval.chosen].tolist())
            removed = tuple(prep.ids[a] for a in sorted(chosen_apps - new_apps))
            results[app] = _Forced(outcome.status, evaluation.objective - forced_eval.objective, removed)
    return results


def _forced_reason(
    prep: Prepared, app: int, blocked: str, keys: list[str], forced: _Forced, gap_abs: float
) -> Reason:
    app_id = prep.ids[app]
    if forced.status == "infeasible" or forced.cost is None:
        message = _(
            "%(blocked)s : impossible à retenir sans enfreindre une contrainte, même en changeant toute la sélection"
        ) % {"blocked": blocked}
        return Reason(app_id, "incompatible", message, blocking=tuple(keys))
    exact = forced.status == "optimal"
    values = {
        "blocked": blocked,
        "cost": _cost_words(forced.cost, gap_abs),
        "removed": ", ".join(f"« {r} »" for r in forced.removed),
    }
    if forced.removed and exact:
        text = _(
            "%(blocked)s : le retenir %(cost)s au mieux, en retirant %(removed)s "
            "(réoptimisation avec ce dossier imposé)"
        )
    elif forced.removed:
        text = _(
            "%(blocked)s : le retenir %(cost)s au plus (recherche interrompue), en retirant %(removed)s "
            "(réoptimisation avec ce dossier imposé)"
        )
    elif exact:
        text = _(
            "%(blocked)s : le retenir %(cost)s au mieux, en retirant aucun lauréat "
            "(réoptimisation avec ce dossier imposé)"
        )
    else:
        text = _(
            "%(blocked)s : le retenir %(cost)s au plus (recherche interrompue), en retirant aucun lauréat "
            "(réoptimisation avec ce dossier imposé)"
        )
    message = text % values
    return Reason(
        app_id,
        "outranked",
        message,
        cost=forced.cost,
        exact=exact,
        swap_with=forced.removed,
        blocking=tuple(keys),
    )
