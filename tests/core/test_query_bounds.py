"""The pages people open most do a bounded number of queries whatever the data size: measured at two sizes
(with 10× more places, communes and versions), exactly the same number of queries."""

from __future__ import annotations

import math

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories.geo import CommuneFactory
from tests.factories.places import PlaceFactory
from tierslieux.places import index

pytestmark = pytest.mark.django_db

# A place page also shows its provenance (issue 9): its sources, its last change and what it lacks (which
# depends on whether it has managers) — three reads of this one place's rows, the same whatever the data
# size (the versions read is limited to the last two), hence 15 rather than 14; and its photos and its contact
# route (whether it has an active manager to relay a message to), hence 17.
# django-dsfr's own SITE_CONFIG context processor (two reads of its DsfrConfig table on every page, whose
# value core.context_processors.platform replaced anyway) is no longer installed: 2 fewer on each.
QUERIES = {"home": 10, "atlas": 5, "place": 15, "commune": 13}


def _world(size: int):
    communes = CommuneFactory.create_batch(max(2, size // 5))
    places = [PlaceFactory(commune=communes[i % len(communes)]) for i in range(size)]
    index.invalidate()
    return communes[0], places[0]


def _urls(commune, place) -> dict[str, str]:
    return {
        "home": reverse("core:home"),
        "atlas": reverse("places:atlas"),
        "place": reverse("places:detail", args=[place.slug]),
        "commune": reverse("geo:commune", args=[commune.insee]),
    }


@pytest.mark.parametrize("size", [5, 50])
def test_the_most_opened_pages_do_a_bounded_number_of_queries(
    client, size, django_assert_num_queries, monkeypatch
):
    # The atlas index re-reads its signature when CHECK_SECONDS have passed since its last check, a query that
    # depends on the clock: never during this test, so that the counts are exact.
    monkeypatch.setattr(index, "CHECK_SECONDS", math.inf)
    commune, place = _world(size)
    for name, url in _urls(commune, place).items():
        cache.clear()
        client.get(url)  # the atlas index is built once per process, not per request
        cache.clear()
        with django_assert_num_queries(QUERIES[name]):
            response = client.get(url)
        assert response.status_code == 200, name


@pytest.mark.parametrize("size", [5, 50])
def test_served_from_the_page_cache_they_read_only_the_cache_versions(
    client, settings, size, django_assert_num_queries
):
    """For anonymous visitors (core/cache.py::cached_page): one read of the shared cache, whatever the size."""
    from django.core.cache import caches

    settings.PAGE_CACHE_SECONDS = 600
    commune, place = _world(size)
    caches["local"].clear()
    for name, url in _urls(commune, place).items():
        client.get(url)
        with django_assert_num_queries(1):
            response = client.get(url)
        assert response.status_code == 200, name
    caches["local"].clear()
