"""Background tasks of the alerts: one batch of subscriptions to send, enqueued by the periodic jobs."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task


@task()
def send_alerts_batch_task(*, subscription_ids: list[int], until: str) -> dict[str, int]:
    """Send what is new up to `until` (ISO 8601) for each subscription of the batch (resumable)."""
    from .services import alerts_send_batch

    return alerts_send_batch(subscription_ids=subscription_ids, until=datetime.fromisoformat(until))
