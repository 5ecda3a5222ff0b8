"""Cached reads of the public pages (core/readcache.py): the second visit reads less, and a change (a place
saved, the geography reloaded) is visible at once."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories.geo import CommuneFactory
from tests.factories.places import PlaceFactory
from tierslieux.geo import lookup
from tierslieux.places import index
from tierslieux.places.services import place_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_home_counts_are_cached_until_a_place_is_saved(client, django_capture_on_commit_callbacks):
    commune = CommuneFactory()
    PlaceFactory.create_batch(3, commune=commune)
    index.invalidate()
    first, _page = _queries(client, "/")
    second, page = _queries(client, "/")
    assert second < first
    with django_capture_on_commit_callbacks(execute=True):
        place_create(
            data={
                "name": "Le Nouveau Lieu",
                "types": ["fablab"],
                "lon": 2.35,
                "lat": 48.85,
                "commune": commune,
            }
        )
    _count, page = _queries(client, "/")
    assert re.search(r'tl-figure">4</p>\s*<p class="fr-tile__desc"><a href="/lieux/">tiers-lieux', page)


def test_a_commune_page_is_cached_until_the_geography_is_reloaded(client):
    commune = CommuneFactory(name="Plouzané")
    url = reverse("geo:commune", args=[commune.insee])
    first, _page = _queries(client, url)
    second, _page = _queries(client, url)
    assert second < first
    lookup.invalidate()  # what load_geo and load_qpv_perimeters do after loading
    third, _page = _queries(client, url)
    assert third > second  # recomputed (the first visit also warmed per-process caches)
