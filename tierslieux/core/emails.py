"""The one way the platform sends an email.

A message is three templates, `emails/<name>-subject.txt`, `emails/<name>-body.txt` and
`emails/<name>-body.html`, rendered now and sent by a background task once the current transaction has
committed: a rolled-back action never sends anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string

from .tasks import send_email_task


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
    *, name: str, to: Iterable[str], context: Mapping[str, Any] | None = None, reply_to: Iterable[str] = ()
) -> None:
    """Queue email `name` to `to` (optional `reply_to` addresses), sent after the current transaction
    commits."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    subject, text, html = render_email(name, context or {})
    extra = {"reply_to": sorted(set(reply_to))} if reply_to else {}
    transaction.on_commit(
        lambda: send_email_task.enqueue(subject=subject, text=text, html=html, to=recipients, **extra)
    )
