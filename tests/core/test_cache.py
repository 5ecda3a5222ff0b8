"""The one caching helper (core/cache.py): cached reads, pages and API answers, and their invalidation. A
change (a place saved, the geography reloaded, a public model written) is visible at once; a page is cached
for anonymous visitors only, per language, with its own CSRF token and CSP nonce on every request."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.http import HttpResponse
from django.template import engines
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.core.test_query_bounds import _urls
from tests.factories.geo import CommuneFactory
from tests.factories.places import PlaceFactory
from tierslieux.core import cache as core_cache
from tierslieux.geo import lookup
from tierslieux.places import index
from tierslieux.places.models import Place
from tierslieux.places.services import place_create, place_update

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(cache_on):
    """Every test of this module with caching as in production (tests/conftest.py::cache_on)."""


@pytest.fixture
def world():
    commune = CommuneFactory(name="Plouzané")
    places = [PlaceFactory(commune=commune, lon=-4.6 + i / 100, lat=48.38) for i in range(3)]
    index.invalidate()
    return commune, places


def _queries(client, url, **headers) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _edit(place, **data):
    with transaction.atomic():
        return place_update(place=place, data=data)


# ------------------------------------------------------------------------------------------- the helper


def test_a_value_is_computed_once_until_its_namespace_is_bumped():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert core_cache.cached(("t", 1), compute, namespaces=("places",)) == 1
    assert core_cache.cached(("t", 1), compute, namespaces=("places",)) == 1
    assert core_cache.cached(("t", 2), compute, namespaces=("places",)) == 2
    core_cache.namespace_bump("geo")  # another namespace: still cached
    assert core_cache.cached(("t", 1), compute, namespaces=("places",)) == 1
    core_cache.namespace_bump("places")
    assert core_cache.cached(("t", 1), compute, namespaces=("places",)) == 3


def test_page_cache_seconds_zero_turns_caching_off(settings):
    settings.PAGE_CACHE_SECONDS = 0
    values = iter(range(10))
    assert [core_cache.cached(("off",), lambda: next(values)) for _ in range(3)] == [0, 1, 2]


def test_the_process_store_keeps_the_object_itself():
    value = {"big": list(range(5))}
    core_cache.cached(("same",), lambda: value, store=core_cache.LOCAL, timeout=None)
    assert core_cache.cached(("same",), dict, store=core_cache.LOCAL, timeout=None) is value
    local = caches[core_cache.LOCAL]
    local.set("n", 1)
    assert local.incr("n", 4) == 5
    assert local.add("n", 9) is False
    assert local.get("n") == 5


def test_a_change_bumps_its_namespace_once_per_transaction_and_never_when_rolled_back(
    django_capture_on_commit_callbacks,
):
    before = core_cache.namespace_versions(["content"])
    commune = CommuneFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            for number in range(3):
                Place.objects.create(
                    name=f"Lieu {number}", slug=f"lieu-{number}", commune=commune, lon=2, lat=48
                )
    assert [getattr(c, "cache_namespace", None) for c in callbacks].count("content") == 1
    after = core_cache.namespace_versions(["content"])
    assert after != before
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            Place.objects.create(name="Annulé", slug="annule", commune=commune, lon=2, lat=48)
            transaction.set_rollback(True)
    assert callbacks == []
    assert core_cache.namespace_versions(["content"]) == after


def test_a_cleared_shared_cache_never_brings_back_an_old_version():
    core_cache.namespace_bump("places")
    first = core_cache.namespace_versions(["places"])
    cache.clear()
    assert core_cache.namespace_versions(["places"]) != first


# ------------------------------------------------------------------------------------------- cached reads


def test_home_counts_are_cached_until_a_place_is_saved(client, django_capture_on_commit_callbacks, world):
    commune, _places = world
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


# ------------------------------------------------------------------------------------------- pages


def test_the_most_opened_pages_are_served_from_memory_to_anonymous_visitors(client, world):
    commune, places = world
    for name, url in _urls(commune, places[0]).items():
        _queries(client, url)
        # A page from memory reads the namespace versions only (one read of the shared cache, the database's
        # here): no query of the page's own.
        count, _page = _queries(client, url)
        assert count == 1, name


def test_an_edited_place_shows_at_once_on_its_page_the_atlas_and_the_api(client, world):
    commune, places = world
    place = places[0]
    urls = _urls(commune, place) | {"api": "/api/v1/places?page_size=20"}
    for url in urls.values():
        client.get(url)
    _edit(place, name="La Forge Renommée")
    for name in ("place", "atlas", "api"):
        response = client.get(urls[name])
        assert "La Forge Renommée" in response.content.decode(), name


def test_a_signed_in_page_is_never_served_to_an_anonymous_visitor_nor_the_reverse(
    client_for, world, plain_user
):
    _commune, places = world
    url = reverse("places:detail", args=[places[0].slug])
    member, anonymous = client_for(plain_user), client_for(None)
    assert "Se déconnecter" in member.get(url).content.decode()
    page = anonymous.get(url).content.decode()
    assert "Se déconnecter" not in page
    assert "Se connecter" in page
    anonymous.get(url)  # now from memory
    assert "Se déconnecter" in member.get(url).content.decode()


def _stored_pages() -> int:
    return sum(":tl:page:" in key for key in caches[core_cache.LOCAL]._cache)


def test_no_signed_in_page_is_ever_stored(client_for, world, programme_staff, plain_user, place_manager):
    commune, places = world
    for user in (programme_staff, plain_user, place_manager):
        visitor = client_for(user)
        for url in _urls(commune, places[0]).values():
            assert visitor.get(url).status_code == 200
    assert _stored_pages() == 0
    for url in _urls(commune, places[0]).values():
        client_for(None).get(url)
    assert _stored_pages() == 4


def test_each_request_gets_its_own_nonce_and_a_csrf_token_that_works(world):
    _commune, places = world
    url = reverse("places:detail", args=[places[0].slug])
    seen = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        response = visitor.get(url)
        body = response.content.decode()
        assert core_cache.CSRF_MARK not in body
        assert core_cache.NONCE_MARK not in body
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'nonce="{nonce}"' in body
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', body).group(1)
        seen.append((nonce, token))
        refused = Client(enforce_csrf_checks=True).post(
            reverse("accounts:login"), {"csrfmiddlewaretoken": token}
        )
        assert refused.status_code == 403  # another visitor's cookie: the token is this visitor's only
        answered = visitor.post(reverse("accounts:login"), {"csrfmiddlewaretoken": token, "username": "x"})
        assert answered.status_code == 400  # the form again, with its errors: the CSRF check passed
    assert seen[0][0] != seen[1][0]
    assert seen[0][1] != seen[1][1]


def test_a_page_with_a_message_for_its_visitor_is_neither_served_from_nor_stored_in_memory(client, world):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage

    _commune, places = world
    url = reverse("places:detail", args=[places[0].slug])
    request = RequestFactory().get(url)
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "Message pour une seule personne")
    response = HttpResponse()
    storage.update(response)
    client.cookies.update(response.cookies)
    assert "Message pour une seule personne" in client.get(url).content.decode()
    assert "Message pour une seule personne" not in Client().get(url).content.decode()


def test_pages_are_kept_per_language(settings):
    settings.LANGUAGES = [("fr", "Français"), ("en", "English")]
    template = engines["django"].from_string("{% load i18n %}{% get_current_language as lang %}{{ lang }}")

    @core_cache.cached_page(namespaces=())
    def view(request):
        return HttpResponse(template.render({}, request))

    from django.contrib.auth.models import AnonymousUser

    answers = []
    for language in ("fr", "en", "fr", "en"):
        request = RequestFactory().get("/une-page/")
        request.user = AnonymousUser()
        with translation.override(language):
            answers.append(view(request).content.decode())
    assert answers == ["fr", "en", "fr", "en"]


# ------------------------------------------------------------------------------------------- API answers


def test_api_answers_are_cached_with_an_etag_and_gzip(client, world):
    url = "/api/v1/places?page_size=20"
    first = client.get(url, headers={"accept-encoding": "gzip"})
    assert first["Content-Encoding"] == "gzip"
    data = json.loads(gzip.decompress(first.content))
    assert data["count"] == 3
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert len(queries) == 1  # the namespace versions
    _edit(world[1][0], name="Autre Nom")
    changed = client.get(url, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "Autre Nom" in changed.content.decode()


MAP_ROUTES = ("/api/v1/places?page_size=20", "/api/v1/places/clusters?bbox=-5,48,-4,49&zoom=9")


@pytest.fixture
def ninja_runs(monkeypatch):
    """How many times django-ninja ran an operation (parsed and validated a request's parameters)."""
    from ninja.operation import Operation

    runs = []
    run = Operation.run

    def counted(self, request, **kwargs):
        runs.append(request.path)
        return run(self, request, **kwargs)

    monkeypatch.setattr(Operation, "run", counted)
    return runs


@pytest.mark.parametrize("url", MAP_ROUTES)
def test_a_kept_map_answer_is_served_before_django_ninja(client, world, ninja_runs, url):
    first = client.get(url)
    assert first.status_code == 200
    assert len(ninja_runs) == 1
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
        not_modified = client.get(url, headers={"if-none-match": first["ETag"]})
        compressed = client.get(url, headers={"accept-encoding": "gzip"})
    assert len(ninja_runs) == 1  # none of the three reached django-ninja
    assert len(queries) == 3  # the namespace versions, once each
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert not_modified.status_code == 304
    assert json.loads(gzip.decompress(compressed.content)) == json.loads(first.content)
    _edit(world[1][0], name="Autre Nom")
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200
    assert len(ninja_runs) == 2  # a change: django-ninja answers again, and its answer is kept


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/places?page_size=0", "page_size"),
        ("/api/v1/places?around_insee=99999", "around_insee"),
        ("/api/v1/places/clusters?zoom=99", "zoom"),
        ("/api/v1/places/clusters?bbox=a,b", "bbox"),
    ],
)
def test_bad_parameters_still_get_django_ninjas_french_400_through_the_front(client, world, url, parameter):
    for _ in range(2):  # never kept
        response = client.get(url)
        assert response.status_code == 400
        assert response.json()["errors"][0]["parameter"] == parameter
        assert response.json()["detail"] == "Paramètres invalides."


@pytest.mark.parametrize("url", MAP_ROUTES)
def test_the_map_routes_answer_every_role_the_same_public_answer(
    client_for, world, plain_user, programme_staff, url
):
    """Access: public, as the rest of the API (the front keeps no answer per visitor)."""
    answers = [client_for(user).get(url) for user in (None, plain_user, programme_staff, None)]
    assert [answer.status_code for answer in answers] == [200] * 4
    assert len({answer.content for answer in answers}) == 1
    assert client_for(plain_user).post(url).status_code == 405  # not a read: django-ninja's answer


def test_a_missing_place_answers_404_with_a_real_csrf_token(client, world):
    response = client.get(reverse("places:detail", args=["lieu-inexistant"]))
    assert response.status_code == 404
    assert core_cache.CSRF_MARK not in response.content.decode()
    assert _stored_pages() == 0
