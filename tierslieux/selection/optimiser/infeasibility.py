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

from tierslieux.core.i18n import gettext as _
from tierslieux.core.i18n import ngettext

from .instance import TOL, Prepared
from .mip import build_and_solve
from .model import Infeasibility
from .text import fr_euros, fr_int, plural_number

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
            conflicts.append(_too_few_text(row.label, row.subject, len(apps)))
            continue
        epcis = len({epci_of[a] for a in apps})
        if epci_rows and epcis < need:
            conflicts.append(
                ngettext(
                    "« %(constraint)s » et « une seule candidature par EPCI » sont incompatibles : "
                    "dans %(where)s, les candidatures ne couvrent que %(count)s EPCI",
                    "« %(constraint)s » et « une seule candidature par EPCI » sont incompatibles : "
                    "dans %(where)s, les candidatures ne couvrent que %(count)s EPCI",
                    plural_number(epcis),
                )
                % {"constraint": row.label, "where": row.subject, "count": fr_int(epcis)}
            )
        reachable = sum(caps[k] for k in np.unique(prep.pair_env[np.isin(prep.pair_app, apps)]))
        if reachable < need:
            conflicts.append(
                _(
                    "« %(constraint)s » dépasse les places des enveloppes ouvertes à ces candidatures (%(seats)s)"
                )
                % {"constraint": row.label, "seats": fr_int(reachable)}
            )
        for other in prep.rows:
            if other.kind == "quota_max" and other.subject == row.subject and other.limit < row.limit:
                conflicts.append(
                    _("« %(constraint)s » contredit « %(other)s »")
                    % {"constraint": row.label, "other": other.label}
                )
    budget_rows = [
        (r, row) for r, row in enumerate(prep.rows) if row.kind in ("total_budget", "yearly_budget")
    ]
    for family, rows in sorted(by_family.items()):
        need = sum(int(prep.rows[r].limit) for r in rows)
        if need > seats:
            conflicts.append(_minimums_seats_text(family, need, int(seats)))
        for b, brow in budget_rows:
            column = (
                prep.total if brow.kind == "total_budget" else prep.yearly[:, int(brow.key.split(":")[1]) - 1]
            )
            cheapest = sum(
                float(np.sort(column[_row_apps(prep, r)])[: int(prep.rows[r].limit)].sum()) for r in rows
            )
            if cheapest > prep.upper[b] + TOL:
                conflicts.append(_minimums_budget_text(family, brow.label, cheapest))
    return conflicts


def _too_few_text(constraint: str, where: str, found: int) -> str:
    values = {"constraint": constraint, "where": where, "count": fr_int(found)}
    if not found:
        return _("« %(constraint)s » est impossible : aucune candidature éligible dans %(where)s") % values
    return (
        ngettext(
            "« %(constraint)s » est impossible : %(count)s candidature éligible dans %(where)s",
            "« %(constraint)s » est impossible : %(count)s candidatures éligibles dans %(where)s",
            plural_number(found),
        )
        % values
    )


def _minimums_seats_text(family: str, need: int, seats: int) -> str:
    """The minimums of one family (region or department) need more laureates than there are seats."""
    places = ngettext("%(count)s place", "%(count)s places", plural_number(seats)) % {"count": fr_int(seats)}
    values = {"count": fr_int(need), "places": places}
    if family == "department":
        text = ngettext(
            "les minimums par département demandent %(count)s lauréat pour %(places)s en tout",
            "les minimums par département demandent %(count)s lauréats pour %(places)s en tout",
            plural_number(need),
        )
    else:
        text = ngettext(
            "les minimums par région demandent %(count)s lauréat pour %(places)s en tout",
            "les minimums par région demandent %(count)s lauréats pour %(places)s en tout",
            plural_number(need),
        )
    return text % values


def _minimums_budget_text(family: str, budget: str, cheapest: float) -> str:
    """A budget cannot pay for the minimums of one family (region or department), even with the cheapest."""
    values = {"budget": budget, "amount": fr_euros(cheapest)}
    if family == "department":
        return (
            _(
                "le %(budget)s ne suffit pas à financer les minimums par département "
                "(au moins %(amount)s avec les dossiers les moins chers)"
            )
            % values
        )
    return (
        _(
            "le %(budget)s ne suffit pas à financer les minimums par région "
            "(au moins %(amount)s avec les dossiers les moins chers)"
        )
        % values
    )


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
    if row.money:
        values = {"constraint": row.label, "amount": fr_euros(amount)}
        if row.sense == "max":
            return _("%(constraint)s : dépasser de %(amount)s") % values
        return _("%(constraint)s : accepter %(amount)s de moins") % values
    count = round(amount)
    values = {"constraint": row.label, "count": fr_int(count)}
    if row.sense == "max":
        return (
            ngettext(
                "%(constraint)s : dépasser de %(count)s lauréat",
                "%(constraint)s : dépasser de %(count)s lauréats",
                plural_number(count),
            )
            % values
        )
    return (
        ngettext(
            "%(constraint)s : accepter %(count)s lauréat de moins",
            "%(constraint)s : accepter %(count)s lauréats de moins",
            plural_number(count),
        )
        % values
    )


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
        summary = _("Aucune sélection ne respecte les règles de base (une enveloppe par candidature).")
    elif complete:
        summary = _("Ces contraintes ne peuvent pas être respectées ensemble : %(constraints)s.") % {
            "constraints": " ; ".join(labels)
        }
    else:
        summary = _(
            "Ces contraintes ne peuvent pas être respectées ensemble "
            "(liste non réduite au minimum faute de temps) : %(constraints)s."
        ) % {"constraints": " ; ".join(labels)}
    if relaxations:
        summary += " " + _("Il suffirait par exemple de : %(relaxations)s.") % {
            "relaxations": " ; ".join(relaxations)
        }
    return Infeasibility(summary, tuple(labels), tuple(relaxations))
