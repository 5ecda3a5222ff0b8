"""The scheduler process (`manage.py scheduler`): fires each registered periodic job (`core.jobs`) at its cron
times by enqueuing `run_periodic_job_task` on the task queue, and beats a heartbeat row that `/sante/` reads.

Several schedulers may run (one per machine, for availability): they share a lease through their heartbeat
row, and only the holder enqueues; a standby takes the lease over when the holder has not beaten for
`LEASE_SECONDS`. Even if two enqueued the same fire time, `JobRun`'s unique (job, time) runs it once."""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from .jobs import JOBS
from .models import SchedulerHeartbeat
from .tasks import run_periodic_job_task

logger = logging.getLogger(__name__)

BEAT_SECONDS = 20
LEASE_SECONDS = 60


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def heartbeat(*, name: str = "default", owner: str, now: datetime | None = None) -> bool:
    """Beat for `owner`; True when `owner` holds (or has just taken) the lease of scheduler `name`."""
    now = now or timezone.now()
    SchedulerHeartbeat.objects.get_or_create(name=name, defaults={"owner": owner, "beat_at": now})
    expired = now - timedelta(seconds=LEASE_SECONDS)
    return bool(
        SchedulerHeartbeat.objects.filter(Q(owner=owner) | Q(beat_at__lt=expired), name=name).update(
            owner=owner, beat_at=now
        )
    )


def enqueue(job: str, *, fire_time: datetime) -> None:
    """Enqueue one run of `job` for `fire_time` (the minute the cron expression matched)."""
    run_periodic_job_task.enqueue(job=job, at=fire_time.replace(second=0, microsecond=0).isoformat())


class Scheduler:
    """APScheduler's blocking scheduler with one cron trigger per registered job and a heartbeat."""

    def __init__(self, *, name: str = "default") -> None:
        from apscheduler.schedulers.blocking import BlockingScheduler

        self.name = name
        self.owner = owner_id()
        self.holds_lease = False
        self.scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)

    def _beat(self) -> None:
        close_old_connections()
        held = heartbeat(name=self.name, owner=self.owner)
        if held != self.holds_lease:
            logger.info("scheduler %s: %s the lease", self.owner, "holds" if held else "lost")
        self.holds_lease = held

    def _fire(self, job: str) -> None:
        close_old_connections()
        if not self.holds_lease:
            return
        enqueue(job, fire_time=timezone.now())

    def start(self) -> None:
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        self._beat()
        self.scheduler.add_job(self._beat, IntervalTrigger(seconds=BEAT_SECONDS), id="heartbeat")
        for job in JOBS.values():
            trigger = CronTrigger.from_crontab(job.cron, timezone=settings.TIME_ZONE)
            self.scheduler.add_job(
                self._fire, trigger, args=[job.name], id=job.name, coalesce=True, misfire_grace_time=300
            )
            logger.info("scheduler: %s at '%s'", job.name, job.cron)
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.shutdown(wait=False)
