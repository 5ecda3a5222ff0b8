"""Reads of the selection side: who may see and run scenarios, the runs of a wave, the default parameters,
the candidates of a wave (applications under review with their weighted scores), the density filter of the
coverage targets and the existing labelled network. The optimiser input is assembled from them by
`problem.build_problem`.

Access policy (same as the call's back office, `tierslieux.calls.selectors`): programme staff and
administrators read the scenarios of every wave; only the call's team (and administrators) run, save, replay
and propose. Anyone else is refused.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.calls import selectors as call_selectors
from tierslieux.calls.models import Call, Decision, DecisionOutcome, Status, Wave
from tierslieux.calls.review import selectors as review_selectors
from tierslieux.geo.classification import DENSITY_LEVELS
from tierslieux.geo.diagnostic.inputs import DEFAULT_FILTER, LABELLED_NETWORK, PlaceFilter
from tierslieux.geo.models import Commune
from tierslieux.places.models import Place

from .models import ProposedDecision, Run, RunStatus
from .optimiser import (
    DEFAULT_POINTS_PER_10K,
)

LARGE_URBAN = DENSITY_LEVELS[0]  # "Grands centres urbains"
TARGET_CHOICES = (
    ("eligibility", gettext_lazy("Communes de l’éligibilité de l’appel (par défaut)")),
    ("outside_large_urban", gettext_lazy("Communes hors « Grands centres urbains »")),
    ("all", gettext_lazy("Toutes les communes")),
)
DEFAULT_TIME_LIMIT_S = 30


# --- Access --------------------------------------------------------------------------------------------------
def can_use(user: User | AnonymousUser) -> bool:
    """Programme staff and administrators (anyone else is refused every selection page)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        call_selectors.is_admin(user) or is_programme_staff(user)
    )


def waves_readable_by(user: User) -> QuerySet[Wave]:
    if not can_use(user):
        return Wave.objects.none()
    return Wave.objects.filter(call__in=call_selectors.calls_readable_by(user)).select_related("call")


def runs_readable_by(user: User) -> QuerySet[Run]:
    return Run.objects.filter(wave__in=waves_readable_by(user)).select_related("wave__call", "created_by")


def can_write(user: User, wave: Wave) -> bool:
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
