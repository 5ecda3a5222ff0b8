"""Validation and preparation of a :class:`SelectionProblem` into arrays.

Everything downstream (MIP, baselines, reasons) works on a :class:`Prepared`
instance: applications in canonical order (sorted by id, so that the input
order never matters), the eligible (application, envelope) *pairs* that are the
decision columns, one sparse matrix ``rows`` holding every user constraint as a
linear row over pairs, and the coverage incidence matrix (uncovered reachable
target communes x applications).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from tierslieux.core.i18n import gettext as _
from tierslieux.core.i18n import ngettext
from tierslieux.geo.spherical import km_to_chord, lonlat_to_xyz

from .model import Application, SelectionProblem
from .text import fr_euros, fr_int, plural_number

TOL = 1e-6


@dataclass(frozen=True)
class Row:
    """One linear user constraint over pair columns: ``activity <= limit`` (max) or ``>= limit`` (min)."""

    key: str
    group: str
    """Rows sharing a group are relaxed / reported together (all EPCI rows form one group)."""
    kind: str
    sense: Literal["max", "min"]
    limit: float
    label: str
    subject: str
    money: bool = False


@dataclass
class Prepared:
    apps: list[Application]
    ids: list[str]
    score: np.ndarray
    total: np.ndarray
    yearly: np.ndarray
    env_codes: list[str]
    env_labels: list[str]
    pair_app: np.ndarray
    pair_env: np.ndarray
    rows: list[Row]
    matrix: sp.csr_matrix
    """Coefficients of the user constraints, shape (len(rows), n_pairs)."""
    lower: np.ndarray
    upper: np.ndarray
    cover: sp.csr_matrix
    """Uncovered reachable target communes x applications (1 when within the radius)."""
    cover_pop: np.ndarray
    weight: float
    """Objective points per newly covered inhabitant (λ / 10,000)."""
    target_population: int
    already_covered_population: int
    unusable: dict[int, tuple[str, str]]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cache: dict[str, object] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_app)

    def pairs_to_apps(self) -> sp.csr_matrix:
        """Matrix (n applications x n pairs) with a 1 where the pair belongs to the application."""
        n_pairs = self.n_pairs
        return sp.csr_matrix((np.ones(n_pairs), (self.pair_app, np.arange(n_pairs))), shape=(self.n, n_pairs))

    def csc(self) -> sp.csc_matrix:
        if "csc" not in self.cache:
            self.cache["csc"] = self.matrix.tocsc()
        return self.cache["csc"]

    def reduced_cover(self) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
        """Exact reduction of the coverage part of the model.

        Communes reachable from one application only become a bonus on that
        application's objective coefficient (y[c] = x[i] at the optimum), and
        communes with the same set of reachable applications are merged (their
        populations add up). Returns (merged incidence, merged populations,
        bonus population per application).
        """
        if "reduced_cover" not in self.cache:
            cover = self.cover.tocsr()
            bonus = np.zeros(self.n)
            groups: dict[bytes, int] = {}
            rows: list[np.ndarray] = []
            pops: list[float] = []
            for c in range(cover.shape[0]):
                apps = cover.indices[cover.indptr[c] : cover.indptr[c + 1]]
                if len(apps) == 1:
                    bonus[apps[0]] += self.cover_pop[c]
                    continue
                key = np.sort(apps).tobytes()
                if key in groups:
                    pops[groups[key]] += self.cover_pop[c]
                else:
                    groups[key] = len(rows)
                    rows.append(np.sort(apps))
                    pops.append(float(self.cover_pop[c]))
            indptr = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
            indices = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
            merged = sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), self.n))
            self.cache["reduced_cover"] = (merged, np.asarray(pops), bonus)
        return self.cache["reduced_cover"]  # type: ignore[return-value]

    def reference_amount(self) -> float:
        usable = self.total[np.unique(self.pair_app)] if self.n_pairs else self.total
        return float(np.median(usable)) if usable.size and np.median(usable) > 0 else 1.0


def _finite(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _validate(problem: SelectionProblem) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    for app in problem.applications:
        if app.id in seen:
            errors.append(_("identifiant de candidature en double : « %(id)s »") % {"id": app.id})
        seen.add(app.id)
        if not _finite(app.score) or app.score < 0:
            errors.append(
                _("candidature « %(id)s » : note invalide (%(score)s), attendue positive ou nulle")
                % {"id": app.id, "score": repr(app.score)}
            )
        if any(not _finite(a) or a < 0 for a in app.yearly_amounts):
            errors.append(
                _("candidature « %(id)s » : montants annuels invalides (%(amounts)s)")
                % {"id": app.id, "amounts": repr(list(app.yearly_amounts))}
            )
    codes = [e.code for e in problem.envelopes]
    if len(set(codes)) != len(codes):
        errors.append(_("code d'enveloppe en double"))
    for env in problem.envelopes:
        if env.max_laureates is not None and env.max_laureates < 0:
            errors.append(
                _("enveloppe « %(code)s » : nombre maximal de lauréats négatif") % {"code": env.code}
            )
        if env.max_budget is not None and (not _finite(env.max_budget) or env.max_budget < 0):
            errors.append(_("enveloppe « %(code)s » : budget invalide") % {"code": env.code})
    budgets = [problem.total_budget]
    yearly = problem.yearly_budget
    budgets += list(yearly) if isinstance(yearly, list | tuple) else [yearly]  # type: ignore[list-item]
    if any(b is not None and (not _finite(b) or b < 0) for b in budgets):
        errors.append(_("budget total ou annuel invalide (attendu un montant positif)"))
    if problem.max_laureates is not None and problem.max_laureates < 0:
        errors.append(_("nombre maximal de lauréats négatif"))
    balance = problem.balance
    for quota in balance.quotas:
        if quota.scope not in ("region", "department"):
            errors.append(
                _("quota : portée inconnue « %(scope)s » (attendu region ou department)")
                % {"scope": quota.scope}
            )
        if quota.minimum < 0 or (quota.maximum is not None and quota.maximum < 0):
            errors.append(
                _("quota %(scope)s %(code)s : bornes négatives") % {"scope": quota.scope, "code": quota.code}
            )
    for cap in (balance.max_per_region, balance.max_per_department):
        if cap is not None and cap < 0:
            errors.append(_("plafond par région ou par département négatif"))
    coverage = problem.coverage
    if not _finite(coverage.radius_km) or coverage.radius_km <= 0:
        errors.append(
            _("rayon de couverture invalide (%(radius)s km)") % {"radius": repr(coverage.radius_km)}
        )
    if not _finite(coverage.points_per_10k) or coverage.points_per_10k < 0:
        errors.append(
            _("poids de la couverture invalide (%(weight)s)") % {"weight": repr(coverage.points_per_10k)}
        )
    if any(not _finite(t.population) or t.population < 0 for t in coverage.targets):
        errors.append(_("population de commune cible invalide"))
    return errors


def _yearly_limits(problem: SelectionProblem, n_years: int) -> np.ndarray:
    limits = np.full(n_years, np.inf)
    yearly = problem.yearly_budget
    if yearly is None:
        return limits
    if isinstance(yearly, int | float):
        limits[:] = float(yearly)
        return limits
    values = [float(v) for v in yearly][:n_years]
    limits[: len(values)] = values
    return limits


def _territory(scope: str, code: str, labels: dict[tuple[str, str], str]) -> str:
    if labels.get((scope, code)):
        return labels[(scope, code)]
    texts = {
        "region": _("la région %(code)s"),
        "department": _("le département %(code)s"),
        "epci": _("l'EPCI %(code)s"),
    }
    return texts[scope] % {"code": code}


class _RowBuilder:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []

    def add(self, row: Row, cols: np.ndarray, vals: np.ndarray) -> None:
        self.rows.append(row)
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.asarray(vals, dtype=np.float64))

    def matrix(self, n_pairs: int) -> sp.csr_matrix:
        indptr = np.concatenate([[0], np.cumsum([len(c) for c in self.cols])]).astype(np.int64)
        indices = np.concatenate(self.cols) if self.cols else np.zeros(0, dtype=np.int64)
        data = np.concatenate(self.vals) if self.vals else np.zeros(0)
        return sp.csr_matrix((data, indices, indptr), shape=(len(self.rows), n_pairs))


def _eligible_pairs(
    prep_apps: list[Application],
    total: np.ndarray,
    yearly: np.ndarray,
    problem: SelectionProblem,
    yearly_limits: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, dict[int, tuple[str, str]]]:
    envs = list(problem.envelopes)
    env_index = {e.code: k for k, e in enumerate(envs)}
    total_budget = math.inf if problem.total_budget is None else float(problem.total_budget)
    pair_app: list[int] = []
    pair_env: list[int] = []
    unusable: dict[int, tuple[str, str]] = {}
    for i, app in enumerate(prep_apps):
        known = sorted({env_index[c] for c in app.envelopes if c in env_index})
        open_envs = [k for k in known if envs[k].max_laureates != 0]
        if not open_envs:
            asked = ", ".join(f"« {c} »" for c in app.envelopes)
            unusable[i] = (
                "ineligible",
                _("non éligible à une enveloppe ouverte (enveloppes visées : %(envelopes)s)")
                % {"envelopes": asked}
                if asked
                else _("non éligible à une enveloppe ouverte (enveloppes visées : aucune)"),
            )
            continue
        too_much = []
        for t in np.flatnonzero(yearly[i] > yearly_limits + TOL):
            too_much.append(
                _(
                    "montant demandé pour l'année %(year)s (%(amount)s) supérieur au budget annuel (%(budget)s)"
                )
                % {"year": t + 1, "amount": fr_euros(yearly[i, t]), "budget": fr_euros(yearly_limits[t])}
            )
        if total[i] > total_budget + TOL:
            too_much.append(
                _("montant demandé (%(amount)s) supérieur au budget total (%(budget)s)")
                % {"amount": fr_euros(total[i]), "budget": fr_euros(total_budget)}
            )
        fitting = [k for k in open_envs if (cap := envs[k].max_budget) is None or total[i] <= cap + TOL]
        if not fitting and not too_much:
            budgets = ", ".join(
                f"« {envs[k].label or envs[k].code} » {fr_euros(envs[k].max_budget or 0)}" for k in open_envs
            )
            too_much.append(
                _("montant demandé (%(amount)s) supérieur au budget de l'enveloppe (%(budgets)s)")
                % {"amount": fr_euros(total[i]), "budgets": budgets}
            )
        if too_much:
            unusable[i] = ("amount", " ; ".join(too_much))
            continue
        pair_app += [i] * len(fitting)
        pair_env += fitting
    return np.asarray(pair_app, dtype=np.int64), np.asarray(pair_env, dtype=np.int64), unusable


def _build_rows(
    problem: SelectionProblem,
    apps: list[Application],
    pair_app: np.ndarray,
    pair_env: np.ndarray,
    total: np.ndarray,
    yearly: np.ndarray,
    yearly_limits: np.ndarray,
) -> _RowBuilder:
    builder = _RowBuilder()
    all_pairs = np.arange(len(pair_app))
    for k, env in enumerate(problem.envelopes):
        name = env.label or env.code
        cols = all_pairs[pair_env == k]
        if env.max_laureates is not None and env.max_laureates < len(cols):
            label = ngettext(
                "enveloppe « %(name)s » : %(count)s lauréat au plus",
                "enveloppe « %(name)s » : %(count)s lauréats au plus",
                plural_number(env.max_laureates),
            ) % {"name": name, "count": fr_int(env.max_laureates)}
            row = Row(
                f"envelope_count:{env.code}",
                f"envelope_count:{env.code}",
                "envelope_count",
                "max",
                float(env.max_laureates),
                label,
                name,
            )
            builder.add(row, cols, np.ones(len(cols)))
        if env.max_budget is not None and total[pair_app[cols]].sum() > env.max_budget + TOL:
            label = _("budget de l'enveloppe « %(name)s » (%(budget)s)") % {
                "name": name,
                "budget": fr_euros(env.max_budget),
            }
            row = Row(
                f"envelope_budget:{env.code}",
                f"envelope_budget:{env.code}",
                "envelope_budget",
                "max",
                float(env.max_budget),
                label,
                name,
                money=True,
            )
            builder.add(row, cols, total[pair_app[cols]])
    if problem.total_budget is not None and total[pair_app].sum() > problem.total_budget + TOL:
        label = _("budget total (%(budget)s)") % {"budget": fr_euros(problem.total_budget)}
        row = Row(
            "total_budget",
            "total_budget",
            "total_budget",
            "max",
            float(problem.total_budget),
            label,
            _("budget total"),
            money=True,
        )
        builder.add(row, all_pairs, total[pair_app])
    for t, limit in enumerate(yearly_limits):
        if math.isfinite(limit) and yearly[pair_app, t].sum() > limit + TOL:
            label = _("budget de l'année %(year)s (%(budget)s)") % {"year": t + 1, "budget": fr_euros(limit)}
            row = Row(
                f"yearly_budget:{t + 1}",
                f"yearly_budget:{t + 1}",
                "yearly_budget",
                "max",
                float(limit),
                label,
                _("budget de l'année %(year)s") % {"year": t + 1},
                money=True,
            )
            builder.add(row, all_pairs, yearly[pair_app, t])
    if problem.max_laureates is not None:
        label = _("nombre total de lauréats (%(count)s au plus)") % {"count": problem.max_laureates}
        row = Row(
            "max_laureates",
            "max_laureates",
            "max_laureates",
            "max",
            float(problem.max_laureates),
            label,
            _("lauréats"),
        )
        builder.add(row, all_pairs, np.ones(len(all_pairs)))
    _build_balance_rows(builder, problem, apps, pair_app)
    return builder


def _build_balance_rows(
    builder: _RowBuilder, problem: SelectionProblem, apps: list[Application], pair_app: np.ndarray
) -> None:
    balance = problem.balance
    labels: dict[tuple[str, str], str] = {(q.scope, q.code): q.label for q in balance.quotas if q.label}
    for scope in ("region", "department"):
        codes = np.asarray([getattr(a, scope) for a in apps], dtype=object)
        bounds: dict[str, list[float]] = {}
        cap = balance.max_per_region if scope == "region" else balance.max_per_department
        for code in sorted({c for c in codes if c}):
            bounds[code] = [0.0, math.inf if cap is None else float(cap)]
        for quota in balance.quotas:
            if quota.scope == scope:
                low, high = bounds.setdefault(quota.code, [0.0, math.inf if cap is None else float(cap)])
                high = high if quota.maximum is None else min(high, float(quota.maximum))
                bounds[quota.code] = [max(low, float(quota.minimum)), high]
        if scope == "department":
            for code in balance.required_departments:
                low, high = bounds.setdefault(code, [0.0, math.inf if cap is None else float(cap)])
                bounds[code] = [max(low, 1.0), high]
        pair_codes = codes[pair_app] if len(pair_app) else np.zeros(0, dtype=object)
        for code in sorted(bounds):
            low, high = bounds[code]
            cols = np.flatnonzero(pair_codes == code)
            where = _territory(scope, code, labels)
            n_apps = len(np.unique(pair_app[cols]))
            if math.isfinite(high) and high < n_apps:
                row = Row(
                    f"quota_max:{scope}:{code}",
                    f"quota_max:{scope}:{code}",
                    "quota_max",
                    "max",
                    high,
                    ngettext(
                        "au plus %(count)s lauréat dans %(where)s",
                        "au plus %(count)s lauréats dans %(where)s",
                        plural_number(int(high)),
                    )
                    % {"count": fr_int(int(high)), "where": where},
                    where,
                )
                builder.add(row, cols, np.ones(len(cols)))
            if low > 0:
                row = Row(
                    f"quota_min:{scope}:{code}",
                    f"quota_min:{scope}:{code}",
                    "quota_min",
                    "min",
                    low,
                    ngettext(
                        "au moins %(count)s lauréat dans %(where)s",
                        "au moins %(count)s lauréats dans %(where)s",
                        plural_number(int(low)),
                    )
                    % {"count": fr_int(int(low)), "where": where},
                    where,
                )
                builder.add(row, cols, np.ones(len(cols)))
    if balance.one_per_epci:
        codes = np.asarray([a.epci for a in apps], dtype=object)
        pair_codes = codes[pair_app] if len(pair_app) else np.zeros(0, dtype=object)
        for code in sorted({c for c in codes if c}):
            cols = np.flatnonzero(pair_codes == code)
            if len(np.unique(pair_app[cols])) > 1:
                row = Row(
                    f"epci:{code}",
                    "epci",
                    "epci",
                    "max",
                    1.0,
                    _("une seule candidature retenue par EPCI"),
                    _("l'EPCI %(code)s") % {"code": code},
                )
                builder.add(row, cols, np.ones(len(cols)))


def _coverage(
    problem: SelectionProblem, apps: list[Application], usable: np.ndarray, warnings: list[str]
) -> tuple[sp.csr_matrix, np.ndarray, int, int]:
    coverage = problem.coverage
    targets = sorted(coverage.targets, key=lambda t: t.code)
    n = len(apps)
    t_lon = np.asarray([t.lon for t in targets], dtype=float)
    t_lat = np.asarray([t.lat for t in targets], dtype=float)
    t_pop = np.asarray([t.population for t in targets], dtype=float)
    ok = np.isfinite(t_lon) & np.isfinite(t_lat) & (t_pop > 0)
    if (~(np.isfinite(t_lon) & np.isfinite(t_lat))).any():
        unplaced = int((~np.isfinite(t_lon + t_lat)).sum())
        warnings.append(
            ngettext(
                "%(count)s commune cible sans coordonnées ignorée",
                "%(count)s communes cibles sans coordonnées ignorées",
                plural_number(unplaced),
            )
            % {"count": fr_int(unplaced)}
        )
    target_population = int(t_pop[ok].sum())
    empty = sp.csr_matrix((0, n))
    if not ok.any() or not usable.any():
        return empty, np.zeros(0), target_population, 0
    chord = km_to_chord(coverage.radius_km)
    t_xyz = lonlat_to_xyz(t_lon[ok], t_lat[ok])
    t_pop = t_pop[ok]
    covered = np.zeros(len(t_pop), dtype=bool)
    e_lon = np.asarray([p.lon for p in coverage.existing], dtype=float)
    e_lat = np.asarray([p.lat for p in coverage.existing], dtype=float)
    e_ok = np.isfinite(e_lon) & np.isfinite(e_lat)
    if e_ok.any():
        dist, _ = cKDTree(lonlat_to_xyz(e_lon[e_ok], e_lat[e_ok])).query(
            t_xyz, k=1, distance_upper_bound=chord
        )
        covered = np.isfinite(dist)
    already = int(t_pop[covered].sum())
    a_lon = np.asarray([a.lon for a in apps], dtype=float)
    a_lat = np.asarray([a.lat for a in apps], dtype=float)
    located = np.isfinite(a_lon) & np.isfinite(a_lat)
    missing = int((usable & ~located).sum())
    if missing:
        warnings.append(
            ngettext(
                "%(count)s candidature sans coordonnées : aucune couverture comptée",
                "%(count)s candidatures sans coordonnées : aucune couverture comptée",
                plural_number(missing),
            )
            % {"count": fr_int(missing)}
        )
    idx = np.flatnonzero(usable & located)
    open_targets = np.flatnonzero(~covered)
    if not idx.size or not open_targets.size:
        return empty, np.zeros(0), target_population, already
    app_tree = cKDTree(lonlat_to_xyz(a_lon[idx], a_lat[idx]))
    pairs = cKDTree(t_xyz[open_targets]).sparse_distance_matrix(app_tree, chord, output_type="ndarray")
    rows_t = pairs["i"].astype(np.int64)
    reach = np.unique(rows_t)
    remap = np.full(len(open_targets), -1, dtype=np.int64)
    remap[reach] = np.arange(len(reach))
    cover = sp.csr_matrix(
        (np.ones(len(rows_t)), (remap[rows_t], idx[pairs["j"].astype(np.int64)])), shape=(len(reach), n)
    )
    cover.sum_duplicates()
    cover.data[:] = 1.0
    return cover, t_pop[open_targets[reach]], target_population, already


def prepare(problem: SelectionProblem) -> Prepared:
    errors = _validate(problem)
    apps = sorted(problem.applications, key=lambda a: a.id)
    n = len(apps)
    n_years = max([len(a.yearly_amounts) for a in apps] + [1])
    yearly = np.zeros((n, n_years))
    for i, app in enumerate(apps):
        amounts = [float(a) if _finite(a) else 0.0 for a in app.yearly_amounts]
        yearly[i, : len(amounts)] = amounts
    total = yearly.sum(axis=1)
    score = np.asarray([float(a.score) if _finite(a.score) else 0.0 for a in apps])
    warnings: list[str] = []
    empty_prep = Prepared(
        apps,
        [a.id for a in apps],
        score,
        total,
        yearly,
        [],
        [],
        np.zeros(0, np.int64),
        np.zeros(0, np.int64),
        [],
        sp.csr_matrix((0, 0)),
        np.zeros(0),
        np.zeros(0),
        sp.csr_matrix((0, n)),
        np.zeros(0),
        0.0,
        0,
        0,
        {},
        errors,
        warnings,
    )
    if errors:
        return empty_prep
    yearly_limits = _yearly_limits(problem, n_years)
    pair_app, pair_env, unusable = _eligible_pairs(apps, total, yearly, problem, yearly_limits)
    builder = _build_rows(problem, apps, pair_app, pair_env, total, yearly, yearly_limits)
    lower = np.asarray([r.limit if r.sense == "min" else -np.inf for r in builder.rows])
    upper = np.asarray([r.limit if r.sense == "max" else np.inf for r in builder.rows])
    usable = np.zeros(n, dtype=bool)
    usable[pair_app] = True
    cover, cover_pop, target_pop, already = _coverage(problem, apps, usable, warnings)
    return Prepared(
        apps=apps,
        ids=[a.id for a in apps],
        score=score,
        total=total,
        yearly=yearly,
        env_codes=[e.code for e in problem.envelopes],
        env_labels=[e.label or e.code for e in problem.envelopes],
        pair_app=pair_app,
        pair_env=pair_env,
        rows=builder.rows,
        matrix=builder.matrix(len(pair_app)),
        lower=lower,
        upper=upper,
        cover=cover,
        cover_pop=cover_pop,
        weight=float(problem.coverage.points_per_10k) / 10_000.0,
        target_population=target_pop,
        already_covered_population=already,
        unusable=unusable,
        errors=errors,
        warnings=warnings,
    )


__all__ = ["TOL", "Prepared", "Row", "fr_int", "prepare"]
