"""JSON round trip of the optimiser's dataclasses (plain Python, no Django).

`problem_to_json` / `problem_from_json` store the full `SelectionProblem` of a run so it can be replayed;
`result_to_json` stores a `SelectionResult` (with its derived figures: selection, gap in %, feasibility).
Non-finite floats become None (JSON and PostgreSQL refuse NaN), and back to NaN for coordinates.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from .optimiser import (
    Application,
    Balance,
    Coverage,
    Envelope,
    ExistingPlace,
    Quota,
    SelectionProblem,
    SelectionResult,
    SolverOptions,
    TargetCommune,
)


def _clean(value: Any) -> Any:
    """JSON-safe copy: tuples become lists, numpy scalars Python ones, non-finite floats None, keys strings."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def problem_to_json(problem: SelectionProblem) -> dict:
    return _clean(dataclasses.asdict(problem))


def problem_from_json(data: dict) -> SelectionProblem:
    balance = data.get("balance") or {}
    coverage = data.get("coverage") or {}
    yearly = data.get("yearly_budget")
    return SelectionProblem(
        applications=[
            Application(
                **{
                    **a,
                    "envelopes": tuple(a["envelopes"]),
                    "yearly_amounts": tuple(a["yearly_amounts"]),
                    "lon": _nan(a.get("lon")),
                    "lat": _nan(a.get("lat")),
                }
            )
            for a in data["applications"]
        ],
        envelopes=[Envelope(**e) for e in data["envelopes"]],
        total_budget=data.get("total_budget"),
        yearly_budget=tuple(yearly) if isinstance(yearly, list) else yearly,
        max_laureates=data.get("max_laureates"),
        balance=Balance(
            quotas=tuple(Quota(**q) for q in balance.get("quotas", ())),
            max_per_region=balance.get("max_per_region"),
            max_per_department=balance.get("max_per_department"),
            one_per_epci=bool(balance.get("one_per_epci")),
            required_departments=tuple(balance.get("required_departments", ())),
        ),
        coverage=Coverage(
            targets=tuple(TargetCommune(**t) for t in coverage.get("targets", ())),
            existing=tuple(ExistingPlace(**p) for p in coverage.get("existing", ())),
            radius_km=coverage.get("radius_km", 10.0),
            points_per_10k=coverage.get("points_per_10k", 0.1),
        ),
    )


def options_to_json(options: SolverOptions) -> dict:
    return _clean(dataclasses.asdict(options))


def options_from_json(data: dict) -> SolverOptions:
    names = {f.name for f in dataclasses.fields(SolverOptions)}
    return SolverOptions(**{k: v for k, v in data.items() if k in names})


def result_to_json(result: SelectionResult) -> dict:
    data = _clean(dataclasses.asdict(result))
    data["selected"] = list(result.selected)
    data["gap_pct"] = _clean(result.gap_pct)
    data["feasible"] = result.feasible
    data["binding_constraints"] = [c["label"] for c in data["constraints"] if c["binding"]]
    return data


def fingerprint(result: dict) -> dict:
    """What a replay must reproduce exactly: status, selection, objective split and every reason."""
    return {
        "status": result.get("status"),
        "assignment": result.get("assignment"),
        "objective": round(result.get("objective") or 0.0, 9),
        "score_total": round(result.get("score_total") or 0.0, 9),
        "newly_covered_population": result.get("newly_covered_population"),
        "reasons": {k: r.get("message") for k, r in (result.get("reasons") or {}).items()},
        "infeasibility": (result.get("infeasibility") or {}).get("summary"),
    }
