"""French explanations of infeasible settings.

Two layers: cheap pre-checks that prove the obvious conflicts (a minimum with
too few candidates, a minimum above a maximum, minimums above the number of
seats, minimums the budget cannot pay for), then, when HiGHS proves the model
infeasible, an elastic model (every user constraint gets a penalised slack,
counted in laureates or in "typical application amounts") that tells by how much
to relax what, followed by a deletion filter over constraint groups that names
an irreducible set of conflicting constraints.
"""

from __future__ import annotations

import math
from time import perf_counter

import numpy as np

from .instance import TOL, Prepared
from .mip import build_and_solve
from .model import Infeasibility
from .text import fr_euros, fr_int, plural

MAX_FILTER_SOLVES = 60


def _min_rows(prep: Prepared) -> list[int]:
    return [r for r, row in enumerate(prep.rows) if row.sense == "min"]


def _row_apps(prep: Prepared, r: int) -> np.ndarray:
    cols = prep.matrix.indices[prep.matrix.indptr[r] : prep.matrix.indptr[r + 1]]
    return np.unique(prep.pair_app[cols])


def _envelope_caps(prep: Prepared) -> dict[int, float]:
    caps = {k: math.inf for k in range(len(prep.env_codes))}
    for row in prep.rows:
        if row.kind == "envelope_count":
            caps[prep.env_codes.index(row.key.split(":", 1)[1])] = row.limit
    return caps


def precheck(prep: Prepared) -> list[str]:
    """Provable conflicts found without solving anything (French sentences)."""
    conflicts: list[str] = []
    caps = _envelope_caps(prep)
    seats = sum(caps.values())
    for row in prep.rows:
        if row.kind == "max_laureates":
            seats = min(seats, row.limit)
    epci_rows = [r for r, row in enumerate(prep.rows) if row.group == "epci"]
    epci_of = {a: prep.apps[a].epci or f"#{a}" for a in range(prep.n)}
    by_family: dict[str, list[int]] = {}
    for r in _min_rows(prep):
        row = prep.rows[r]
        apps = _row_apps(prep, r)
        need = int(row.limit)
        by_family.setdefault(row.key.split(":")[1], []).append(r)
        if len(apps) < need:
            found = (
                "aucune candidature éligible" if not len(apps) else plural(len(apps), "candidature éligible")
            )
            conflicts.append(f"« {row.label} » est impossible : {found} dans {row.subject}")
            continue
        if epci_rows and len({epci_of[a] for a in apps}) < need:
            conflicts.append(
                f"« {row.label} » et « une seule candidature par EPCI » sont incompatibles : "
                f"les candidatures de {row.subject} ne couvrent que "
                f"{plural(len({epci_of[a] for a in apps}), 'EPCI')}"
            )
        reachable = sum(caps[k] for k in np.unique(prep.pair_env[np.isin(prep.pair_app, apps)]))
        if reachable < need:
            conflicts.append(
                f"« {row.label} » dépasse les places des enveloppes ouvertes à ces candidatures "
                f"({fr_int(reachable)})"
            )
        for other in prep.rows:
            if other.kind == "quota_max" and other.subject == row.subject and other.limit < row.limit:
                conflicts.append(f"« {row.label} » contredit « {other.label} »")
    budget_rows = [
        (r, row) for r, row in enumerate(prep.rows) if row.kind in ("total_budget", "yearly_budget")
    ]
    for family, rows in sorted(by_family.items()):
        need = sum(int(prep.rows[r].limit) for r in rows)
        if need > seats:
            conflicts.append(
                f"les minimums par {_family_word(family)} demandent {plural(need, 'lauréat')} "
                f"pour {plural(int(seats), 'place')} en tout"
            )
        for b, brow in budget_rows:
            column = (
                prep.total if brow.kind == "total_budget" else prep.yearly[:, int(brow.key.split(":")[1]) - 1]
            )
            cheapest = sum(
                float(np.sort(column[_row_apps(prep, r)])[: int(prep.rows[r].limit)].sum()) for r in rows
            )
            if cheapest > prep.upper[b] + TOL:
                conflicts.append(
                    f"le {brow.label} ne suffit pas à financer les minimums par {_family_word(family)} "
                    f"(au moins {fr_euros(cheapest)} avec les dossiers les moins chers)"
                )
    return conflicts


def _family_word(family: str) -> str:
    return {"region": "région", "department": "département"}.get(family, family)


def _groups_mask(prep: Prepared, groups: set[str]) -> np.ndarray:
    return np.asarray([row.group in groups for row in prep.rows], dtype=bool)


def _is_infeasible(prep: Prepared, groups: set[str], time_limit_s: float) -> bool | None:
    outcome = build_and_solve(
        prep,
        feasibility_only=True,
        keep_rows=_groups_mask(prep, groups),
        time_limit_s=time_limit_s,
        node_limit=5000,
    )
    if outcome.status == "infeasible":
        return True
    return False if outcome.chosen is not None else None


def _relaxation_text(prep: Prepared, r: int, amount: float) -> str:
    row = prep.rows[r]
    quantity = fr_euros(amount) if row.money else plural(round(amount), "lauréat")
    if row.sense == "max":
        return f"{row.label} : dépasser de {quantity}"
    return f"{row.label} : accepter {quantity} de moins"


def explain_infeasibility(prep: Prepared, time_limit_s: float = 30.0) -> Infeasibility:
    """Elastic relaxation (what to relax, by how much) and deletion filter (which constraints conflict).

    Every auxiliary solve is node-limited (deterministic); the whole analysis also stops at
    ``time_limit_s``, in which case the list of conflicting constraints may not be minimal (said so).
    """
    deadline = perf_counter() + time_limit_s
    elastic = build_and_solve(prep, elastic=True, time_limit_s=time_limit_s, node_limit=20000)
    relaxations: list[str] = []
    suspects: set[str] = set()
    if elastic.slack is not None and elastic.chosen is not None:
        activity = np.asarray(prep.matrix[:, elastic.chosen].sum(axis=1)).ravel()
        for r, amount in enumerate(elastic.slack):
            row = prep.rows[r]
            if amount > TOL:
                relaxations.append(_relaxation_text(prep, r, amount))
            if abs(activity[r] - row.limit) <= TOL or amount > TOL:
                suspects.add(row.group)
    current = {row.group for row in prep.rows}
    complete = True
    if (
        suspects
        and suspects != current
        and _is_infeasible(prep, suspects, max(deadline - perf_counter(), 1.0))
    ):
        current = set(suspects)
    for solves, group in enumerate(sorted(current)):
        if solves >= MAX_FILTER_SOLVES or perf_counter() > deadline:
            complete = False
            break
        if _is_infeasible(prep, current - {group}, max(deadline - perf_counter(), 1.0)):
            current.discard(group)
    labels = [next(row.label for row in prep.rows if row.group == group) for group in sorted(current)]
    if not labels:
        summary = "Aucune sélection ne respecte les règles de base (une enveloppe par candidature)."
    else:
        lead = "Ces contraintes ne peuvent pas être respectées ensemble"
        if not complete:
            lead += " (liste non réduite au minimum faute de temps)"
        summary = f"{lead} : " + " ; ".join(labels) + "."
    if relaxations:
        summary += " Il suffirait par exemple de : " + " ; ".join(relaxations) + "."
    return Infeasibility(summary, tuple(labels), tuple(relaxations))
