"""The page of a finished selection run does a bounded number of queries whatever the number of candidates:
measured with 3 and 30 files of the wave under review (tests/factories/selection.py), exactly the same count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories.accounts import UserFactory
from tests.factories.calls import ApplicationFactory, PlaceFactory
from tests.factories.selection import FILES, score, selection_world
from tierslieux.accounts.roles import Role
from tierslieux.accounts.services import user_grant_role
from tierslieux.calls.models import Status

pytestmark = pytest.mark.django_db

# A finished run's page reads, like every staff page, the session, the user, the TOTP device of the second
# factor and the user's groups, the header's eight counters, and saves the session
# again (savepoint, update, release) — 16; then the run (its wave, call and creator joined), the team check, the labelled
# network's places for the map and the departments of the candidates' communes — 4. The candidates, their
# scores and the selection are the run's stored results, not read again row by row.
BOUND = 16 + 4


def _world(staff, size: int):
    """The selection world's five files, then more (or fewer) until the wave holds `size` candidates."""
    world = selection_world(staff=staff, seats=2)
    for reference in list(world.applications)[size:]:
        world.applications.pop(reference).delete()
    reviewer = UserFactory()
    user_grant_role(user=reviewer, role=Role.REVIEWER)
    communes = list(world.communes.values())
    for k in range(len(FILES), size):
        commune = communes[k % len(communes)]
        application = ApplicationFactory(
            call=world.call,
            wave=world.wave,
            reference=f"SEL-{k + 1:03d}",
            status=Status.IN_REVIEW,
            place=PlaceFactory(commune=commune, lon=commune.town_hall_lon, lat=commune.town_hall_lat),
            envelope=world.envelopes[0],
            budget={"resources": {"requested": [20_000, 20_000, 20_000]}},
            requested_total=60_000,
            project_title=f"Projet {k}",
        )
        score(application, reviewer, (1 + k % 5, 1 + (k + 2) % 5))
        world.applications[application.reference] = application
    return world


@pytest.mark.parametrize("size", [3, 30])
def test_a_run_page_does_a_bounded_number_of_queries(
    client_for, programme_staff, size, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from tierslieux.selection import selectors, services
    from tierslieux.selection.models import RunStatus

    world = _world(programme_staff, size)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(
            wave=world.wave, actor=world.staff, parameters=selectors.default_parameters(world.wave)
        )
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    client = client_for(world.staff)
    url = reverse("selection:run", args=[run.pk])
    client.get(url)  # the content types and the DSFR settings are cached per process, not per request
    with django_assert_num_queries(BOUND):
        response = client.get(url)
    assert response.status_code == 200
    assert f"SEL-{size:03d}" in response.content.decode()  # the last candidate is on the page
