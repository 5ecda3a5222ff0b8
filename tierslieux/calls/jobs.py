"""Periodic jobs of the calls (tierslieux/core/jobs.py)."""

from __future__ import annotations

from datetime import datetime

from tierslieux.core.jobs import periodic

from .review.services import reviewers_remind


@periodic("0 8 * * *", name="calls.reviewer_reminders", description="Relance des instructeurs en retard")
def reviewer_reminders(*, now: datetime) -> str:
    """Every day: remind late reviewers (each at most every REMINDER_INTERVAL)."""
    return f"{reviewers_remind(now=now)} email(s)"
