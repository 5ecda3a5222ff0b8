"""Background tasks of the atlas (django-tasks)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def remind_verification_task(now: str | None = None) -> int:
    """Yearly reminder to the managers to confirm their places (`services.places_remind_verification`);
    `now`: an ISO datetime, for a run at a fixed date. Idempotent."""
    from .services import places_remind_verification

    return places_remind_verification(now=dt.datetime.fromisoformat(now) if now else None)
