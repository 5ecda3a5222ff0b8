"""The atlas index in background mode (production): after an edit, requests keep getting the previous index
at once (no request waits for a rebuild) and the rebuilt one is swapped in by the process's own thread;
another process's edit reaches it through the shared generation number, with no query on the request path."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.places import PlaceFactory
from tierslieux.core.cache import namespace_bump
from tierslieux.places import index

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def background(settings):
    settings.ATLAS_INDEX_BACKGROUND = True
    index.invalidate()
    index._state["index"] = None
    yield
    index.stop_poller()
    index._state["index"] = None
    index.invalidate()


def _wait(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    raise AssertionError("the background rebuild did not happen in time")


def test_an_edit_is_swapped_in_by_the_background_thread_and_requests_never_wait(background):
    PlaceFactory.create_batch(3)
    first = index.get_index()
    assert len(first) == 3
    with CaptureQueriesContext(connection) as queries:  # the freshness check costs nothing on a request
        for _ in range(50):
            assert index.get_index() is first
    assert len(queries) == 0

    PlaceFactory()  # committed (transactional test)
    index.invalidate()  # what the services do after a write
    assert index.get_index() is first or len(index.get_index()) == 4  # never blocks: old or already new
    _wait(lambda: len(index.get_index()) == 4)


def test_an_edit_in_another_process_arrives_through_the_shared_generation(background):
    PlaceFactory.create_batch(2)
    assert len(index.get_index()) == 2
    _wait(lambda: index._state["poller"] is not None and index._state["poller"].is_alive())
    # Another process wrote a place (here: a row written without this process's services) and bumped the
    # shared generation after its commit.
    from tierslieux.places.models import Place

    template = Place.objects.first()
    Place.objects.create(
        name="Écrit ailleurs",
        slug="ecrit-ailleurs",
        commune=template.commune,
        lon=template.lon,
        lat=template.lat,
    )
    namespace_bump("places")
    _wait(lambda: len(index.get_index()) == 3)
