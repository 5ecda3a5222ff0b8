"""Background tasks of the platform's own mechanisms: email delivery and periodic jobs."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task


@task()
def deliver_email_task(*, email_id: int) -> str:
    """Deliver one outbox email (`core.outbox.outbox_deliver`); a failure stays in the outbox for a retry."""
    from .outbox import outbox_deliver

    return outbox_deliver(email_id=email_id)


@task()
def run_periodic_job_task(*, job: str, at: str) -> str:
    """Run periodic job `job` for its scheduled time `at` (ISO 8601), once (`core.jobs.run_job`)."""
    from .jobs import AlreadyRan, run_job

    try:
        return run_job(job, now=datetime.fromisoformat(at))
    except AlreadyRan as already:
        return str(already)
