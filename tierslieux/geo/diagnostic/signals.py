"""Place changes schedule an incremental update of the stored coverage, once per transaction, after commit."""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tierslieux.places.models import Place

_pending: set[int] = set()
_lock = threading.Lock()


def _enqueue_pending() -> None:
    with _lock:
        ids = sorted(_pending)
        _pending.clear()
    if ids:
        from .tasks import coverage_update_places_task

        coverage_update_places_task.enqueue(place_ids=ids)


def place_changed(place_id: int) -> None:
    """Remember `place_id`; one task carries every place changed in the transaction (cheap: no query)."""
    with _lock:
        _pending.add(int(place_id))
    transaction.on_commit(_enqueue_pending)


@receiver(post_save, sender=Place, dispatch_uid="diagnostic-place-saved")
def _place_saved(sender, instance: Place, raw: bool = False, **kwargs) -> None:
    if not raw:
        place_changed(instance.pk)


@receiver(post_delete, sender=Place, dispatch_uid="diagnostic-place-deleted")
def _place_deleted(sender, instance: Place, **kwargs) -> None:
    place_changed(instance.pk)
