"""The health of one web node, for a load balancer and for monitoring (`/sante/`).

Each check answers `Check(ok, detail…)`. The database decides whether this node can serve: down, `/sante/`
answers 503 and the load balancer takes the node out. The others (task queue, scheduler heartbeat, outbox
backlog, SMTP) are shared by every node, so taking nodes out would not help: they make the status "degraded"
with a 200, unless `?strict=1` (monitoring) asks for 503 on any failed check.
"""

from __future__ import annotations

import smtplib
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

SMTP_CACHE_SECONDS = 30.0
"""The SMTP probe opens a connection: its answer is kept this long so frequent probes cost nothing."""


@dataclass
class Check:
    ok: bool
    detail: dict[str, Any] = field(default_factory=dict)


def _age(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else round((now - moment).total_seconds(), 1)


def check_database() -> Check:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 (a health check: any failure means this node cannot serve)
        return Check(False, {"error": type(error).__name__})
    return Check(True, {"ms": round((time.perf_counter() - started) * 1000, 1)})


def check_tasks(now: datetime) -> Check:
    """The task queue: how many tasks wait to run and how long the oldest has waited."""
    from django.db.models import Count, Min, Q
    from django_tasks_db.models import DBTaskResult, get_date_max

    ready = Q(status="READY") & (Q(run_after__lte=now) | Q(run_after=get_date_max()))
    summary = DBTaskResult.objects.filter(ready).aggregate(waiting=Count("id"), oldest=Min("enqueued_at"))
    running = DBTaskResult.objects.filter(status="RUNNING").count()
    age = _age(summary["oldest"], now)
    return Check(
        age is None or age <= settings.HEALTH_TASK_MAX_AGE,
        {"waiting": summary["waiting"], "running": running, "oldest_waiting_s": age},
    )


def check_scheduler(now: datetime) -> Check:
    from .models import SchedulerHeartbeat

    beat = SchedulerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    age = _age(beat, now)
    return Check(age is not None and age <= settings.HEALTH_SCHEDULER_MAX_AGE, {"last_beat_s": age})


def check_outbox(now: datetime) -> Check:
    from django.db.models import Count, Min

    from .models import OutboxEmail, OutboxStatus

    summary = OutboxEmail.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]).aggregate(
        backlog=Count("id"), oldest=Min("created_at")
    )
    failed = OutboxEmail.objects.filter(status=OutboxStatus.FAILED).count()
    age = _age(summary["oldest"], now)
    return Check(
        age is None or age <= settings.HEALTH_OUTBOX_MAX_AGE,
        {"backlog": summary["backlog"], "oldest_s": age, "abandoned": failed},
    )


_smtp_lock = threading.Lock()
_smtp_cache: dict[str, Any] = {"at": -1e9, "check": None, "target": None}


def check_smtp() -> Check:
    """Whether the SMTP server answers a NOOP (connection, greeting, NOOP, QUIT), cached SMTP_CACHE_SECONDS."""
    target = (settings.EMAIL_HOST, settings.EMAIL_PORT)
    with _smtp_lock:
        cached: Check | None = _smtp_cache["check"]
        if (
            cached is not None
            and _smtp_cache["target"] == target
            and time.monotonic() - _smtp_cache["at"] < SMTP_CACHE_SECONDS
        ):
            return cached
        started = time.perf_counter()
        try:
            timeout = min(settings.EMAIL_TIMEOUT or 10, 3)
            with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=timeout) as smtp:
                code, _message = smtp.noop()
            check = Check(code == 250, {"ms": round((time.perf_counter() - started) * 1000, 1)})
        except (OSError, smtplib.SMTPException) as error:
            check = Check(False, {"error": type(error).__name__})
        _smtp_cache.update(at=time.monotonic(), check=check, target=target)
        return check


def health(*, now: datetime | None = None) -> tuple[str, dict[str, Check]]:
    """("ok" | "degraded" | "down", checks). "down" only when the database is unreachable."""
    now = now or timezone.now()
    database = check_database()
    checks: dict[str, Check] = {"database": database}
    if database.ok:
        probe: Callable[[], Check]
        for name, probe in (
            ("tasks", lambda: check_tasks(now)),
            ("scheduler", lambda: check_scheduler(now)),
            ("outbox", lambda: check_outbox(now)),
        ):
            try:
                checks[name] = probe()
            except Exception as error:  # noqa: BLE001 (any failure, a table missing…, is a failed check, not a 500)
                checks[name] = Check(False, {"error": type(error).__name__})
    checks["smtp"] = check_smtp()
    if not database.ok:
        return "down", checks
    return ("ok" if all(check.ok for check in checks.values()) else "degraded"), checks


def as_json(status: str, checks: dict[str, Check]) -> dict[str, Any]:
    return {"status": status, "checks": {name: asdict(check) for name, check in checks.items()}}
