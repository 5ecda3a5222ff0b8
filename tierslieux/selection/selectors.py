"""Reads of the selection side: who may see and run scenarios, the runs of a wave, the optimiser input built
from a wave (applications under review, their weighted scores, eligible envelopes, amounts, territory), the
coverage targets and the existing labelled network.

Access policy (same as the call's back office, `tierslieux.calls.selectors`): programme staff and
administrators read the scenarios of every wave; only the call's team (and administrators) run, save, replay
and propose. Anyone else is refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tierslieux.accounts.roles import is_programme_staff
from tierslieux.calls import selectors as call_selectors
from tierslieux.calls.eligibility import DENSITY_LEVELS
from tierslieux.calls.facts import application_eligibility, requested_per_year
from tierslieux.calls.models import Application, Call, Decision, DecisionOutcome, Status, Wave
from tierslieux.calls.review import selectors as review_selectors
from tierslieux.geo.diagnostic.inputs import DEFAULT_FILTER, LABELLED_NETWORK, PlaceFilter
from tierslieux.geo.models import Commune
from tierslieux.places.models import Place, PlaceStatus
from tierslieux.places.selectors import fabrique_rows

from . import analysis
from .models import ProposedDecision, Run, RunStatus
from .optimiser import (
    DEFAULT_POINTS_PER_10K,
    DEFAULT_RADIUS_KM,
    Balance,
    Coverage,
    ExistingPlace,
    Quota,
    SelectionProblem,
    TargetCommune,
)
from .optimiser import (
    Application as Candidate,
)
from .optimiser import (
    Envelope as EnvelopeIn,
)

LARGE_URBAN = DENSITY_LEVELS[0]  # "Grands centres urbains"
TARGET_CHOICES = (
    ("eligibility", gettext_lazy("Communes de l’éligibilité de l’appel (par défaut)")),
    ("outside_large_urban", gettext_lazy("Communes hors « Grands centres urbains »")),
    ("all", gettext_lazy("Toutes les communes")),
)
DEFAULT_TIME_LIMIT_S = 30


# --- Access --------------------------------------------------------------------------------------------------
def can_use(user) -> bool:
    """Programme staff and administrators (anyone else is refused every selection page)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        call_selectors.is_admin(user) or is_programme_staff(user)
    )


def waves_readable_by(user) -> QuerySet[Wave]:
    if not can_use(user):
        return Wave.objects.none()
    return Wave.objects.filter(call__in=call_selectors.calls_readable_by(user)).select_related("call")


def runs_readable_by(user) -> QuerySet[Run]:
    return Run.objects.filter(wave__in=waves_readable_by(user)).select_related("wave__call", "created_by")


def can_write(user, wave: Wave) -> bool:
    return can_use(user) and call_selectors.can_manage_call(user, wave.call)


# The large JSON fields of a run, left unread by lists and status polling.
RUN_STORED_DATA = ("inputs", "context", "result", "baseline", "tradeoff")


def runs_of_wave(wave: Wave) -> QuerySet[Run]:
    return wave.selection_runs.select_related("created_by", "saved_by").defer(*RUN_STORED_DATA)


def proposals_of_wave(wave: Wave) -> list[ProposedDecision]:
    return list(
        ProposedDecision.objects.filter(application__wave=wave)
        .select_related("run", "application__place__commune", "envelope", "application__decision")
        .order_by("application__reference")
    )


def finished_runs_of_wave(wave: Wave) -> QuerySet[Run]:
    return runs_of_wave(wave).filter(status=RunStatus.DONE)


# --- Defaults of the parameter form ---------------------------------------------------------------------------
def candidates(
    wave: Wave,
) -> tuple[list[review_selectors.RankedApplication], dict[int, review_selectors.EnvelopeConsumption]]:
    """The wave's files under review (not yet decided), with their weighted score, by reference; and what the
    call's accepted decisions already consume of each envelope (computed once, by the ranking)."""
    rankings = review_selectors.wave_ranking(wave, statuses=(Status.IN_REVIEW,))
    entries = sorted(
        (entry for ranking in rankings for entry in ranking.applications),
        key=lambda e: e.application.reference,
    )
    consumption = {ranking.envelope.pk: ranking.consumption for ranking in rankings if ranking.envelope}
    return entries, consumption


def candidates_count(wave: Wave) -> int:
    return wave.applications.filter(status=Status.IN_REVIEW).count()


def _granted(call: Call) -> int:
    accepted = Decision.objects.filter(application__call=call, outcome=DecisionOutcome.ACCEPTED)
    return accepted.aggregate(total=Sum("granted_total"))["total"] or 0


def default_parameters(wave: Wave) -> dict:
    """The parameters the form starts from: the call's envelopes (seats left), budget left, eligibility."""
    call = wave.call
    consumption = review_selectors.envelope_consumption(call)
    envelopes = {}
    for envelope in call.envelopes.all():
        left = consumption[envelope.pk].laureates_left
        envelopes[envelope.code] = None if left is None else max(0, left)
    budget_left = max(0, call.total_budget - _granted(call)) if call.total_budget else None
    return {
        "points_per_10k": DEFAULT_POINTS_PER_10K,
        # The same R as the diagnostic's white zones: one definition of coverage (COVERAGE_WHITE_ZONE_KM).
        "radius_km": float(settings.COVERAGE_WHITE_ZONE_KM),
        "targets": "eligibility",
        "existing_network": "labelled",
        "max_laureates": wave.target_laureates,
        "total_budget": budget_left,
        "yearly_budget": None,
        "envelopes": envelopes,
        "min_per_region": None,
        "max_per_region": None,
        "min_per_department": None,
        "max_per_department": None,
        "one_per_epci": False,
        "unlabelled_departments": False,
        "time_limit_s": DEFAULT_TIME_LIMIT_S,
    }


# --- Optimiser input -----------------------------------------------------------------------------------------
def density_filter(call: Call, targets: str) -> tuple[set[str] | None, set[str]]:
    """(levels allowed or None for any, levels excluded) of the target communes."""
    if targets == "all":
        return None, set()
    if targets == "outside_large_urban":
        return None, {LARGE_URBAN}
    allowed: set[str] | None = None
    excluded: set[str] = set()
    found = False
    for rule in call.rules.all():
        levels = set((rule.params or {}).get("levels") or [])
        if rule.kind == "density_not_in":
            excluded |= levels
            found = True
        elif rule.kind == "density_in":
            allowed = levels if allowed is None else allowed & levels
            found = True
    if not found:
        excluded = {LARGE_URBAN}
    return allowed, excluded


# The existing network the optimiser counts as already covering a commune: chosen explicitly with each run, and
# expressed as the diagnostic's own PlaceFilter so that both pages count the same places ("coverage" is defined
# once: a commune is covered when a counted place lies within R km of its town hall, as the crow flies).
EXISTING_NETWORKS = (
    (
        "labelled",
        gettext_lazy(
            "Le réseau labellisé : lieux « Fabrique de territoire » ou « Fabrique numérique de territoire » "
            "non fermés (par défaut)"
        ),
    ),
    (
        "atlas",
        gettext_lazy("Tout l’atlas : les tiers-lieux ouverts, comme le diagnostic territorial par défaut"),
    ),
)


def existing_network_filter(choice: str | None) -> PlaceFilter:
    """The places of the existing network `choice` ("labelled" or "atlas")."""
    return DEFAULT_FILTER if choice == "atlas" else LABELLED_NETWORK


def network_places(place_filter: PlaceFilter) -> list[tuple[int, float, float, str]]:
    """(pk, lon, lat, name) of the places `place_filter` counts (the same test as the diagnostic's)."""
    rows = Place.objects.filter(status__in=place_filter.statuses).values_list(
        "pk", "lon", "lat", "name", "status", "types", "labels"
    )
    return [
        (pk, lon, lat, name)
        for pk, lon, lat, name, status, types, labels in rows.iterator()
        if place_filter.accepts(status, tuple(types or ()), tuple(labels or ()))
    ]


def labelled_places() -> list[tuple[int, float, float, str]]:
    """(pk, lon, lat, name) of the labelled network (Fabriques de territoire, numériques), not closed."""
    return network_places(LABELLED_NETWORK)


def network_summary(parameters: dict) -> dict:
    """What a run counted as existing network: its choice, description, number of places, diagnostic link."""
    choice = "atlas" if (parameters or {}).get("existing_network") == "atlas" else "labelled"
    place_filter = existing_network_filter(choice)
    query = place_filter.query()
    return {
        "choice": choice,
        "label": dict(EXISTING_NETWORKS)[choice],
        "describe": place_filter.describe(),
        "count": len(network_places(place_filter)),
        "diagnostic_url": reverse("diagnostic:france") + (f"?{query}" if query else ""),
    }


@dataclass
class Built:
    problem: SelectionProblem
    context: dict = field(default_factory=dict)


def _commune_point(row) -> tuple[float, float] | None:
    lon, lat = (row[2], row[3]) if row[2] is not None else (row[4], row[5])
    if lon is None or lat is None:
        return None
    return float(lon), float(lat)


def build_problem(wave: Wave, parameters: dict) -> Built:
    """The optimiser input of `wave` under `parameters` (see `default_parameters`), and display data.

    Candidates: the files under review; score = weighted review score (0 when not reviewed yet); envelopes =
    those the eligibility rules open to the file; amounts = the amounts asked per year. Coverage targets: the
    communes chosen by `targets` within R km of at least one candidate (the others cannot change the
    objective); existing network: labelled places and the places of the call's laureates.
    """
    call = wave.call
    entries, consumption = candidates(wave)
    notes: list[str] = []
    apps: list[Candidate] = []
    info: dict[str, dict] = {}
    for entry in entries:
        application: Application = entry.application
        place = application.place
        commune = place.commune if place else None
        amounts = requested_per_year(application)
        if not sum(amounts) and application.requested_total:
            share = application.requested_total // call.years
            amounts = tuple(
                [share] * (call.years - 1) + [application.requested_total - share * (call.years - 1)]
            )
        codes = tuple(application_eligibility(application).eligible_codes) if place else ()
        if entry.score is None:
            notes.append(
                _("%(reference)s : aucune évaluation rendue, note comptée 0.")
                % {"reference": application.reference}
            )
        apps.append(
            Candidate(
                id=application.reference,
                score=round(float(entry.score or 0.0), 6),
                envelopes=codes,
                yearly_amounts=tuple(float(a) for a in amounts),
                commune=commune.pk if commune else "",
                lon=float(place.lon) if place else math.nan,
                lat=float(place.lat) if place else math.nan,
                region=commune.region_id if commune else "",
                department=commune.department_id if commune else "",
                epci=(commune.epci_id or "") if commune else "",
                label=application.project_title or (place.name if place else ""),
            )
        )
        info[application.reference] = {
            "pk": application.pk,
            "title": application.project_title,
            "place": place.name if place else "",
            "commune": commune.name if commune else "",
            "department": commune.department_id if commune else "",
            "lon": place.lon if place else None,
            "lat": place.lat if place else None,
            "score": entry.score,
            "reviews": entry.reviews,
            "requested": int(sum(amounts)),
        }
    envelope_caps = parameters.get("envelopes") or {}
    envelopes = []
    call_envelopes = list(call.envelopes.all())
    for envelope in call_envelopes:
        amount_left = consumption[envelope.pk].amount_left
        envelopes.append(
            EnvelopeIn(
                code=envelope.code,
                label=envelope.name,
                max_laureates=envelope_caps.get(envelope.code),
                max_budget=None if amount_left is None else float(max(0, amount_left)),
            )
        )
    balance = _balance(apps, parameters)
    radius = float(parameters.get("radius_km") or DEFAULT_RADIUS_KM)
    targets = _targets(call, parameters.get("targets", "eligibility"), apps, radius)
    network = existing_network_filter(parameters.get("existing_network"))
    existing = [
        ExistingPlace(float(lon), float(lat), name) for _pk, lon, lat, name in network_places(network)
    ]
    laureate_places = Place.objects.filter(
        call_applications__call=call, call_applications__status=Status.ACCEPTED
    ).values_list("lon", "lat", "name")
    existing += [ExistingPlace(float(lon), float(lat), name) for lon, lat, name in laureate_places]
    existing.sort(key=lambda p: (p.lon, p.lat, p.label))
    yearly = parameters.get("yearly_budget")
    total = parameters.get("total_budget")
    problem = SelectionProblem(
        applications=apps,
        envelopes=envelopes,
        total_budget=None if total is None else float(total),
        yearly_budget=None if yearly is None else float(yearly),
        max_laureates=parameters.get("max_laureates"),
        balance=balance,
        coverage=Coverage(
            targets=[TargetCommune(code, lon, lat, pop) for code, lon, lat, pop, _name in targets],
            existing=existing,
            radius_km=radius,
            points_per_10k=float(parameters.get("points_per_10k", DEFAULT_POINTS_PER_10K)),
        ),
    )
    context = {
        "applications": info,
        "envelopes": {e.code: e.name for e in call_envelopes},
        "targets": {
            code: {"name": name, "lon": lon, "lat": lat, "population": pop}
            for code, lon, lat, pop, name in targets
        },
        "required_departments": list(balance.required_departments),
        "notes": notes,
    }
    return Built(problem, context)


def _balance(apps: list[Candidate], parameters: dict) -> Balance:
    quotas: list[Quota] = []
    for scope in ("region", "department"):
        minimum = parameters.get(f"min_per_{scope}")
        if minimum:
            codes = sorted({getattr(a, scope) for a in apps if getattr(a, scope)})
            quotas += [Quota(scope, code, minimum=int(minimum)) for code in codes]
    required: tuple[str, ...] = ()
    if parameters.get("unlabelled_departments"):
        departments = sorted({a.department for a in apps if a.department})
        open_places = Place.objects.filter(commune__department_id__in=departments).exclude(
            status=PlaceStatus.CLOSED
        )
        labelled = {dep for (dep,) in fabrique_rows(open_places, "commune__department_id")}
        required = tuple(d for d in departments if d not in labelled)
    return Balance(
        quotas=tuple(quotas),
        max_per_region=parameters.get("max_per_region"),
        max_per_department=parameters.get("max_per_department"),
        one_per_epci=bool(parameters.get("one_per_epci")),
        required_departments=required,
    )


def _targets(call: Call, choice: str, apps: list[Candidate], radius_km: float) -> list[tuple]:
    allowed, excluded = density_filter(call, choice)
    rows = Commune.objects.filter(population__gt=0)
    if allowed is not None:
        rows = rows.filter(density_level__in=sorted(allowed))
    if excluded:
        rows = rows.exclude(density_level__in=sorted(excluded))
    located = []
    for row in rows.values_list(
        "insee", "population", "town_hall_lon", "town_hall_lat", "interior_lon", "interior_lat", "name"
    ).order_by("insee"):
        point = _commune_point(row)
        if point is not None:
            located.append((row[0], point[0], point[1], int(row[1]), row[6]))
    mask = analysis.reachable_targets(
        [(a.lon, a.lat) for a in apps], [(t[1], t[2]) for t in located], radius_km
    )
    return [t for t, keep in zip(located, mask, strict=True) if keep]


MAP_CONTEXT_MAX_DEPARTMENTS = 6


def map_context_url(run: Run) -> str:
    """The commune outlines behind the scenario map (readable without tiles): those of the departments of its
    target communes, when they are few (a national scenario keeps the department outlines only)."""
    from tierslieux.geo.selectors import context_outline_urls

    codes = list(((run.context or {}).get("targets") or {}).keys())
    departments = set(
        Commune.objects.filter(insee__in=codes)
        .values_list("department_id", flat=True)
        .distinct()[: MAP_CONTEXT_MAX_DEPARTMENTS + 1]
    )
    return context_outline_urls(departments) if len(departments) <= MAP_CONTEXT_MAX_DEPARTMENTS else ""
