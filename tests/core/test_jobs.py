"""Periodic jobs (tierslieux/core/jobs.py, scheduler.py): registered by name, run once per scheduled time,
driven at fixed dates in tests; the scheduler's heartbeat and lease."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tierslieux.core import jobs
from tierslieux.core.jobs import JOBS, AlreadyRan, periodic, run_job
from tierslieux.core.models import JobRun, JobRunStatus, SchedulerHeartbeat
from tierslieux.core.scheduler import enqueue, heartbeat

PARIS = ZoneInfo("Europe/Paris")
AT = datetime(2026, 12, 1, 7, 0, tzinfo=PARIS)
calls: list[datetime] = []


@pytest.fixture
def counting_job():
    @periodic("0 7 * * *", name="tests.counting", description="compte")
    def counting(*, now):
        calls.append(now)
        return f"{len(calls)} run(s)"

    calls.clear()
    yield counting
    JOBS.pop("tests.counting")


@pytest.fixture
def failing_job():
    @periodic("0 * * * *", name="tests.failing")
    def failing(*, now):
        raise RuntimeError("boom")

    yield failing
    JOBS.pop("tests.failing")


@pytest.mark.django_db
def test_a_job_runs_once_per_scheduled_time(counting_job):
    assert run_job("tests.counting", now=AT) == "1 run(s)"
    with pytest.raises(AlreadyRan):
        run_job("tests.counting", now=AT)
    assert run_job("tests.counting", now=AT + timedelta(days=1)) == "2 run(s)"
    assert calls == [AT, AT + timedelta(days=1)]
    done = JobRun.objects.filter(job="tests.counting").order_by("scheduled_for")
    assert [(run.status, run.result) for run in done] == [
        (JobRunStatus.DONE, "1 run(s)"),
        (JobRunStatus.DONE, "2 run(s)"),
    ]


@pytest.mark.django_db
def test_a_failing_job_is_recorded_failed_and_raises(failing_job):
    with pytest.raises(RuntimeError):
        run_job("tests.failing", now=AT)
    run = JobRun.objects.get(job="tests.failing")
    assert run.status == JobRunStatus.FAILED and "boom" in run.result and run.finished_at


@pytest.mark.django_db
def test_the_scheduler_enqueues_the_task_that_runs_the_job_for_its_minute(counting_job):
    # Tests run tasks immediately: enqueuing is running. The fire time is truncated to its minute.
    enqueue("tests.counting", fire_time=AT + timedelta(seconds=3, microseconds=5))
    enqueue("tests.counting", fire_time=AT + timedelta(seconds=40))  # the same minute, enqueued twice
    assert calls == [AT]


@pytest.mark.django_db
def test_run_job_command(counting_job, capsys):
    call_command("run_job", "tests.counting", "--at", "2026-12-01T07:00")
    assert "1 run(s)" in capsys.readouterr().out
    assert JobRun.objects.get().scheduled_for == AT
    with pytest.raises(CommandError, match="already ran"):
        call_command("run_job", "tests.counting", "--at", "2026-12-01T07:00")
    with pytest.raises(CommandError, match="unknown job"):
        call_command("run_job", "tests.nope")
    with pytest.raises(CommandError, match="--at"):
        call_command("run_job", "tests.counting", "--at", "demain")


def test_the_registry_refuses_bad_declarations():
    with pytest.raises(ValueError, match="five fields"):
        periodic("* * *", name="tests.bad")
    with pytest.raises(ValueError, match="two periodic jobs"):
        periodic("* * * * *", name="core.outbox_flush")(lambda *, now: None)


def test_every_registered_job_has_a_valid_cron_expression():
    from apscheduler.triggers.cron import CronTrigger

    assert "core.outbox_flush" in jobs.JOBS
    for job in jobs.JOBS.values():
        CronTrigger.from_crontab(job.cron, timezone="Europe/Paris")


@pytest.mark.django_db
def test_heartbeat_lease_one_holder_until_it_stops_beating():
    now = timezone.now()
    assert heartbeat(owner="a:1", now=now)
    assert not heartbeat(owner="b:2", now=now + timedelta(seconds=20))  # a holds it and beats
    assert heartbeat(owner="a:1", now=now + timedelta(seconds=20))
    # a stops beating: after the lease, b takes over and a has lost it.
    assert heartbeat(owner="b:2", now=now + timedelta(seconds=90))
    assert not heartbeat(owner="a:1", now=now + timedelta(seconds=95))
    row = SchedulerHeartbeat.objects.get()
    assert row.owner == "b:2" and row.beat_at == now + timedelta(seconds=90)


def test_scheduler_list(capsys):
    call_command("scheduler", "--list")
    assert "core.outbox_flush" in capsys.readouterr().out
