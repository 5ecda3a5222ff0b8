"""Reads on contributions: the moderation queue, diff rows, pending claims, who may moderate."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.core.models import TransitionLog
from tierslieux.core.transitions import labelled_history
from tierslieux.places.models import Place, Publication
from tierslieux.places.selectors import readable_changes
from tierslieux.places.workflow import PUBLICATION

from .models import Claim, ContactMessage, Contribution, ErrorReport, Proposal


def can_moderate(user: User) -> bool:
    return is_programme_staff(user)


@dataclass
class DiffRow:
    field: str
    label: str
    current: str
    proposed: str


def diff_rows(diff: dict) -> list[DiffRow]:
    return [DiffRow(c.field, c.label, c.before, c.after) for c in readable_changes(diff)]


def moderation_queue() -> dict[str, QuerySet]:
    """What programme staff still have to decide."""
    return {
        "proposals": Proposal.objects.filter(status="pending").select_related("place"),
        "reports": ErrorReport.objects.filter(status="pending").select_related("place"),
        "claims": Claim.objects.filter(status="pending").select_related("place", "author"),
        "contacts": ContactMessage.objects.filter(status="pending").select_related("place"),
        "project_places": Place.objects.filter(publication=Publication.PENDING)
        .select_related("commune", "created_by")
        .order_by("created_at", "pk"),
    }


def contribution_history(contribution: Contribution) -> list[TransitionLog]:
    """The history of a contribution (creation, then the decision), with the labels of its statuses."""
    return labelled_history(contribution, contribution.WORKFLOW)


def publication_transitions(place: Place) -> list[TransitionLog]:
    """The publication decisions of a place (who, when, from, to, why), with their labels."""
    return labelled_history(place, PUBLICATION)


def pending_claim(place: Place, user: User | AnonymousUser | None) -> Claim | None:
    if user is None or not user.is_authenticated:
        return None
    return Claim.objects.filter(place=place, author=user, status="pending").first()


def pending_labels(place: Place) -> Proposal | None:
    """The labels declared for `place` and not yet confirmed by programme staff (the latest)."""
    return (
        Proposal.objects.filter(place=place, status="pending", data__has_key="labels")
        .order_by("-created_at", "-id")
        .first()
    )


def contributions_of(user: User) -> dict[str, QuerySet]:
    """What `user` sent (signed in): proposals, error reports and claims, newest first."""
    return {
        "proposals": Proposal.objects.filter(author=user).select_related("place"),
        "reports": ErrorReport.objects.filter(author=user).select_related("place"),
        "claims": Claim.objects.filter(author=user).select_related("place"),
    }


def moderation_count() -> int:
    """How many contributions wait for a decision of programme staff."""
    return sum(queryset.count() for queryset in moderation_queue().values())
