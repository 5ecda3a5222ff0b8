"""Public data model of the selection optimiser: plain dataclasses, no Django.

Inputs describe one wave of the call for applications (applications, envelopes,
budgets, balance rules, coverage objective); outputs describe a proposed
selection and everything a committee needs to challenge it (objective split,
optimality gap, binding constraints, a French reason for every application left
out, or a French explanation of why the settings are infeasible).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

DEFAULT_RADIUS_KM = 10.0
"""A target commune is reachable from a place within this great-circle distance."""

DEFAULT_POINTS_PER_10K = 0.1
"""Default λ: 0.1 point per 10,000 newly covered inhabitants (one point per 100,000), see docs/selection.md."""

Scope = Literal["region", "department"]
Method = Literal["optimiser", "rank_by_score", "greedy", "manual"]
Status = Literal["optimal", "time_limit", "heuristic", "infeasible", "invalid", "error"]


@dataclass(frozen=True)
class Application:
    """One application (dossier de candidature)."""

    id: str
    score: float
    """Weighted review score (typically 0-5); must be finite and non-negative."""
    envelopes: Sequence[str]
    """Codes of the envelopes this application is eligible for."""
    yearly_amounts: Sequence[float]
    """Requested amount per year, in euros (e.g. three amounts of at most 50,000)."""
    commune: str = ""
    lon: float = math.nan
    lat: float = math.nan
    region: str = ""
    department: str = ""
    epci: str = ""
    label: str = ""

    @property
    def total_amount(self) -> float:
        return float(sum(self.yearly_amounts))


@dataclass(frozen=True)
class Envelope:
    """A funding envelope: at most ``max_laureates`` laureates and/or ``max_budget`` euros (all years)."""

    code: str
    label: str = ""
    max_laureates: int | None = None
    max_budget: float | None = None


@dataclass(frozen=True)
class Quota:
    """At least ``minimum`` / at most ``maximum`` laureates in one region or department."""

    scope: Scope
    code: str
    minimum: int = 0
    maximum: int | None = None
    label: str = ""


@dataclass(frozen=True)
class Balance:
    """Territorial balance rules (all optional)."""

    quotas: Sequence[Quota] = ()
    max_per_region: int | None = None
    max_per_department: int | None = None
    one_per_epci: bool = False
    required_departments: Sequence[str] = ()
    """At least one laureate in each of these departments (e.g. those without any labelled place)."""


@dataclass(frozen=True)
class TargetCommune:
    code: str
    lon: float
    lat: float
    population: int


@dataclass(frozen=True)
class ExistingPlace:
    lon: float
    lat: float
    label: str = ""


@dataclass(frozen=True)
class Coverage:
    """Coverage objective.

    A target commune is *newly covered* when no existing place lies within
    ``radius_km`` of it and at least one selected application does.
    ``points_per_10k`` (λ) is the number of review points one is ready to give up
    to bring 10,000 more inhabitants within reach of a place.
    """

    targets: Sequence[TargetCommune] = ()
    existing: Sequence[ExistingPlace] = ()
    radius_km: float = DEFAULT_RADIUS_KM
    points_per_10k: float = DEFAULT_POINTS_PER_10K


@dataclass(frozen=True)
class SelectionProblem:
    applications: Sequence[Application]
    envelopes: Sequence[Envelope]
    total_budget: float | None = None
    """Euros over all years and all envelopes."""
    yearly_budget: float | Sequence[float] | None = None
    """Euros per year: one figure for every year, or one figure per year (year 1, 2, …)."""
    max_laureates: int | None = None
    balance: Balance = field(default_factory=Balance)
    coverage: Coverage = field(default_factory=Coverage)


@dataclass(frozen=True)
class SolverOptions:
    time_limit_s: float = 60.0
    mip_rel_gap: float = 1e-4
    """Relative optimality gap at which HiGHS stops (1e-4 = 0.01 %)."""
    threads: int | None = None
    exact_reasons: int = 5
    """How many of the best-scored applications left out get an exact re-solve with them forced in."""
    exact_reasons_max_pairs: int = 5000
    """Re-solves only when the model is small enough (at most this many application-envelope pairs)."""
    reason_node_limit: int = 2000
    """Branch-and-bound node limit of each such re-solve (a work limit, so results stay deterministic)."""
    reason_time_limit_s: float = 10.0
    """Safety time limit of each re-solve."""
    explain_infeasibility: bool = True
    warm_start: bool = True
    """Give HiGHS a starting solution (greedy + local search + restricted MIP on promising applications)."""
    pool_node_limit: int = 200
    """Node limit of the restricted MIP that builds the starting solution (deterministic work limit)."""


@dataclass(frozen=True)
class ConstraintStatus:
    key: str
    """Stable machine key, e.g. ``envelope_count:QPV`` or ``quota_min:department:23``."""
    label: str
    """French label."""
    sense: Literal["max", "min"]
    used: float
    limit: float
    binding: bool
    """True when the constraint is at its limit or keeps at least one application out."""


@dataclass(frozen=True)
class Reason:
    """Why an application is not in the selection (French ``message``)."""

    application_id: str
    code: Literal["ineligible", "amount", "outranked", "incompatible", "addable", "infeasible_problem"]
    message: str
    cost: float | None = None
    """Objective points lost by taking it (best known way); negative = it would improve the objective."""
    exact: bool = False
    """True when ``cost`` comes from a re-solve with the application forced in, proven optimal."""
    swap_with: tuple[str, ...] = ()
    blocking: tuple[str, ...] = ()
    """Keys of the constraints that prevent simply adding it."""


@dataclass(frozen=True)
class Infeasibility:
    summary: str
    conflicts: tuple[str, ...]
    """French labels of a set of constraints that cannot hold together."""
    relaxations: tuple[str, ...] = ()
    """French suggestions: the smallest relaxation found that makes the problem feasible."""


@dataclass(frozen=True)
class SelectionResult:
    method: Method
    status: Status
    status_label: str
    assignment: Mapping[str, str]
    """Selected application id -> envelope code, sorted by id."""
    objective: float = 0.0
    score_total: float = 0.0
    coverage_points: float = 0.0
    newly_covered_population: int = 0
    newly_covered_communes: int = 0
    already_covered_population: int = 0
    target_population: int = 0
    total_amount: float = 0.0
    gap: float | None = None
    """Proven relative optimality gap (0.0001 = 0.01 %); None for heuristics."""
    dual_bound: float | None = None
    solver: str = ""
    solve_time_s: float = 0.0
    run_time_s: float = 0.0
    constraints: tuple[ConstraintStatus, ...] = ()
    reasons: Mapping[str, Reason] = field(default_factory=dict)
    infeasibility: Infeasibility | None = None
    violations: tuple[str, ...] = ()
    """French descriptions of constraints a heuristic could not respect."""
    messages: tuple[str, ...] = ()

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(self.assignment)

    @property
    def feasible(self) -> bool:
        return self.status in ("optimal", "time_limit", "heuristic") and not self.violations

    @property
    def gap_pct(self) -> float | None:
        return None if self.gap is None else 100.0 * self.gap

    @property
    def binding_constraints(self) -> tuple[ConstraintStatus, ...]:
        return tuple(c for c in self.constraints if c.binding)
