"""The registry of periodic jobs, run by `manage.py scheduler` beside the task worker.

An app declares a job in its `jobs.py` (imported at start-up by `CoreConfig.ready()`)::

    @periodic("0 7 * * *", name="followup.reminders", description=gettext_noop("Relances des rapports"))
    def send_report_reminders(*, now: datetime) -> str:
        ...  # idempotent: safe to run twice for the same `now`
        return "3 relances envoyées"

The scheduler (APScheduler, cron syntax in `settings.TIME_ZONE`) does not run the job itself: at each fire
time it enqueues `core.tasks.run_periodic_job_task(job=name, at=<fire time>)` on the task queue, so the work is
done by the task workers with their retries and logs. `run_job` then records one `JobRun` per (job, fire time)
— unique, so the same fire time enqueued twice runs once — and calls the function with `now` = the fire time.
Tests and operators call `run_job(name, now=…)` (or `manage.py run_job name --at …`) to drive a job at a fixed
date, with no sleeping.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

JobFunction = Callable[..., object]


@dataclass(frozen=True)
class Job:
    name: str
    cron: str  # five fields: minute hour day month weekday
    function: JobFunction
    description: str = ""


JOBS: dict[str, Job] = {}


def periodic(cron: str, *, name: str, description: str = "") -> Callable[[JobFunction], JobFunction]:
    """Register `function(*, now: datetime) -> str | int | None` as the periodic job `name`."""
    if len(cron.split()) != 5:
        raise ValueError(f"{name}: a cron expression has five fields, got {cron!r}")

    def register(function: JobFunction) -> JobFunction:
        existing = JOBS.get(name)
        if existing is not None and existing.function.__qualname__ != function.__qualname__:
            raise ValueError(f"two periodic jobs are named {name!r}")
        JOBS[name] = Job(name=name, cron=cron, function=function, description=description)
        return function

    return register


class AlreadyRan(Exception):
    """This job already ran (or is running) for this scheduled time."""


def run_job(name: str, *, now: datetime | None = None) -> str:
    """Run job `name` for the scheduled time `now` (default: this minute), once: returns its result as text.

    Raises KeyError for an unknown job and AlreadyRan when a run for the same (job, time) exists."""
    from .models import JobRun, JobRunStatus

    job = JOBS[name]
    moment = (now or timezone.now()).replace(microsecond=0)
    try:
        with transaction.atomic():
            run = JobRun.objects.create(job=name, scheduled_for=moment)
    except IntegrityError:
        # A run that failed (an error, or its worker lost: core.lost_tasks) may be taken again, by one caller.
        retaken = JobRun.objects.filter(job=name, scheduled_for=moment, status=JobRunStatus.FAILED).update(
            status=JobRunStatus.RUNNING, started_at=timezone.now(), finished_at=None, result=""
        )
        if not retaken:
            raise AlreadyRan(f"{name} already ran for {moment.isoformat()}") from None
        run = JobRun.objects.get(job=name, scheduled_for=moment)
    try:
        result = job.function(now=moment)
    except Exception as error:
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRunStatus.FAILED, finished_at=timezone.now(), result=repr(error)[:2000]
        )
        logger.exception("periodic job %s failed for %s", name, moment.isoformat())
        raise
    text = "" if result is None else str(result)
    JobRun.objects.filter(pk=run.pk).update(status=JobRunStatus.DONE, finished_at=timezone.now(), result=text)
    logger.info("periodic job %s for %s: %s", name, moment.isoformat(), text)
    return text
