"""Fixtures of the follow-up tests: private media in a temporary folder, a laureate and its agreement."""

import pytest

from tests.factories.followup import make_laureate


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def laureate(db):
    return make_laureate()
