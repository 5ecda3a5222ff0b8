"""Every periodic job the apps declare is registered and runs through the scheduler's entry point."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tierslieux.core.jobs import JOBS, run_job

EXPECTED = {
    "core.outbox_flush",
    "places.verification_reminders",
    "calls.reviewer_reminders",
}


def test_the_apps_jobs_are_registered():
    assert EXPECTED <= set(JOBS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["places.verification_reminders", "calls.reviewer_reminders"])
def test_reminder_jobs_run_at_a_fixed_date_with_nothing_due(name):
    assert run_job(name, now=datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))) == "0 email(s)"
