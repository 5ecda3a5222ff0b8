"""Fixtures of the selection tests: a small wave under review (tests/factories/selection.py)."""

import pytest

from tests.factories.selection import selection_world


@pytest.fixture
def world(programme_staff):
    return selection_world(staff=programme_staff)


@pytest.fixture
def params(world):
    from tierslieux.selection import selectors

    return selectors.default_parameters(world.wave)
