"""`/api/v1/selection`: programme staff only, read-only, no person named."""

import pytest

from tierslieux.selection import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world, params, django_capture_on_commit_callbacks):
    params["points_per_10k"] = 10.0
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(wave=world.wave, actor=world.staff, parameters=params)
    run.refresh_from_db()
    return run


def test_anonymous_is_401(client_for, world, run):
    assert client_for(None).get(f"/api/v1/selection/calculs/{run.pk}").status_code == 401


@pytest.mark.parametrize("role", ["plain_user", "place_manager", "applicant", "reviewer"])
def test_other_roles_are_403(request, client_for, world, run, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(f"/api/v1/selection/calculs/{run.pk}").status_code == 403
    assert client.get(f"/api/v1/selection/vagues/{world.wave.pk}/calculs").status_code == 403


def test_staff_read_runs_and_a_run(client_for, programme_staff, world, run):
    client = client_for(programme_staff)
    rows = client.get(f"/api/v1/selection/vagues/{world.wave.pk}/calculs").json()
    assert [r["id"] for r in rows] == [run.pk] and rows[0]["status"] == "done"
    detail = client.get(f"/api/v1/selection/calculs/{run.pk}").json()
    assert detail["assignment"] == {"SEL-003": "hors-gcu", "SEL-004": "hors-gcu"}
    assert detail["baseline_assignment"] == {"SEL-001": "hors-gcu", "SEL-002": "hors-gcu"}
    assert detail["result_status"] == "optimal" and detail["newly_covered_population"] == 20_000
    assert "@" not in str(detail)
    assert client.get("/api/v1/selection/calculs/999999").status_code == 404
    assert client.get("/api/v1/selection/vagues/999999/calculs").status_code == 404
