"""Reads on contributions: the moderation queue, diff rows, pending claims, who may moderate."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from tierslieux.accounts.roles import is_programme_staff
from tierslieux.places.models import (
    Accessibility,
    ContactRoute,
    Label,
    LegalForm,
    Place,
    PlaceStatus,
    PlaceType,
    Service,
)

from .models import Claim, ContactMessage, ErrorReport, Proposal

# Fields never shown in a diff or history (personal data).
PRIVATE_FIELDS = {"private_contact", "contact_email"}
_CHOICES = {
    "types": PlaceType,
    "labels": Label,
    "services": Service,
    "accessibility": Accessibility,
    "status": PlaceStatus,
    "legal_form": LegalForm,
    "contact_route": ContactRoute,
}


def can_moderate(user) -> bool:
    return is_programme_staff(user)


def field_label(field: str) -> str:
    try:
        return str(Place._meta.get_field(field).verbose_name).capitalize()
    except Exception:  # noqa: BLE001 — an unknown key is shown as is
        return field


def display_value(field: str, value) -> str:
    """A readable value: choice labels instead of codes, lists joined, empty shown as "—"."""
    if value in (None, "", [], {}):
        return "—"
    choices = _CHOICES.get(field)
    if choices is not None:
        labels = dict(choices.choices)
        if isinstance(value, list):
            return ", ".join(str(labels.get(v, v)) for v in value)
        return str(labels.get(value, value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(v.get("name", str(v)) if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} : {v}" for k, v in value.items())
    return str(value)


@dataclass
class DiffRow:
    field: str
    label: str
    current: str
    proposed: str


def diff_rows(diff: dict) -> list[DiffRow]:
    return [
        DiffRow(field, field_label(field), display_value(field, old), display_value(field, new))
        for field, (old, new) in diff.items()
        if field not in PRIVATE_FIELDS
    ]


def moderation_queue() -> dict[str, QuerySet]:
    """What programme staff still have to decide."""
    return {
        "proposals": Proposal.objects.filter(status="pending").select_related("place"),
        "reports": ErrorReport.objects.filter(status="pending").select_related("place"),
        "claims": Claim.objects.filter(status="pending").select_related("place", "author"),
        "contacts": ContactMessage.objects.filter(status="pending").select_related("place"),
    }


def pending_claim(place: Place, user) -> Claim | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Claim.objects.filter(place=place, author=user, status="pending").first()


def pending_labels(place: Place) -> Proposal | None:
    """The labels declared for `place` and not yet confirmed by programme staff (the latest)."""
    return (
        Proposal.objects.filter(place=place, status="pending", data__has_key="labels")
        .order_by("-created_at", "-id")
        .first()
    )


def contributions_of(user) -> dict[str, QuerySet]:
    """What `user` sent (signed in): proposals, error reports and claims, newest first."""
    return {
        "proposals": Proposal.objects.filter(author=user).select_related("place"),
        "reports": ErrorReport.objects.filter(author=user).select_related("place"),
        "claims": Claim.objects.filter(author=user).select_related("place"),
    }


def moderation_count() -> int:
    """How many contributions wait for a decision of programme staff."""
    return sum(queryset.count() for queryset in moderation_queue().values())
