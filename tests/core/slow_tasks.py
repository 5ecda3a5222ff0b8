"""A task for the fault tests: it says when it starts, then takes its time (the worker is killed meanwhile)."""

from __future__ import annotations

import time
from pathlib import Path

from django_tasks import task


@task()
def slow_task(*, marker: str, seconds: float) -> str:
    path = Path(marker)
    with path.open("a") as handle:
        handle.write("started\n")
    time.sleep(seconds)
    with path.open("a") as handle:
        handle.write("done\n")
    return "done"
