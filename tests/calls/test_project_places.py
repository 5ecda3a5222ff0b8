"""A place created inside an application ("un lieu en projet") is private to its applicant and staff until a
moderator publishes it or its application is accepted; per-account limits; every role checked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tierslieux.calls import services
from tierslieux.calls.models import Status
from tierslieux.places import index
from tierslieux.places.contributions.services import project_place_accept, project_place_refuse
from tierslieux.places.models import Place, Publication
from tierslieux.places.selectors import places_filtered

pytestmark = pytest.mark.django_db

ROLES = ["plain_user", "place_manager", "applicant_b", "reviewer", "programme_staff", "administrator"]


@pytest.fixture(autouse=True)
def _fresh_index():
    index.invalidate()
    yield
    index.invalidate()


def _create(client, application, name="La Future Fabrique", revision=1):
    return client.post(
        reverse("calls:application_step", args=[application.pk, 1]),
        {
            "which": "create",
            "new-name": name,
            "new-postcode": "29900",
            "new-commune": "29039",
            "new-legal_form": "association",
            "new-revision": revision,
            "go": "stay",
        },
    )


@pytest.fixture
def project_place(client_for, call, applicant, commune):
    application = services.application_start(call=call, user=applicant)
    assert (
        _create(client_for(applicant), application, name="<script>alert('x')</script> Fabrique").status_code
        == 302
    )
    application.refresh_from_db()
    return application.place


def test_a_project_place_waits_for_moderation_and_is_not_public(project_place, client, applicant):
    assert project_place.publication == Publication.PENDING
    assert project_place.created_by == applicant and project_place.status == "project"
    assert project_place.pk not in places_filtered({}).ids
    assert client.get(project_place.get_absolute_url()).status_code == 404
    assert client.get(f"/api/v1/places/{project_place.pk}").status_code == 404
    assert "Fabrique" not in b"".join(client.get("/lieux/export.csv").streaming_content).decode()
    assert client.get(reverse("contributions:report", args=[project_place.slug])).status_code == 404


@pytest.mark.parametrize("role", [None, *ROLES])
def test_who_sees_a_project_place_before_moderation(request, client_for, project_place, role):
    user = request.getfixturevalue(role) if role else None
    response = client_for(user).get(project_place.get_absolute_url())
    allowed = role in {"programme_staff", "administrator"}
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        html = response.content.decode()
        assert "Ce lieu n’est pas encore public" in html
        assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_its_applicant_sees_it_and_the_notice(client_for, project_place, applicant):
    html = client_for(applicant).get(project_place.get_absolute_url()).content.decode()
    assert "Ce lieu n’est pas encore public" in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("role", [None, "plain_user", "place_manager", "applicant", "reviewer"])
def test_only_staff_moderate(request, client_for, project_place, role):
    user = request.getfixturevalue(role) if role else None
    client = client_for(user)
    url = reverse("contributions:moderation_project_place", args=[project_place.pk])
    refused = 302 if user is None else 403  # anonymous: to the login page; signed in: forbidden
    assert client.get(reverse("contributions:moderation")).status_code == refused
    assert client.post(url, {"action": "accept"}).status_code == refused
    project_place.refresh_from_db()
    assert project_place.publication == Publication.PENDING


@pytest.mark.parametrize("role", ["programme_staff", "administrator"])
def test_staff_publish_from_the_queue_and_the_creator_is_told(
    request, client_for, project_place, applicant, role, mailbox, django_capture_on_commit_callbacks
):
    staff = client_for(request.getfixturevalue(role))
    queue = staff.get(reverse("contributions:moderation")).content.decode()
    assert "Lieux en projet à publier" in queue and "&lt;script&gt;" in queue
    url = reverse("contributions:moderation_project_place", args=[project_place.pk])
    assert staff.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, {"action": "accept", "reason": ""})
    assert response.status_code == 302
    project_place.refresh_from_db()
    assert project_place.publication == Publication.PUBLISHED
    assert project_place.pk in places_filtered({}).ids
    [message] = mailbox.wait_for(applicant.email)
    assert "est publié dans l’atlas" in message["Subject"]
    assert staff.post(url, {"action": "refuse", "reason": "doublon"}).status_code == 409  # already decided


def test_refusal_needs_a_reason_and_keeps_the_place_private(
    client_for, project_place, programme_staff, client
):
    staff = client_for(programme_staff)
    url = reverse("contributions:moderation_project_place", args=[project_place.pk])
    assert staff.post(url, {"action": "refuse", "reason": ""}).status_code == 400
    assert staff.post(url, {"action": "refuse", "reason": "Lieu fictif"}).status_code == 302
    project_place.refresh_from_db()
    assert project_place.publication == Publication.REFUSED
    assert client.get(project_place.get_absolute_url()).status_code == 404
    page = staff.get(url).content.decode()
    assert "En attente de modération → Refusé par la modération" in page and "Lieu fictif" in page
    project_place_accept(place=project_place, user=programme_staff)  # a refused place may still be published
    assert Place.objects.get(pk=project_place.pk).publication == Publication.PUBLISHED


def test_an_accepted_application_publishes_its_project_place(project_place, programme_staff):
    application = project_place.call_applications.get()
    application.status = Status.IN_REVIEW
    application.save(update_fields=["status"])
    services.application_transition(application=application, to_status=Status.ACCEPTED, actor=programme_staff)
    project_place.refresh_from_db()
    assert project_place.publication == Publication.PUBLISHED
    assert project_place.pk in places_filtered({}).ids


def test_per_account_limits(client_for, call, applicant, commune, programme_staff, settings):
    settings.PROJECT_PLACES_MAX_PENDING = 2
    settings.PROJECT_PLACES_MAX_PER_ACCOUNT = 3
    client = client_for(applicant)
    application = services.application_start(call=call, user=applicant)
    for revision, name in ((1, "Premier"), (2, "Deuxième")):
        assert _create(client, application, name=name, revision=revision).status_code == 302
    refused = _create(client, application, name="Troisième", revision=3)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Vous avez déjà 2 lieux en projet en attente de modération" in page and "Troisième" in page
    assert Place.objects.filter(created_by=applicant).count() == 2
    first = Place.objects.get(name="Premier")
    project_place_refuse(place=first, user=programme_staff, reason="doublon")
    assert _create(client, application, name="Troisième", revision=3).status_code == 302
    project_place_accept(place=Place.objects.get(name="Deuxième"), user=programme_staff)
    over = _create(client, application, name="Quatrième", revision=4)
    assert over.status_code == 429
    assert "nombre maximal de lieux en projet par compte (3)" in over.content.decode()
