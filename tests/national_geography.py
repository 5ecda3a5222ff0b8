"""The national reference geography (tierslieux/geo/data), loaded once per test session (per xdist worker).

`france` gives a test the whole of France: `geo_load` runs once, on the first test that asks, committed into the
test database, and its rows are copied into plain tables (not Django models, so the flush of transactional and
browser tests leaves them alone). Every other test that uses the database starts from an empty geography, as
its factories expect. The rows are put back (from the copy, in about a second) or removed, committed, before a
test that needs the other state — in `pytest_runtest_setup`, before the test's transaction begins. Tests that
ask for `france` are run one after the other (at the place of the first of them in the random order), so a
session switches once or twice, whatever the order. Tests of `load_geo` itself still call it.
"""

from __future__ import annotations

import pytest

EXPECTED = {"regions": 18, "departments": 101, "epci": 1253, "communes": 34_920, "qpv": 1_493}
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}

_state = {"copied": False}


def _models():
    from tierslieux.geo.models import Commune, Department, Epci, Qpv, Region

    return [Region, Department, Epci, Commune, Qpv, Qpv.communes.through]  # referenced tables first


def _copy_name(model) -> str:
    return f"national_copy_{model._meta.db_table}"


def _loaded() -> bool:
    from tierslieux.geo.models import Commune, Qpv, Region

    return (
        Region.objects.count() == EXPECTED["regions"]
        and Commune.objects.count() == EXPECTED["communes"]
        and Qpv.objects.count() == EXPECTED["qpv"]
    )


def _forget_cached_reads() -> None:
    from tierslieux.geo import lookup, selectors

    lookup.invalidate()
    selectors.geo_cache_clear()


def _clear() -> None:
    from tierslieux.geo.models import Commune

    # Raw deletes, dependent rows first (Django's collector would read the 35,000 communes first).
    for model in reversed(_models()):
        if model is Commune:
            model.objects.exclude(parent=None)._raw_delete("default")
        model.objects.all()._raw_delete("default")
    _forget_cached_reads()


def _restore() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for model in _models():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(
                f"INSERT INTO {table} SELECT * FROM {connection.ops.quote_name(_copy_name(model))}"
            )
    _forget_cached_reads()


def _wants_france(item) -> bool:
    return "france" in getattr(item, "fixturenames", ())


def _uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The tests that ask for `france` run together, where the first of them falls in the (random) order."""
    wanting = [item for item in items if _wants_france(item)]
    if not wanting:
        return
    first = items.index(wanting[0])
    others = [item for item in items if not _wants_france(item)]
    items[:] = others[:first] + wanting + others[first:]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the test's fixtures (hence outside its transaction): the national rows there or not, committed."""
    if not _state["copied"] or not (_wants_france(item) or _uses_database(item)):
        return  # before the first `france` test, the database holds no national rows
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        loaded = _loaded()
        if _wants_france(item) and not loaded:
            _clear()  # a partial state (a test committed a few communes), then the copy
            _restore()
        elif not _wants_france(item) and loaded:
            _clear()


@pytest.fixture(scope="session")
def _national_copy(django_db_setup, django_db_blocker):
    """Load the national files once and keep a copy of the rows in plain tables (see the module's docstring)."""
    from django.db import connection

    from tierslieux.geo.services import geo_load

    with django_db_blocker.unblock():
        _clear()
        geo_load()
        with connection.cursor() as cursor:
            for model in _models():
                copy = connection.ops.quote_name(_copy_name(model))
                cursor.execute(f"DROP TABLE IF EXISTS {copy}")
                cursor.execute(
                    f"CREATE TABLE {copy} AS SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}"
                )
    _state["copied"] = True
    yield
    _state["copied"] = False


@pytest.fixture
def france(_national_copy, db):
    """The national reference geography (its expected counts): regions, departments, EPCI, communes, QPV."""
    assert _loaded(), "the national geography is missing (tests/national_geography.py)"
    _forget_cached_reads()
    return EXPECTED
