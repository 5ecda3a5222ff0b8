"""Periodic jobs of the alerts (tierslieux/core/jobs.py): sending by frequency, expiry, retention.

A sending job only enqueues batches (`tasks.send_alerts_batch_task`): the task workers send them. Each
subscription is sent in its own transaction and moves its `covered_until` forward with its email, so a run
that stops half-way is finished by the next one, with nothing sent twice."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext_noop

from tierslieux.core.jobs import periodic

from . import selectors, services
from .models import Frequency
from .tasks import send_alerts_batch_task


def batch_size() -> int:
    return int(getattr(settings, "ALERTS_BATCH_SIZE", 200))


def enqueue_due(frequency: str, *, now: datetime) -> str:
    """Enqueue the due subscriptions of `frequency` in batches; returns what was enqueued."""
    ids = selectors.due_subscription_ids(frequency, now)
    size = batch_size()
    batches = [ids[start : start + size] for start in range(0, len(ids), size)]
    for batch in batches:
        send_alerts_batch_task.enqueue(subscription_ids=batch, until=now.isoformat())
    return f"{len(ids)} abonnement(s) en {len(batches)} lot(s)"


@periodic("*/5 * * * *", name="alerts.send_immediate", description=gettext_noop("Alertes immédiates"))
def send_immediate(*, now: datetime) -> str:
    return enqueue_due(Frequency.IMMEDIATE, now=now)


@periodic("0 7 * * *", name="alerts.send_daily", description=gettext_noop("Résumés quotidiens des alertes"))
def send_daily(*, now: datetime) -> str:
    return enqueue_due(Frequency.DAILY, now=now)


@periodic(
    "0 7 * * 1", name="alerts.send_weekly", description=gettext_noop("Résumés hebdomadaires des alertes")
)
def send_weekly(*, now: datetime) -> str:
    return enqueue_due(Frequency.WEEKLY, now=now)


@periodic(
    "20 * * * *",
    name="alerts.expire_pending",
    description=gettext_noop("Expiration des demandes non confirmées"),
)
def expire_pending(*, now: datetime) -> str:
    return f"{services.pending_expire(now=now)} demande(s) expirée(s)"


@periodic(
    "40 3 * * *", name="alerts.retention", description=gettext_noop("Durée de conservation des alertes")
)
def retention(*, now: datetime) -> str:
    return f"{services.retention_apply(now=now)} entrée(s) du registre anonymisée(s)"
