"""Reads of the review and decision side: what a reviewer sees, scores, staff lists, statistics, rankings.

Which files a reviewer may open is the one visibility rule of `tierslieux.calls.visibility` (assigned, no
conflict of interest declared).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import Role

from .. import selectors as call_selectors
from ..models import (
    Application,
    Call,
    Decision,
    DecisionOutcome,
    Envelope,
    ReviewerAssignment,
    Score,
    StaffNote,
    Status,
    Wave,
)
from . import scoring

if TYPE_CHECKING:
    from tierslieux.places.models import Place

DECIDED = (Status.ACCEPTED, Status.REFUSED, Status.CLOSED)


def assignments_of_reviewer(user: User | AnonymousUser) -> QuerySet[ReviewerAssignment]:
    """Every assignment of `user` (a conflicted one is listed by its reference only)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ReviewerAssignment.objects.none()
    return (
        ReviewerAssignment.objects.filter(reviewer=user)
        .select_related(
            "application__call", "application__wave", "application__place__commune", "conflict", "review"
        )
        .order_by("due_at", "application__reference")
    )


def reviewers_available() -> QuerySet[User]:
    """Active users holding the reviewer role (the pool of assignment proposals)."""
    return (
        User.objects.filter(is_active=True, groups__name=Role.REVIEWER.value)
        .select_related("reviewer_profile__department")
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def reviewer_loads(user_ids: Iterable[int]) -> dict[int, int]:
    """{reviewer id: number of assignments not yet reviewed nor declined (conflict)}."""
    rows = (
        ReviewerAssignment.objects.filter(reviewer_id__in=list(user_ids), review__submitted_at__isnull=True)
        .exclude(conflict__has_conflict=True)
        .values("reviewer_id")
        .annotate(n=Count("pk"))
    )
    loads = {pk: 0 for pk in user_ids}
    loads.update({row["reviewer_id"]: row["n"] for row in rows})
    return loads


def can_staff_read(user: User, application: Application) -> bool:
    return application.status != Status.DRAFT and call_selectors.can_read_call(user, application.call)


def can_staff_manage(user: User, application: Application) -> bool:
    return application.status != Status.DRAFT and call_selectors.can_manage_call(user, application.call)


# --- Scores --------------------------------------------------------------------------------------------------
def call_weights(call: Call) -> dict[int, int]:
    return dict(call.criteria.values_list("pk", "weight"))


def file_scores(applications: Iterable[Application]) -> dict[int, scoring.FileScore]:
    """{application id: FileScore} over the submitted reviews, for many files in two queries."""
    applications = list(applications)
    ids = [a.pk for a in applications]
    values: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    rows = Score.objects.filter(
        review__submitted_at__isnull=False, review__assignment__application_id__in=ids
    ).values_list("review__assignment__application_id", "review_id", "criterion_id", "value")
    for app_id, review_id, criterion_id, value in rows:
        values[app_id][review_id][criterion_id] = value
    weights_by_call: dict[int, dict[int, int]] = {}
    result = {}
    for application in applications:
        if application.call_id not in weights_by_call:
            weights_by_call[application.call_id] = call_weights(application.call)
        reviews = list(values[application.pk].values())
        result[application.pk] = scoring.file_score(reviews, weights_by_call[application.call_id])
    return result


@dataclass
class ReviewRow:
    assignment: ReviewerAssignment
    status: str  # "conflict", "undeclared", "pending", "draft", "submitted"
    weighted: float | None = None
    scores: dict[int, Any] = field(default_factory=dict)  # criterion id -> Score


@dataclass
class ReviewSummary:
    """Everything staff see of a file's review: assignments, reviews per criterion, score, spread, notes."""

    application: Application
    criteria: list
    rows: list[ReviewRow]
    score: scoring.FileScore
    notes: list[StaffNote]

    @property
    def spreads(self) -> dict[int, scoring.CriterionSpread]:
        return {c.criterion: c for c in self.score.criteria}

    @property
    def table(self) -> list[dict[str, Any]]:
        """One row per criterion: the values of each submitted review, mean, spread and disagreement."""
        spreads = self.spreads
        return [
            {
                "criterion": criterion,
                "cells": [row.scores.get(criterion.pk) for row in self.submitted],
                "spread": spreads.get(criterion.pk),
            }
            for criterion in self.criteria
        ]

    @property
    def submitted(self) -> list[ReviewRow]:
        return [row for row in self.rows if row.status == "submitted"]

    @property
    def active_reviewers(self) -> int:
        return sum(1 for row in self.rows if row.status != "conflict")


def review_summary(application: Application) -> ReviewSummary:
    criteria = list(application.call.criteria.all())
    weights = {c.pk: c.weight for c in criteria}
    assignments = (
        application.assignments.select_related("reviewer", "conflict", "review")
        .prefetch_related("review__scores")
        .order_by("assigned_at", "pk")
    )
    rows = []
    for assignment in assignments:
        conflict = getattr(assignment, "conflict", None)
        review = getattr(assignment, "review", None)
        if conflict is not None and conflict.has_conflict:
            rows.append(ReviewRow(assignment, "conflict"))
        elif conflict is None:
            rows.append(ReviewRow(assignment, "undeclared"))
        elif review is None:
            rows.append(ReviewRow(assignment, "pending"))
        else:
            scores = {s.criterion_id: s for s in review.scores.all()}
            status = "submitted" if review.submitted_at else "draft"
            weighted = scoring.weighted_score({c: s.value for c, s in scores.items()}, weights)
            rows.append(ReviewRow(assignment, status, weighted, scores))
    reviews = [{c: s.value for c, s in row.scores.items()} for row in rows if row.status == "submitted"]
    return ReviewSummary(
        application=application,
        criteria=criteria,
        rows=rows,
        score=scoring.file_score(reviews, weights),
        notes=list(application.staff_notes.select_related("author")),
    )


# --- Rankings and envelopes ----------------------------------------------------------------------------------
@dataclass
class RankedApplication:
    application: Application
    score: float | None
    reviews: int
    disagreement: bool
    decision: Decision | None


@dataclass
class EnvelopeConsumption:
    """Laureates accepted so far in an envelope (over the whole call) against its quota."""

    envelope: Envelope
    laureates: int
    granted: int

    @property
    def laureates_left(self) -> int | None:
        if self.envelope.max_laureates is None:
            return None
        return self.envelope.max_laureates - self.laureates

    @property
    def amount_left(self) -> int | None:
        if self.envelope.amount is None:
            return None
        return self.envelope.amount - self.granted

    @property
    def is_full(self) -> bool:
        return (self.laureates_left is not None and self.laureates_left <= 0) or (
            self.amount_left is not None and self.amount_left <= 0
        )


@dataclass
class EnvelopeRanking:
    envelope: Envelope | None
    consumption: EnvelopeConsumption | None
    applications: list[RankedApplication]


def envelope_consumption(call: Call) -> dict[int, EnvelopeConsumption]:
    """{envelope id: consumption} over the accepted decisions of the whole call."""
    rows = (
        Decision.objects.filter(application__call=call, outcome=DecisionOutcome.ACCEPTED)
        .values("envelope_id")
        .annotate(n=Count("pk"))
    )
    counts = {row["envelope_id"]: row["n"] for row in rows}
    granted: dict[int, int] = defaultdict(int)
    for envelope_id, total in Decision.objects.filter(
        application__call=call, outcome=DecisionOutcome.ACCEPTED
    ).values_list("envelope_id", "granted_total"):
        granted[envelope_id] += total
    return {
        envelope.pk: EnvelopeConsumption(envelope, counts.get(envelope.pk, 0), granted.get(envelope.pk, 0))
        for envelope in call.envelopes.all()
    }


def wave_ranking(
    wave: Wave, *, statuses: Iterable[str] = (Status.IN_REVIEW, *DECIDED)
) -> list[EnvelopeRanking]:
    """The files of `wave` under review or decided, per envelope (in the call's order), ranked by weighted score
    (best first; files without a submitted review last, then by reference). Used by the committee page and the
    selection optimiser: each entry has `.application` (with `.envelope`, `.requested_total`, `.place`),
    `.score` (0–5 or None), `.reviews`, `.disagreement` and `.decision`; each ranking has `.consumption`."""
    applications = list(
        wave.applications.filter(status__in=statuses)
        .select_related("call", "envelope", "place__commune__department", "applicant", "decision")
        .order_by("reference")
    )
    scores = file_scores(applications)
    consumption = envelope_consumption(wave.call)
    by_envelope: dict[int | None, list[RankedApplication]] = defaultdict(list)
    for application in applications:
        fs = scores[application.pk]
        decision = getattr(application, "decision", None)
        by_envelope[application.envelope_id].append(
            RankedApplication(application, fs.score, fs.reviews, fs.disagreement, decision)
        )
    rankings = []
    envelopes = list(wave.call.envelopes.all())
    for envelope in [*envelopes, None]:
        entries = by_envelope.get(envelope.pk if envelope else None, [])
        if envelope is None and not entries:
            continue
        entries.sort(key=lambda e: (e.score is None, -(e.score or 0), e.application.reference))
        rankings.append(
            EnvelopeRanking(envelope, consumption.get(envelope.pk) if envelope else None, entries)
        )
    return rankings


# --- Staff lists and statistics ------------------------------------------------------------------------------
@dataclass
class StaffFilters:
    wave: int | None = None
    envelope: int | None = None
    status: str | None = None
    region: str | None = None
    reviewer: int | None = None
    min_score: float | None = None
    max_score: float | None = None


@dataclass
class StaffRow:
    application: Application
    score: scoring.FileScore
    reviewers: list[str]


def staff_rows(call: Call, filters: StaffFilters) -> list[StaffRow]:
    """The call's submitted files matching `filters` (exactly what the page lists and the exports contain)."""
    queryset = call_selectors.applications_for_call(call).select_related("place__commune__region", "decision")
    if filters.wave:
        queryset = queryset.filter(wave_id=filters.wave)
    if filters.envelope:
        queryset = queryset.filter(envelope_id=filters.envelope)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.region:
        queryset = queryset.filter(place__commune__region_id=filters.region)
    if filters.reviewer:
        queryset = queryset.filter(assignments__reviewer_id=filters.reviewer).distinct()
    applications = list(queryset.prefetch_related("assignments__reviewer"))
    scores = file_scores(applications)
    rows = []
    for application in applications:
        fs = scores[application.pk]
        if filters.min_score is not None and (fs.score is None or fs.score < filters.min_score):
            continue
        if filters.max_score is not None and (fs.score is None or fs.score > filters.max_score):
            continue
        reviewers = [a.reviewer.display_name for a in application.assignments.all()]
        rows.append(StaffRow(application, fs, reviewers))
    return rows


def call_reviewers(call: Call) -> QuerySet[User]:
    """The reviewers assigned to at least one file of the call (for the filter)."""
    return (
        User.objects.filter(review_assignments__application__call=call).distinct().order_by("last_name", "pk")
    )


@dataclass
class WaveStatistics:
    wave: Wave
    drafts: int
    submitted: int
    in_review: int
    decided: int
    by_status: dict[str, int]
    by_region: list[tuple[str, int]]
    by_envelope: list[tuple[str, int, int]]  # name, files, accepted


def wave_statistics(wave: Wave) -> WaveStatistics:
    """Counts of a wave: drafts, submitted (incl. corrections), in review, decided; by region, by envelope."""
    by_status = dict(
        wave.applications.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    files = wave.applications.exclude(status=Status.DRAFT)
    regions = (
        files.values_list("place__commune__region__name")
        .annotate(n=Count("pk"))
        .order_by("place__commune__region__name")
    )
    envelopes = []
    counted = dict(files.values_list("envelope_id").annotate(n=Count("pk")).values_list("envelope_id", "n"))
    accepted = dict(
        files.filter(status=Status.ACCEPTED)
        .values_list("envelope_id")
        .annotate(n=Count("pk"))
        .values_list("envelope_id", "n")
    )
    for envelope in wave.call.envelopes.all():
        envelopes.append((envelope.name, counted.get(envelope.pk, 0), accepted.get(envelope.pk, 0)))
    if counted.get(None):
        envelopes.append((_("Sans enveloppe"), counted[None], accepted.get(None, 0)))
    return WaveStatistics(
        wave=wave,
        drafts=by_status.get(Status.DRAFT, 0),
        submitted=by_status.get(Status.SUBMITTED, 0) + by_status.get(Status.CORRECTIONS, 0),
        in_review=by_status.get(Status.IN_REVIEW, 0),
        decided=sum(by_status.get(s, 0) for s in DECIDED),
        by_status=by_status,
        by_region=[(name or _("Région inconnue"), n) for name, n in regions],
        by_envelope=envelopes,
    )


# --- Reminders and laureates ---------------------------------------------------------------------------------
def late_assignments(now: datetime | None = None) -> QuerySet[ReviewerAssignment]:
    """Assignments past due, on files in review, without a submitted review nor a declared conflict."""
    now = now or timezone.now()
    return (
        ReviewerAssignment.objects.filter(
            due_at__lt=now, application__status=Status.IN_REVIEW, reviewer__is_active=True
        )
        .exclude(review__submitted_at__isnull=False)
        .exclude(conflict__has_conflict=True)
        .select_related("reviewer", "application__call")
    )


def laureates_public(call: Call | None = None) -> QuerySet[Decision]:
    """Published laureates (accepted and published decisions of published calls): public data only."""
    queryset = Decision.objects.filter(
        outcome=DecisionOutcome.ACCEPTED, published_at__isnull=False, application__call__is_published=True
    ).select_related("application__call", "application__wave", "application__place__commune", "envelope")
    if call is not None:
        queryset = queryset.filter(application__call=call)
    return queryset.order_by("application__call_id", "application__place__name", "pk")


def laureate_row(decision: Decision) -> dict[str, Any]:
    """The public fields of a laureate (no person's name nor email)."""
    application = decision.application
    place = application.place
    return {
        "reference": application.reference,
        "call": application.call.title,
        "wave": application.wave.name if application.wave_id else "",
        "project": application.project_title,
        "place": place.name if place else "",
        "place_slug": place.slug if place else "",
        "commune": place.commune.name if place else "",
        "insee": place.commune_id if place else "",
        "envelope": decision.envelope.name if decision.envelope_id else "",
        "amount": decision.granted_total,
        "amounts_per_year": list(decision.granted_amounts or []),
        "published_at": decision.published_at,
    }


# --- The laureates and the historical Fabriques ---------------------------------------------------------------
HISTORICAL_SOURCE = "fabriques"  # the ANCT list of the 382 labelled Fabriques de territoire (load_places)


def historical_fabriques() -> QuerySet[Place]:
    """The places of the ANCT list of labelled Fabriques de territoire (loaded by `load_places`, source
    "fabriques"), labelled before the platform's calls."""
    from tierslieux.places.models import Place

    return Place.objects.filter(source_records__source=HISTORICAL_SOURCE).distinct()


def laureates_counts() -> tuple[int, int]:
    """(published laureates of the platform's calls, historical labelled Fabriques)."""
    return laureates_public().count(), historical_fabriques().count()


def laureates_footer_note() -> str:
    """The footer's count of laureates, the two kinds said apart."""
    from django.utils.translation import ngettext

    laureates, historical = laureates_counts()
    return _("%(laureates)s et %(historical)s") % {
        "laureates": ngettext("%(n)s lauréat des appels", "%(n)s lauréats des appels", laureates)
        % {"n": laureates},
        "historical": ngettext(
            "%(n)s Fabrique labellisée avant la plateforme",
            "%(n)s Fabriques labellisées avant la plateforme",
            historical,
        )
        % {"n": historical},
    }


def laureates_map() -> dict[str, Any]:
    """Two GeoJSON layers for the laureates map: the published laureates and the historical Fabriques (names of
    places and communes only)."""

    def feature(place: Place, **properties: Any) -> dict[str, Any]:
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": {
                "name": place.name,
                "commune": place.commune.name,
                "slug": place.slug,
                **properties,
            },
        }

    laureates = [
        feature(
            decision.application.place,
            wave=decision.application.wave.name if decision.application.wave_id else "",
        )
        for decision in laureates_public()
        if decision.application.place_id
    ]
    historical = [
        feature(place) for place in historical_fabriques().select_related("commune").order_by("name")
    ]
    return {
        "laureates": {"type": "FeatureCollection", "features": laureates},
        "historical": {"type": "FeatureCollection", "features": historical},
    }


def reviews_to_do(user: User) -> int:
    """Files assigned to `user` and still to review: no conflict declared, no review submitted, in review."""
    return (
        ReviewerAssignment.objects.filter(reviewer=user, application__status=Status.IN_REVIEW)
        .exclude(conflict__has_conflict=True)
        .filter(Q(review__isnull=True) | Q(review__submitted_at__isnull=True))
        .count()
    )


def files_to_assign(user: User) -> int:
    """Submitted files of the calls `user` manages that wait for their reviewers."""
    return Application.objects.filter(
        call__in=call_selectors.calls_managed_by(user), status=Status.SUBMITTED
    ).count()
