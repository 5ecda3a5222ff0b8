"""Background task: remind late reviewers (scheduled by cron through `manage.py remind_reviewers --enqueue`)."""

from django_tasks import task


@task()
def remind_reviewers_task() -> int:
    from .services import reviewers_remind

    return reviewers_remind()
