"""Evaluation of a selection and incremental feasibility tracking (shared by all methods)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tierslieux.core.i18n import gettext as _

from .instance import TOL, Prepared
from .model import ConstraintStatus
from .text import fr_euros, fr_int


@dataclass(frozen=True)
class Evaluation:
    chosen: np.ndarray
    """Indices of the chosen pairs, sorted."""
    activity: np.ndarray
    score_total: float
    newly_covered_population: int
    newly_covered_communes: int
    coverage_points: float
    total_amount: float
    violations: tuple[str, ...]

    @property
    def objective(self) -> float:
        return self.score_total + self.coverage_points


def pair_vector(prep: Prepared, chosen: np.ndarray) -> np.ndarray:
    z = np.zeros(prep.n_pairs)
    z[np.asarray(chosen, dtype=np.int64)] = 1.0
    return z


def covered_counts(prep: Prepared, chosen: np.ndarray) -> np.ndarray:
    selected = np.zeros(prep.n)
    selected[prep.pair_app[chosen]] = 1.0
    return np.asarray(prep.cover @ selected).ravel()


def evaluate(prep: Prepared, chosen: np.ndarray) -> Evaluation:
    chosen = np.sort(np.asarray(chosen, dtype=np.int64))
    activity = np.asarray(prep.matrix @ pair_vector(prep, chosen)).ravel()
    counts = covered_counts(prep, chosen)
    population = int(prep.cover_pop[counts > 0].sum())
    violations = []
    for r, row in enumerate(prep.rows):
        if activity[r] > prep.upper[r] + TOL or activity[r] < prep.lower[r] - TOL:
            violations.append(
                _("%(constraint)s : %(amount)s obtenu(s)")
                % {"constraint": row.label, "amount": _amount(row.money, activity[r])}
            )
    apps = prep.pair_app[chosen]
    if len(np.unique(apps)) != len(apps):
        violations.append(_("une candidature compte dans plusieurs enveloppes"))
    return Evaluation(
        chosen=chosen,
        activity=activity,
        score_total=float(prep.score[apps].sum()),
        newly_covered_population=population,
        newly_covered_communes=int((counts > 0).sum()),
        coverage_points=prep.weight * population,
        total_amount=float(prep.total[apps].sum()),
        violations=tuple(violations),
    )


def _amount(money: bool, value: float) -> str:
    return fr_euros(value) if money else fr_int(value)


def constraint_statuses(prep: Prepared, evaluation: Evaluation) -> tuple[ConstraintStatus, ...]:
    activity = evaluation.activity
    selected_apps = prep.pair_app[evaluation.chosen]
    coo = prep.matrix.tocoo()
    taken = np.zeros(prep.n, dtype=bool)
    taken[selected_apps] = True
    candidate = ~taken[prep.pair_app[coo.col]] & (coo.data > 0)
    blocks = candidate & (activity[coo.row] + coo.data > prep.upper[coo.row] + TOL)
    blocking_rows = np.zeros(len(prep.rows), dtype=bool)
    blocking_rows[coo.row[blocks]] = True
    statuses: list[ConstraintStatus] = []
    epci_used = epci_limit = 0.0
    epci_binding = False
    for r, row in enumerate(prep.rows):
        if row.group == "epci":
            epci_used += float(activity[r])
            epci_limit += 1.0
            epci_binding = epci_binding or bool(blocking_rows[r])
            continue
        if row.sense == "max":
            binding = bool(blocking_rows[r]) or activity[r] >= row.limit - TOL
        else:
            binding = activity[r] <= row.limit + TOL
        statuses.append(
            ConstraintStatus(row.key, row.label, row.sense, float(activity[r]), float(row.limit), binding)
        )
    if epci_limit:
        statuses.append(
            ConstraintStatus(
                "epci",
                _("une seule candidature retenue par EPCI"),
                "max",
                epci_used,
                epci_limit,
                epci_binding,
            )
        )
    return tuple(statuses)


class Tracker:
    """Incremental selection used by the baselines: constant-time-ish feasibility checks of one addition."""

    def __init__(self, prep: Prepared) -> None:
        self.prep = prep
        csc = prep.csc()
        self.indptr, self.indices, self.data = csc.indptr, csc.indices, csc.data
        self.activity = np.zeros(len(prep.rows))
        self.taken = np.zeros(prep.n, dtype=bool)
        self.counts = np.zeros(prep.cover.shape[0])
        cover_csc = prep.cover.tocsc()
        self.cover_indptr, self.cover_indices = cover_csc.indptr, cover_csc.indices
        self.chosen: list[int] = []

    def can_add(self, pair: int) -> bool:
        if self.taken[self.prep.pair_app[pair]]:
            return False
        lo, hi = self.indptr[pair], self.indptr[pair + 1]
        rows = self.indices[lo:hi]
        return bool(np.all(self.activity[rows] + self.data[lo:hi] <= self.prep.upper[rows] + TOL))

    def gain(self, app: int) -> float:
        communes = self.cover_indices[self.cover_indptr[app] : self.cover_indptr[app + 1]]
        fresh = communes[self.counts[communes] == 0]
        return float(self.prep.score[app] + self.prep.weight * self.prep.cover_pop[fresh].sum())

    def add(self, pair: int) -> None:
        app = int(self.prep.pair_app[pair])
        lo, hi = self.indptr[pair], self.indptr[pair + 1]
        self.activity[self.indices[lo:hi]] += self.data[lo:hi]
        self.taken[app] = True
        self.counts[self.cover_indices[self.cover_indptr[app] : self.cover_indptr[app + 1]]] += 1
        self.chosen.append(pair)
