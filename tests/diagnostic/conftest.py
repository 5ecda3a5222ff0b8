import pytest

from tests.factories.diagnostic import small_geography
from tierslieux.geo.diagnostic.inputs import memory_cache_clear


@pytest.fixture(autouse=True)
def _fresh_memory_cache():
    memory_cache_clear()
    yield
    memory_cache_clear()


@pytest.fixture
def geography(db):
    return small_geography()


@pytest.fixture(autouse=True)
def _fresh_index():
    from tierslieux.geo.diagnostic import services

    services._INDEX.clear()
    yield
    services._INDEX.clear()
