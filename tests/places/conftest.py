import pytest

from tierslieux.places import index


@pytest.fixture(autouse=True)
def _fresh_atlas_index():
    """Each test sees its own places: the in-memory index is rebuilt from the test's database."""
    index.invalidate()
    yield
    index.invalidate()
