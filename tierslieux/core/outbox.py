"""Delivery of the outbox (`core.OutboxEmail`, filled by `core.emails.email_send`).

Once the transaction that stored an email commits, a background task delivers it (`outbox_deliver`); when the
SMTP server is down the row stays in the outbox and the periodic job `core.outbox_flush` retries it with an
exponential backoff until it is sent (or abandoned after `EMAIL_OUTBOX_MAX_ATTEMPTS`).

Never twice: a row is claimed by one atomic UPDATE (`pending` → `sending`, with a lease) before the SMTP
conversation, and marked `sent` right after it. A worker killed between the two leaves a `sending` row whose
lease expires; the flush job puts it back to be sent (the one case where a message may arrive twice: the SMTP
server accepted it a moment before the worker died; every message carries a stable Message-ID so mail systems
can recognise the duplicate).
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.utils import timezone

from .jobs import periodic
from .models import OutboxEmail, OutboxStatus

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
"""How long a worker may hold an email it is sending before another one may take it back."""


def backoff(attempts: int) -> timedelta:
    """The wait before attempt `attempts + 1`: 1, 2, 4, 8… minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _claim(email_id: int, now: datetime) -> bool:
    """Take email `email_id` for sending if it is due and nobody holds it (one atomic UPDATE)."""
    due = Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, lease_until__lt=now
    )
    return bool(
        OutboxEmail.objects.filter(due, pk=email_id).update(
            status=OutboxStatus.SENDING, lease_until=now + LEASE
        )
    )


def _message(email: OutboxEmail) -> EmailMultiAlternatives:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    headers = {"Message-ID": f"<outbox-{email.pk}-{email.created_at:%Y%m%d%H%M%S}@{domain}>", **email.headers}
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        reply_to=email.reply_to or None,
        headers=headers,
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message


def outbox_deliver(*, email_id: int, now: datetime | None = None) -> str:
    """Send outbox email `email_id` if it is due; on an SMTP or network failure keep it for a later attempt."""
    now = now or timezone.now()
    if not _claim(email_id, now):
        return "not due"
    email = OutboxEmail.objects.get(pk=email_id)
    attempts = email.attempts + 1
    try:
        _message(email).send()
    except (smtplib.SMTPException, OSError) as error:
        abandoned = attempts >= settings.EMAIL_OUTBOX_MAX_ATTEMPTS
        OutboxEmail.objects.filter(pk=email_id).update(
            status=OutboxStatus.FAILED if abandoned else OutboxStatus.PENDING,
            attempts=attempts,
            next_attempt_at=now + backoff(attempts),
            lease_until=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        log = logger.error if abandoned else logger.warning
        log("email %s (%s) not sent, attempt %s: %s", email_id, email.name, attempts, error)
        return "failed" if abandoned else "retry"
    OutboxEmail.objects.filter(pk=email_id).update(
        status=OutboxStatus.SENT, attempts=attempts, sent_at=timezone.now(), lease_until=None, last_error=""
    )
    return "sent"


@periodic("* * * * *", name="core.outbox_flush", description="Envoie les courriels en attente de la file")
def outbox_flush(*, now: datetime) -> str:
    """Send every email that is due (first attempt missed, retry time reached, or lease of a dead worker
    expired)."""
    due = OutboxEmail.objects.filter(
        Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=OutboxStatus.SENDING, lease_until__lt=now)
    ).values_list("pk", flat=True)
    outcomes: dict[str, int] = {}
    for email_id in list(due[:500]):
        outcome = outbox_deliver(email_id=email_id, now=now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return ", ".join(f"{key}: {value}" for key, value in sorted(outcomes.items())) or "nothing due"
