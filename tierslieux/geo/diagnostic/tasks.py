from django_tasks import task

from .services import coverage_update_places


@task()
def coverage_update_places_task(*, place_ids: list[int]) -> int:
    """Update the stored coverage after places changed; returns the number of communes rewritten."""
    run = coverage_update_places(place_ids=place_ids)
    return run.changed_communes if run is not None else 0
