"""Reads of the alerts: suppression, the subscriptions of an address or an account, what is due."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from tierslieux.accounts.models import User

from . import workflow
from .models import Recipient, Subscription, Suppression


def address_normalise(email: str) -> str:
    return (email or "").strip().lower()


def address_hash(email: str) -> str:
    """SHA-256 of the normalised address: what the suppression list keeps."""
    return hashlib.sha256(address_normalise(email).encode()).hexdigest()


def is_suppressed(email: str) -> bool:
    """True when alerts may never mail `email` again (unsubscribed from everything, or bounced)."""
    return bool(email) and Suppression.objects.filter(address_hash=address_hash(email)).exists()


def recipient_for(email: str) -> Recipient | None:
    email = address_normalise(email)
    return Recipient.objects.filter(email=email).first() if email else None


def recipients_of_user(user: User | AnonymousUser | None) -> QuerySet[Recipient]:
    """The addresses of a signed-in person: linked to the account, or equal to its (confirmed) address."""
    if user is None or not user.is_authenticated:
        return Recipient.objects.none()
    return Recipient.objects.filter(
        Q(user=user) | Q(email=address_normalise(user.email)), email__isnull=False
    )


def live_subscriptions(recipients: Recipient | Iterable[Recipient]) -> QuerySet[Subscription]:
    """Pending and active subscriptions of `recipients` (a queryset or a list), newest first."""
    if isinstance(recipients, Recipient):
        recipients = [recipients]
    return (
        Subscription.objects.filter(recipient__in=recipients, status__in=workflow.LIVE)
        .select_related("recipient")
        .order_by("-created_at", "-id")
    )


def pending_subscriptions(recipient: Recipient, now: datetime) -> QuerySet[Subscription]:
    return Subscription.objects.filter(
        recipient=recipient, status=workflow.PENDING, expires_at__gt=now
    ).order_by("created_at", "id")


def due_subscription_ids(frequency: str, until: datetime) -> list[int]:
    """Active subscriptions of `frequency` whose items up to `until` were not all considered yet."""
    return list(
        Subscription.objects.filter(status=workflow.ACTIVE, frequency=frequency, covered_until__lt=until)
        .order_by("id")
        .values_list("pk", flat=True)
    )
