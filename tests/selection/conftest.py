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


@pytest.fixture
def done_run(world, params, django_capture_on_commit_callbacks):
    """A finished run with λ = 10: SEL-003 and SEL-004 (20,000 inhabitants) instead of SEL-001 and SEL-002."""
    from tierslieux.selection import services
    from tierslieux.selection.models import RunStatus

    params["points_per_10k"] = 10.0
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(wave=world.wave, actor=world.staff, parameters=params)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    return run


@pytest.fixture
def outsider(db):
    """Programme staff who is not on the call's team: reads, never writes."""
    from tests.conftest import _user_with_role
    from tierslieux.accounts.roles import Role

    return _user_with_role(Role.PROGRAMME_STAFF, email="autre-equipe@example.org")
