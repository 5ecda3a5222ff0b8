"""Tasks whose worker died are never silently lost.

django-tasks-db marks a task RUNNING when a worker claims it (appending the worker's id to `worker_ids`) and
SUCCESSFUL or FAILED when it returns or raises; a worker stopped by SIGTERM/SIGINT finishes its task first
(a second signal fails it). A worker killed outright (SIGKILL, out of memory, the machine lost) leaves the
row RUNNING for ever: nothing in the library looks at it again.

The periodic job `core.recover_lost_tasks` takes every row RUNNING for more than `TASK_STALE_SECONDS` (longer
than any task of the platform runs) and puts it back in the queue (READY: the same row, so its history stays
one row; `worker_ids` counts the attempts), or, after `MAX_ATTEMPTS` claims, marks it FAILED with a
`WorkerLost` error that the admin and `/sante/` show. The platform's tasks are safe to run again (the outbox
claims each email, periodic jobs run once per fire time, a selection run starts only from "pending").
A periodic job's own record (`core.JobRun`) left RUNNING by the dead worker is marked FAILED too, so the
retried task can run the job for its fire time.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .jobs import periodic

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
WORKER_LOST = "tierslieux.core.lost_tasks.WorkerLost"


class WorkerLost(Exception):
    """The worker running the task stopped before the task finished."""


@periodic("*/5 * * * *", name="core.recover_lost_tasks", description="Relance les tâches d’un worker arrêté")
def recover_lost_tasks(*, now: datetime) -> str:
    from django_tasks_db.models import DBTaskResult

    from .models import JobRun, JobRunStatus

    limit = now - timedelta(seconds=settings.TASK_STALE_SECONDS)
    requeued = failed = 0
    with transaction.atomic():
        lost = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status="RUNNING", started_at__lt=limit
        )
        for row in lost:
            worker = row.worker_ids[-1] if row.worker_ids else "?"
            if len(row.worker_ids) < MAX_ATTEMPTS:
                row.status, row.run_after = "READY", min(now, timezone.now())
                row.save(update_fields=["status", "run_after"])
                requeued += 1
                logger.warning("task %s (%s): worker %s lost, queued again", row.pk, row.task_path, worker)
            else:
                row.status, row.finished_at, row.return_value = "FAILED", now, None
                row.exception_class_path = WORKER_LOST
                row.traceback = (
                    f"{WORKER_LOST}: the worker stopped during attempt {len(row.worker_ids)} "
                    f"(workers {', '.join(row.worker_ids)}); not retried after {MAX_ATTEMPTS} attempts\n"
                )
                row.save(
                    update_fields=[
                        "status",
                        "finished_at",
                        "return_value",
                        "exception_class_path",
                        "traceback",
                    ]
                )
                failed += 1
                logger.error("task %s (%s): worker %s lost, marked failed", row.pk, row.task_path, worker)
        JobRun.objects.filter(status=JobRunStatus.RUNNING, started_at__lt=limit).update(
            status=JobRunStatus.FAILED, finished_at=now, result="worker lost"
        )
    return f"{requeued} queued again, {failed} failed"
