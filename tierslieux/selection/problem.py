"""The optimiser input of a wave: an assembler of named rules (`build_problem`), each tested on its own
(tests/selection/test_problem.py). Writes nothing; reads through the selectors of the call's review, of the
places and of this app.

Rules, with the app whose rule it is:

- `candidate_amounts` (calls): the amounts asked per year; a dossier that gave only a total spreads it evenly
  over the call's years, the last year taking the remainder.
- `candidate_envelopes` (calls): the envelopes the eligibility rules open to the dossier (none without a place).
- `candidate_score` (calls' review): the weighted review score, 0 with a note when no review is in.
- `envelope_inputs` (calls): the call's envelopes, seats as typed, budget = the envelope's amount left.
- `balance_rule` (selection): the regional / departmental quotas, one per EPCI, and the departments with a
  candidate but no labelled place (places) when asked.
- `coverage_targets` (geo, calls): the communes chosen by `targets` (the call's density rules by default)
  within R km of at least one candidate.
- `existing_network` (places, calls): the labelled places and the places of the call's laureates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from tierslieux.calls.facts import application_eligibility, requested_per_year
from tierslieux.calls.models import Application, Call, Envelope, Status, Wave
from tierslieux.calls.review.selectors import EnvelopeConsumption, RankedApplication
from tierslieux.geo.models import Commune
from tierslieux.places.models import Place, PlaceStatus
from tierslieux.places.selectors import fabrique_rows

from . import analysis, selectors
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
from .optimiser import Application as Candidate
from .optimiser import Envelope as EnvelopeIn


@dataclass
class Built:
    problem: SelectionProblem
    context: dict = field(default_factory=dict)


# --- Candidates ------------------------------------------------------------------------------------------------
def candidate_amounts(application: Application, call: Call) -> tuple[int, ...]:
    """The amounts asked per year; only a total given: spread evenly, the last year taking the remainder."""
    amounts = requested_per_year(application)
    if not sum(amounts) and application.requested_total:
        share = application.requested_total // call.years
        amounts = tuple([share] * (call.years - 1) + [application.requested_total - share * (call.years - 1)])
    return amounts


def candidate_envelopes(application: Application) -> tuple[str, ...]:
    """The codes of the envelopes the call's eligibility rules open to the dossier (none without a place)."""
    return tuple(application_eligibility(application).eligible_codes) if application.place_id else ()


def candidate_score(entry: RankedApplication) -> tuple[float, str | None]:
    """The weighted review score (rounded to 6 decimals) and, when no review is in, the note saying it counts 0."""
    if entry.score is None:
        note = _("%(reference)s : aucune évaluation rendue, note comptée 0.") % {
            "reference": entry.application.reference
        }
        return 0.0, note
    return round(float(entry.score), 6), None


def candidate(entry: RankedApplication, call: Call) -> tuple[Candidate, dict[str, Any], str | None]:
    """The optimiser's view of one dossier under review, its display data and its note (if any)."""
    application = entry.application
    place = application.place
    commune = place.commune if place else None
    amounts = candidate_amounts(application, call)
    score, note = candidate_score(entry)
    optimiser_input = Candidate(
        id=application.reference,
        score=score,
        envelopes=candidate_envelopes(application),
        yearly_amounts=tuple(float(a) for a in amounts),
        commune=commune.pk if commune else "",
        lon=float(place.lon) if place else math.nan,
        lat=float(place.lat) if place else math.nan,
        region=commune.region_id if commune else "",
        department=commune.department_id if commune else "",
        epci=(commune.epci_id or "") if commune else "",
        label=application.project_title or (place.name if place else ""),
    )
    display = {
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
    return optimiser_input, display, note


# --- Envelopes and balance -------------------------------------------------------------------------------------
def envelope_inputs(
    envelopes: list[Envelope], consumption: dict[int, EnvelopeConsumption], caps: dict[str, int | None]
) -> list[EnvelopeIn]:
    """The call's envelopes: at most `caps[code]` laureates (the form's value), the amount left as budget."""
    inputs = []
    for envelope in envelopes:
        amount_left = consumption[envelope.pk].amount_left
        inputs.append(
            EnvelopeIn(
                code=envelope.code,
                label=envelope.name,
                max_laureates=caps.get(envelope.code),
                max_budget=None if amount_left is None else float(max(0, amount_left)),
            )
        )
    return inputs


def unlabelled_departments(departments: list[str]) -> tuple[str, ...]:
    """Those of `departments` with no labelled place (Fabrique de territoire or numérique) that is not closed."""
    open_places = Place.objects.filter(commune__department_id__in=departments).exclude(
        status=PlaceStatus.CLOSED
    )
    labelled = {dep for (dep,) in fabrique_rows(open_places, "commune__department_id")}
    return tuple(d for d in departments if d not in labelled)


def balance_rule(apps: list[Candidate], parameters: dict) -> Balance:
    """Minimums per region / department (where a candidate is), maximums, one per EPCI, and at least one
    laureate in each department with a candidate but no labelled place (`unlabelled_departments`)."""
    quotas: list[Quota] = []
    for scope in ("region", "department"):
        minimum = parameters.get(f"min_per_{scope}")
        if minimum:
            codes = sorted({getattr(a, scope) for a in apps if getattr(a, scope)})
            quotas += [Quota(scope, code, minimum=int(minimum)) for code in codes]
    required: tuple[str, ...] = ()
    if parameters.get("unlabelled_departments"):
        required = unlabelled_departments(sorted({a.department for a in apps if a.department}))
    return Balance(
        quotas=tuple(quotas),
        max_per_region=parameters.get("max_per_region"),
        max_per_department=parameters.get("max_per_department"),
        one_per_epci=bool(parameters.get("one_per_epci")),
        required_departments=required,
    )


# --- Coverage ------------------------------------------------------------------------------------------------
def _commune_point(row) -> tuple[float, float] | None:
    lon, lat = (row[2], row[3]) if row[2] is not None else (row[4], row[5])
    if lon is None or lat is None:
        return None
    return float(lon), float(lat)


def coverage_targets(
    call: Call, choice: str, apps: list[Candidate], radius_km: float
) -> list[tuple[str, float, float, int, str]]:
    """(INSEE code, lon, lat, population, name) of the communes `choice` targets (`selectors.density_filter`)
    that lie within `radius_km` of at least one candidate: the others cannot change the objective."""
    allowed, excluded = selectors.density_filter(call, choice)
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


def existing_network(call: Call, choice: str | None = None) -> list[ExistingPlace]:
    """The places already covering communes: the existing network `choice` (`selectors.EXISTING_NETWORKS`:
    the labelled network by default, or the whole atlas) and the places of the call's laureates, in a stable
    order."""
    network = selectors.existing_network_filter(choice)
    existing = [
        ExistingPlace(float(lon), float(lat), name)
        for _pk, lon, lat, name in selectors.network_places(network)
    ]
    laureate_places = Place.objects.filter(
        call_applications__call=call, call_applications__status=Status.ACCEPTED
    ).values_list("lon", "lat", "name")
    existing += [ExistingPlace(float(lon), float(lat), name) for lon, lat, name in laureate_places]
    existing.sort(key=lambda p: (p.lon, p.lat, p.label))
    return existing


# --- The assembler ---------------------------------------------------------------------------------------------
def build_problem(wave: Wave, parameters: dict) -> Built:
    """The optimiser input of `wave` under `parameters` (see `selectors.default_parameters`), and display data:
    the candidates (the files under review), the envelopes, the budget, the balance and the coverage, each
    from its rule above."""
    call = wave.call
    entries, consumption = selectors.candidates(wave)
    apps: list[Candidate] = []
    info: dict[str, dict] = {}
    notes: list[str] = []
    for entry in entries:
        optimiser_input, display, note = candidate(entry, call)
        apps.append(optimiser_input)
        info[entry.application.reference] = display
        if note:
            notes.append(note)
    call_envelopes = list(call.envelopes.all())
    balance = balance_rule(apps, parameters)
    radius = float(parameters.get("radius_km") or DEFAULT_RADIUS_KM)
    targets = coverage_targets(call, parameters.get("targets", "eligibility"), apps, radius)
    yearly = parameters.get("yearly_budget")
    total = parameters.get("total_budget")
    problem = SelectionProblem(
        applications=apps,
        envelopes=envelope_inputs(call_envelopes, consumption, parameters.get("envelopes") or {}),
        total_budget=None if total is None else float(total),
        yearly_budget=None if yearly is None else float(yearly),
        max_laureates=parameters.get("max_laureates"),
        balance=balance,
        coverage=Coverage(
            targets=[TargetCommune(code, lon, lat, pop) for code, lon, lat, pop, _name in targets],
            existing=existing_network(call, parameters.get("existing_network")),
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
