"""The whole of France, loaded once for the geo tests that need it.

`france` (package scope) runs `geo_load` into the test database outside any test transaction, so the
rows survive the rollback of each `db` test; it reloads when a transactional test elsewhere flushed the
tables, and removes the national rows when the geo package is done so the tests of other apps start
from an empty geography (their factories create the few rows they need).
"""

from __future__ import annotations

import pytest

from tierslieux.geo import lookup, selectors
from tierslieux.geo.models import Commune, Department, Epci, Qpv, Region
from tierslieux.geo.services import geo_load

EXPECTED = {"regions": 18, "departments": 101, "epci": 1253, "communes": 34_920, "qpv": 1_493}


def _loaded() -> bool:
    return (
        Region.objects.count() == EXPECTED["regions"]
        and Commune.objects.count() == EXPECTED["communes"]
        and Qpv.objects.count() >= EXPECTED["qpv"]
    )


def _clear() -> None:
    # Raw deletes: the national rows only (each test rolled its own rows back), without the ORM's collector.
    Qpv.communes.through.objects.all()._raw_delete("default")
    Qpv.objects.all()._raw_delete("default")
    Commune.objects.exclude(parent=None)._raw_delete("default")
    Commune.objects.all()._raw_delete("default")
    Epci.objects.all()._raw_delete("default")
    Department.objects.all()._raw_delete("default")
    Region.objects.all()._raw_delete("default")
    lookup.invalidate()
    selectors.geo_cache_clear()


@pytest.fixture(scope="package")
def _france_package(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if not _loaded():
            geo_load()
        lookup.invalidate()
        selectors.geo_cache_clear()
    yield
    with django_db_blocker.unblock():
        _clear()


@pytest.fixture
def france(_france_package, django_db_blocker):
    """The national reference geography (use with the `db` fixture)."""
    with django_db_blocker.unblock():
        if not _loaded():  # a transactional test flushed the tables meanwhile
            geo_load()
    lookup.invalidate()
    selectors.geo_cache_clear()
    return EXPECTED
