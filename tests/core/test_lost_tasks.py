"""A worker killed mid-task: the task is queued again (or, after MAX_ATTEMPTS, reported failed), never left
RUNNING for ever (tierslieux/core/lost_tasks.py). With a real `manage.py db_worker` killed by SIGKILL."""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.core.processes import PYTHON, production_env, start, stop, wait_for
from tests.core.slow_tasks import slow_task
from tierslieux.core.jobs import run_job
from tierslieux.core.lost_tasks import MAX_ATTEMPTS, WORKER_LOST
from tierslieux.core.models import JobRun, JobRunStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _worker(tmp_path, name: str, *extra: str):
    command = [
        PYTHON,
        "manage.py",
        "db_worker",
        "--interval",
        "0.2",
        "--no-startup-delay",
        "--no-reload",
        *extra,
    ]
    return start(command, production_env(), tmp_path / f"{name}.log")


def test_a_task_whose_worker_is_killed_runs_again_to_completion(database_queue, tmp_path, settings):
    marker = tmp_path / "marker.txt"
    result = slow_task.enqueue(marker=str(marker), seconds=3)
    worker = _worker(tmp_path, "first")
    try:
        wait_for(
            lambda: marker.exists() and "started" in marker.read_text(), timeout=60, what="the task to start"
        )
    finally:
        stop(worker, sig=signal.SIGKILL)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "RUNNING" and len(row.worker_ids) == 1  # what django-tasks-db leaves behind

    # Not yet stale: left alone (a long task is not a lost one).
    assert run_job("core.recover_lost_tasks", now=timezone.now()) == "0 queued again, 0 failed"
    settings.TASK_STALE_SECONDS = 0
    assert (
        run_job("core.recover_lost_tasks", now=timezone.now() + timedelta(minutes=5))
        == "1 queued again, 0 failed"
    )
    row.refresh_from_db()
    assert row.status == "READY"

    second = _worker(tmp_path, "second", "--batch")
    try:
        second.wait(timeout=120)
    finally:
        stop(second)
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL" and row.return_value == "done"
    assert len(row.worker_ids) == 2
    assert marker.read_text().splitlines() == ["started", "started", "done"]


def test_after_too_many_lost_attempts_the_task_is_reported_failed(database_queue, settings):
    settings.TASK_STALE_SECONDS = 60
    result = slow_task.enqueue(marker="/nonexistent/marker", seconds=0)
    started = (timezone.now() - timedelta(hours=1)).replace(microsecond=0)
    workers = [f"worker-{n}" for n in range(MAX_ATTEMPTS)]
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING", started_at=started, worker_ids=workers)
    JobRun.objects.create(job="core.outbox_flush", scheduled_for=started)
    JobRun.objects.filter(job="core.outbox_flush").update(started_at=started)

    assert run_job("core.recover_lost_tasks", now=timezone.now()) == "0 queued again, 1 failed"
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and row.exception_class_path == WORKER_LOST and row.finished_at
    assert "worker-2" in row.traceback and str(MAX_ATTEMPTS) in row.traceback
    # The task result API reports it failed, with the error.
    reported = slow_task.get_result(result.id)
    assert reported.status == "FAILED" and reported.errors[0].exception_class_path == WORKER_LOST
    # The periodic job run the dead worker held can be run again for its fire time.
    lost_run = JobRun.objects.get(job="core.outbox_flush")
    assert lost_run.status == JobRunStatus.FAILED and lost_run.result == "worker lost"
    assert run_job("core.outbox_flush", now=started) == "nothing due"
    assert JobRun.objects.get(job="core.outbox_flush").status == JobRunStatus.DONE
