"""`/api/v1/selection`: programme staff only, read-only, no person named."""

import pytest

pytestmark = pytest.mark.django_db


def test_anonymous_is_401(client_for, world, done_run):
    assert client_for(None).get(f"/api/v1/selection/calculs/{done_run.pk}").status_code == 401
    assert client_for(None).get(f"/api/v1/selection/vagues/{world.wave.pk}/calculs").status_code == 401


@pytest.mark.parametrize("who", ["administrator", "outsider"])
def test_administrators_and_staff_outside_the_team_read(request, client_for, world, done_run, who):
    client = client_for(request.getfixturevalue(who))
    rows = client.get(f"/api/v1/selection/vagues/{world.wave.pk}/calculs").json()
    assert [r["id"] for r in rows] == [done_run.pk]
    assert client.get(f"/api/v1/selection/calculs/{done_run.pk}").json()["id"] == done_run.pk


@pytest.mark.parametrize("role", ["plain_user", "place_manager", "applicant", "reviewer"])
def test_other_roles_are_403(request, client_for, world, done_run, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(f"/api/v1/selection/calculs/{done_run.pk}").status_code == 403
    assert client.get(f"/api/v1/selection/vagues/{world.wave.pk}/calculs").status_code == 403


def test_staff_read_runs_and_a_run(client_for, programme_staff, world, done_run):
    client = client_for(programme_staff)
    rows = client.get(f"/api/v1/selection/vagues/{world.wave.pk}/calculs").json()
    assert [r["id"] for r in rows] == [done_run.pk] and rows[0]["status"] == "done"
    detail = client.get(f"/api/v1/selection/calculs/{done_run.pk}").json()
    assert detail["assignment"] == {"SEL-003": "hors-gcu", "SEL-004": "hors-gcu"}
    assert detail["baseline_assignment"] == {"SEL-001": "hors-gcu", "SEL-002": "hors-gcu"}
    assert detail["result_status"] == "optimal" and detail["newly_covered_population"] == 20_000
    assert "@" not in str(detail)
    assert client.get("/api/v1/selection/calculs/999999").status_code == 404
    assert client.get("/api/v1/selection/vagues/999999/calculs").status_code == 404
