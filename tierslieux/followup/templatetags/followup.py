"""Template helpers of the follow-up: the DSFR badge of a status, euros."""

from __future__ import annotations

from django import template

from tierslieux.calls.eligibility import format_euros

register = template.Library()

BADGES = {
    "draft": "fr-badge--info",
    "signed": "fr-badge--success",
    "completed": "fr-badge--success",
    "terminated": "fr-badge--error",
    "scheduled": "fr-badge--info",
    "due": "fr-badge--new",
    "committed": "fr-badge--info",
    "paid": "fr-badge--success",
    "suspended": "fr-badge--warning",
    "cancelled": "fr-badge--error",
    "submitted": "fr-badge--new",
    "corrections": "fr-badge--warning",
    "accepted": "fr-badge--success",
    "open": "fr-badge--success",
    "closed": "fr-badge--info",
}


@register.filter
def badge(status: str) -> str:
    """The DSFR badge class of a workflow status."""
    return BADGES.get(status, "")


@register.filter
def euros(amount) -> str:
    """12345 → "12 345 €" (a non-breaking space before the euro sign)."""
    if amount in (None, ""):
        return ""
    return format_euros(int(amount))
