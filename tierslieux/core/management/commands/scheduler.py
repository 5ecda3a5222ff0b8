"""Run the periodic-job scheduler (beside `db_worker`): `manage.py scheduler`."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tierslieux.core.jobs import JOBS
from tierslieux.core.scheduler import Scheduler


class Command(BaseCommand):
    help = "Enqueue each periodic job at its cron times (see tierslieux/core/jobs.py); Ctrl+C to stop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="default", help="scheduler group sharing one lease")
        parser.add_argument("--list", action="store_true", help="list the periodic jobs and exit")

    def handle(self, *args: Any, name: str, list: bool, **options: Any) -> None:
        if list:
            for job in sorted(JOBS.values(), key=lambda job: job.name):
                self.stdout.write(f"{job.name:40} {job.cron:15} {job.description}")
            return
        scheduler = Scheduler(name=name)
        signal.signal(signal.SIGTERM, lambda *_: scheduler.stop())
        self.stdout.write(f"scheduler: {len(JOBS)} periodic jobs")
        try:
            scheduler.start()
        except KeyboardInterrupt:
            scheduler.stop()
