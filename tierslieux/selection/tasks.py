"""Background task of the selection optimiser (enqueued after commit by `services.run_start`)."""

from django_tasks import task

from .services import run_execute


@task()
def run_scenario_task(*, run_id: int) -> str:
    """Compute a stored run; returns its final status."""
    return run_execute(run_id=run_id).status
