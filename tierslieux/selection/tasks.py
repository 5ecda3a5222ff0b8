"""Background tasks of the selection optimiser (enqueued after commit by `services.run_start` and
`services.run_replay`); the computations are `computing.py`'s."""

from django_tasks import task

from .computing import run_execute, run_replay_execute


@task()
def run_scenario_task(*, run_id: int) -> str:
    """Compute a stored run; returns its final status."""
    return run_execute(run_id=run_id).status


@task()
def run_replay_task(*, run_id: int) -> bool | None:
    """Replay a finished run from its stored inputs; returns whether the result is identical."""
    return run_replay_execute(run_id=run_id).replay_identical
