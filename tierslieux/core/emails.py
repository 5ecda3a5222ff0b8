"""The one way the platform sends an email, through an outbox.

A message is three templates, `emails/<name>-subject.txt`, `emails/<name>-body.txt` and
`emails/<name>-body.html`. `email_send` renders them and stores an `OutboxEmail` row **in the current
transaction**: a rolled-back action sends nothing, a committed one always has its email. Once the transaction
commits, a background task delivers it (`core.outbox.outbox_deliver`, which also retries what the SMTP server
refused: see `core/outbox.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from .models import OutboxEmail
from .tasks import deliver_email_task


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
    # The engine's own Template (`.template`) renders without autoescape; the stubs do not declare it.
    text: str = get_template(template_name).template.render(  # type: ignore[attr-defined]
        Context(dict(context), autoescape=False)
    )
    return text


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
