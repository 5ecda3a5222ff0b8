"""Run one periodic job now, or for a given time: `manage.py run_job core.outbox_flush [--at 2026-12-01T07:00]`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tierslieux.core.jobs import JOBS, AlreadyRan, run_job


class Command(BaseCommand):
    help = "Run a periodic job once, for now or for --at (ISO 8601, local time when no offset is given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", help="job name (manage.py scheduler --list)")
        parser.add_argument("--at", help="scheduled time, e.g. 2026-12-01T07:00")

    def handle(self, *args: Any, job: str, at: str | None, **options: Any) -> None:
        if job not in JOBS:
            raise CommandError(f"unknown job {job!r}; known: {', '.join(sorted(JOBS))}")
        now = None
        if at:
            try:
                now = datetime.fromisoformat(at)
            except ValueError as error:
                raise CommandError(f"--at: {error}") from None
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        try:
            self.stdout.write(run_job(job, now=now))
        except AlreadyRan as already:
            raise CommandError(str(already)) from None
