"""Builders shared by the review-side tests: a call with its team, grid, envelopes, wave, files and reviewers."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.factories.accounts import UserFactory
from tests.factories.calls import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    EnvelopeFactory,
    PlaceFactory,
    WaveFactory,
)
from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory
from tierslieux.accounts.roles import Role
from tierslieux.accounts.services import user_grant_role
from tierslieux.calls.models import Application, ConflictOfInterest, Review, ReviewerAssignment, Score, Status


def user_with(role: Role | None, **extra):
    user = UserFactory(**extra)
    if role is not None:
        user_grant_role(user=user, role=role)
    return user


@dataclass
class World:
    call: object
    wave: object
    staff: object
    criteria: list
    envelopes: list
    reviewers: list = field(default_factory=list)

    def application(
        self,
        *,
        status=Status.IN_REVIEW,
        envelope=None,
        department=None,
        applicant=None,
        requested_total=120_000,
        wave=None,
        **extra,
    ) -> Application:
        place_kwargs = {}
        if department is not None:
            place_kwargs["place__commune"] = CommuneFactory(department=department, region=department.region)
        return ApplicationFactory(
            call=self.call,
            wave=wave or self.wave,
            status=status,
            envelope=envelope or self.envelopes[0],
            requested_total=requested_total,
            applicant=applicant or user_with(Role.APPLICANT),
            **place_kwargs,
            **extra,
        )


def make_world(*, reviewers: int = 3, staff_email: str | None = None) -> World:
    staff = user_with(Role.PROGRAMME_STAFF, **({"email": staff_email} if staff_email else {}))
    call = CallFactory(staff=[staff], title="Fabriques de territoire")
    criteria = [
        CriterionFactory(call=call, name="Ancrage territorial", weight=2, position=0),
        CriterionFactory(call=call, name="Gouvernance", weight=1, position=1),
    ]
    envelopes = [
        EnvelopeFactory(
            call=call,
            name="Hors grands centres urbains",
            code="hors-gcu",
            max_laureates=2,
            amount=None,
            position=0,
        ),
        EnvelopeFactory(call=call, name="QPV", code="qpv", max_laureates=120, amount=1_000_000, position=1),
    ]
    wave = WaveFactory(call=call, name="Vague 1")
    world = World(call=call, wave=wave, staff=staff, criteria=criteria, envelopes=envelopes)
    world.reviewers = [user_with(Role.REVIEWER) for _ in range(reviewers)]
    return world


def scored(application, reviewer, values, *, submit=True, assigned_by=None) -> Review:
    """Write an assignment, a no-conflict declaration and a review with `values` (one per criterion, in order)."""
    assignment, _ = ReviewerAssignment.objects.get_or_create(
        application=application, reviewer=reviewer, defaults={"assigned_by": assigned_by}
    )
    ConflictOfInterest.objects.get_or_create(assignment=assignment, defaults={"has_conflict": False})
    review, _ = Review.objects.get_or_create(assignment=assignment)
    for criterion, value in zip(application.call.criteria.order_by("position"), values, strict=True):
        Score.objects.update_or_create(review=review, criterion=criterion, defaults={"value": value})
    if submit:
        from django.utils import timezone

        review.submitted_at = timezone.now()
        review.save()
    return review


__all__ = ["DepartmentFactory", "PlaceFactory", "RegionFactory", "World", "make_world", "scored", "user_with"]
