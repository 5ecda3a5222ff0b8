"""Periodic jobs of the atlas (tierslieux/core/jobs.py)."""

from __future__ import annotations

from datetime import datetime

from tierslieux.core.jobs import periodic

from .services import places_remind_verification


@periodic(
    "0 9 * * *", name="places.verification_reminders", description="Rappel annuel de vérification des fiches"
)
def verification_reminders(*, now: datetime) -> str:
    """Every day: email the managers of places not verified for a year (each at most once a year)."""
    return f"{places_remind_verification(now=now)} email(s)"
