"""API of the review side: /api/v1/laureats (public) and /api/v1/dossiers (authenticated programme staff)."""

import pytest

from tests.calls.reviewkit import make_world, scored, user_with
from tierslieux.accounts.roles import Role
from tierslieux.calls.models import Status
from tierslieux.calls.review import committee

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = make_world()
    accepted = world.application()
    scored(accepted, world.reviewers[0], [5, 5])
    committee.decision_make(
        application=accepted, actor=world.staff, outcome="accepted", amounts=[50_000, 50_000, 50_000]
    )
    committee.laureates_publish(wave=world.wave, actor=world.staff)
    world.accepted = accepted
    world.other = world.application()
    scored(world.other, world.reviewers[1], [1, 1])
    world.draft = world.application(status=Status.DRAFT)
    return world


def test_laureates_are_public_without_people(world, client):
    response = client.get("/api/v1/laureats")
    assert response.status_code == 200
    data = response.json()
    assert [d["reference"] for d in data] == [world.accepted.reference]
    assert data[0]["amount"] == 150_000 and data[0]["amounts_per_year"] == [50_000, 50_000, 50_000]
    assert data[0]["place"] == world.accepted.place.name and data[0]["envelope"] == world.envelopes[0].name
    assert world.accepted.applicant.email not in response.content.decode()
    assert client.get("/api/v1/laureats", {"call": "inconnu"}).json() == []
    assert len(client.get("/api/v1/laureats", {"call": world.call.slug}).json()) == 1


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("applicant", 403), ("reviewer", 403)])
def test_applications_need_programme_staff(world, client_for, role, status):
    user = {"applicant": world.accepted.applicant, "reviewer": world.reviewers[0]}.get(role)
    response = client_for(user).get("/api/v1/dossiers", {"call": world.call.pk})
    assert response.status_code == status


def test_applications_for_staff_with_scores_and_filters(world, client_for):
    client = client_for(world.staff)
    data = client.get("/api/v1/dossiers", {"call": world.call.pk}).json()
    refs = {d["reference"]: d for d in data}
    assert set(refs) == {world.accepted.reference, world.other.reference}  # never the draft
    assert refs[world.accepted.reference]["score"] == 5.0
    assert refs[world.accepted.reference]["granted_total"] == 150_000
    low = client.get("/api/v1/dossiers", {"call": world.call.pk, "max_score": 2}).json()
    assert [d["reference"] for d in low] == [world.other.reference]
    assert client.get("/api/v1/dossiers", {"call": world.call.pk, "status": "draft"}).status_code == 400
    assert client.get("/api/v1/dossiers", {"call": world.call.pk, "min_score": 9}).status_code == 400
    assert client.get("/api/v1/dossiers", {"call": 999_999}).status_code == 404
    assert client.get("/api/v1/dossiers").status_code == 400
    other_staff = client_for(user_with(Role.PROGRAMME_STAFF))
    assert other_staff.get("/api/v1/dossiers", {"call": world.call.pk}).status_code == 200  # read-only staff


def test_review_endpoints_are_in_openapi(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/laureats" in schema["paths"]
    assert "/api/v1/dossiers" in schema["paths"]
