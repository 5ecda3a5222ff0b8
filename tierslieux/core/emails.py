"""The one way the platform sends an email, through an outbox.

A message is three templates, `emails/<name>-subject.txt`, `emails/<name>-body.txt` and
`emails/<name>-body.html`. `email_send` renders them and stores an `OutboxEmail` row **in the current
transaction**: a rolled-back action sends nothing, a committed one always has its email. Once the transaction
commits, a background task delivers it (`outbox_deliver`); when the SMTP server is down the row stays in the
outbox and the periodic job `core.outbox_flush` retries it with an exponential backoff until it is sent (or
abandoned after `EMAIL_OUTBOX_MAX_ATTEMPTS`).

Never twice: a row is claimed by one atomic UPDATE (`pending` → `sending`, with a lease) before the SMTP
conversation, and marked `sent` right after it. A worker killed between the two leaves a `sending` row whose
lease expires; the flush job puts it back to be sent (the one case where a message may arrive twice: the SMTP
server accepted it a moment before the worker died; every message carries a stable Message-ID so mail systems
can recognise the duplicate).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from .jobs import periodic
from .models import OutboxEmail, OutboxStatus
from .tasks import deliver_email_task

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
"""How long a worker may hold an email it is sending before another one may take it back."""


def render_email(name: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """Render the subject (one line), plain-text body and HTML body of email template `name`.

    The subject and the plain-text body are rendered without HTML escaping (a first name "O'Brien" stays as
    typed), the HTML body with it."""
    full_context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(_render_plain(f"emails/{name}-subject.txt", full_context).split())
    text = _render_plain(f"emails/{name}-body.txt", full_context)
    html = render_to_string(f"emails/{name}-body.html", full_context)
    return subject, text, html


def _render_plain(template_name: str, context: Mapping[str, Any]) -> str:
    return get_template(template_name).template.render(Context(dict(context), autoescape=False))


def email_send(
    *,
    name: str,
    to: Iterable[str],
    context: Mapping[str, Any] | None = None,
    reply_to: Iterable[str] = (),
    headers: Mapping[str, str] | None = None,
) -> OutboxEmail | None:
    """Store email `name` to `to` in the outbox (optional `reply_to` addresses and extra `headers`, e.g.
    `List-Unsubscribe`), delivered once the current transaction commits. Returns the outbox row (None when
    there is no recipient)."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    subject, text, html = render_email(name, context or {})
    email = OutboxEmail.objects.create(
        name=name,
        to=recipients,
        reply_to=sorted(set(reply_to)),
        subject=subject[:300],
        text=text,
        html=html,
        headers=dict(headers or {}),
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: deliver_email_task.enqueue(email_id=email.pk))
    return email


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
