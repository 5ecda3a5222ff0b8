"""Permission matrix of the review side, cell by cell: who sees which page of a file under review."""

import pytest
from django.urls import reverse

from tests.calls.reviewkit import make_world, scored, user_with
from tierslieux.accounts.roles import Role
from tierslieux.calls.models import ConflictOfInterest, ReviewerAssignment
from tierslieux.calls.review import services

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "plain",
    "applicant",
    "other_applicant",
    "reviewer",
    "conflicted",
    "unassigned",
    "call_staff",
    "other_staff",
    "administrator",
]


@pytest.fixture
def setup():
    world = make_world(reviewers=3)
    application = world.application()
    other = world.application()
    reviewer, conflicted, unassigned = world.reviewers
    review = scored(application, reviewer, [4, 3], submit=False)
    bad = ReviewerAssignment.objects.create(application=application, reviewer=conflicted)
    ConflictOfInterest.objects.create(assignment=bad, has_conflict=True)
    services.staff_note_add(application=application, author=world.staff, body="Note-interne-secrète")
    review.comment = "Avis-instructeur-confidentiel"
    review.save()
    people = {
        "anonymous": None,
        "plain": user_with(None),
        "applicant": application.applicant,
        "other_applicant": other.applicant,
        "reviewer": reviewer,
        "conflicted": conflicted,
        "unassigned": unassigned,
        "call_staff": world.staff,
        "other_staff": user_with(Role.PROGRAMME_STAFF),
        "administrator": user_with(Role.ADMINISTRATOR, is_superuser=True),
    }
    return world, application, review.assignment, bad, people


def _status(client_for, user, url):
    return client_for(user).get(url).status_code


EXPECTED = {
    # page: {role: status}; 302 = sent to the login page.
    "review_file": {
        "anonymous": 302,
        "plain": 404,
        "applicant": 404,
        "other_applicant": 404,
        "reviewer": 404,
        "conflicted": 404,
        "unassigned": 404,
        "call_staff": 200,
        "other_staff": 200,
        "administrator": 200,
    },
    "decision": {
        "anonymous": 302,
        "plain": 404,
        "applicant": 404,
        "other_applicant": 404,
        "reviewer": 404,
        "conflicted": 404,
        "unassigned": 404,
        "call_staff": 200,
        "other_staff": 403,
        "administrator": 200,
    },
    "committee": {
        "anonymous": 302,
        "plain": 404,
        "applicant": 404,
        "other_applicant": 404,
        "reviewer": 404,
        "conflicted": 404,
        "unassigned": 404,
        "call_staff": 200,
        "other_staff": 200,
        "administrator": 200,
    },
    "wave_assignments": {
        "anonymous": 302,
        "plain": 404,
        "applicant": 404,
        "other_applicant": 404,
        "reviewer": 404,
        "conflicted": 404,
        "unassigned": 404,
        "call_staff": 200,
        "other_staff": 200,
        "administrator": 200,
    },
    "wave_statistics": {
        "anonymous": 302,
        "plain": 404,
        "applicant": 404,
        "other_applicant": 404,
        "reviewer": 404,
        "conflicted": 404,
        "unassigned": 404,
        "call_staff": 200,
        "other_staff": 200,
        "administrator": 200,
    },
    "staff_list": {
        "anonymous": 302,
        "plain": 404,
        "applicant": 404,
        "other_applicant": 404,
        "reviewer": 404,
        "conflicted": 404,
        "unassigned": 404,
        "call_staff": 200,
        "other_staff": 200,
        "administrator": 200,
    },
    "review_assignment": {
        "anonymous": 302,
        "plain": 404,
        "applicant": 404,
        "other_applicant": 404,
        "reviewer": 200,
        "conflicted": 404,
        "unassigned": 404,
        "call_staff": 404,
        "other_staff": 404,
        "administrator": 404,
    },
    "conflicted_assignment": {
        "anonymous": 302,
        "plain": 404,
        "applicant": 404,
        "other_applicant": 404,
        "reviewer": 404,
        "conflicted": 200,
        "unassigned": 404,
        "call_staff": 404,
        "other_staff": 404,
        "administrator": 404,
    },
    "reviewer_home": {role: 302 if role == "anonymous" else 200 for role in ROLES},
    "laureates": {role: 200 for role in ROLES},
    "laureates_csv": {role: 200 for role in ROLES},
    # The colleague's dossier page, as opened by the reviewers (the clause registered by the review side).
    "application": {
        "anonymous": 302,
        "plain": 404,
        "applicant": 200,
        "other_applicant": 404,
        "reviewer": 200,
        "conflicted": 404,
        "unassigned": 404,
        "call_staff": 200,
        "other_staff": 200,
        "administrator": 200,
    },
}


def _url(page, world, application, assignment, bad):
    return {
        "review_file": reverse("calls:review_file", args=[application.pk]),
        "decision": reverse("calls:decision", args=[application.pk]),
        "committee": reverse("calls:committee", args=[world.wave.pk]),
        "wave_assignments": reverse("calls:wave_assignments", args=[world.wave.pk]),
        "wave_statistics": reverse("calls:wave_statistics", args=[world.wave.pk]),
        "staff_list": reverse("calls:staff_list", args=[world.call.pk]),
        "review_assignment": reverse("calls:review_assignment", args=[assignment.pk]),
        "conflicted_assignment": reverse("calls:review_assignment", args=[bad.pk]),
        "reviewer_home": reverse("calls:reviewer_home"),
        "laureates": reverse("calls:laureates"),
        "laureates_csv": reverse("calls:laureates_csv"),
        "application": reverse("calls:application", args=[application.pk]),
    }[page]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_permission_matrix(setup, client_for, page, role):
    world, application, assignment, bad, people = setup
    url = _url(page, world, application, assignment, bad)
    response = client_for(people[role]).get(url)
    assert response.status_code == EXPECTED[page][role], (page, role)
    if response.status_code == 302:
        assert "/comptes/connexion/" in response["Location"]


@pytest.mark.parametrize("role", ["applicant", "reviewer", "other_staff", "call_staff"])
def test_reviews_and_staff_notes_stay_private(setup, client_for, role):
    """The applicant never sees reviews nor staff notes; reviewers never see staff notes (on any page they
    reach); staff see both."""
    _world, application, assignment, _bad, people = setup
    client = client_for(people[role])
    pages = [
        reverse("calls:application", args=[application.pk]),
        reverse("calls:reviewer_home"),
        reverse("calls:review_assignment", args=[assignment.pk]),
        reverse("calls:review_file", args=[application.pk]),
    ]
    seen = "".join(r.content.decode() for r in (client.get(url) for url in pages) if r.status_code == 200)
    staff = role in ("other_staff", "call_staff")
    assert ("Note-interne-secrète" in seen) is staff
    if role == "applicant":
        assert "Avis-instructeur-confidentiel" not in seen
        assert "Ancrage territorial" not in seen  # not even the grid with scores


def test_conflicted_reviewer_page_shows_nothing_of_the_file(setup, client_for):
    _world, application, _assignment, bad, people = setup
    content = (
        client_for(people["conflicted"])
        .get(reverse("calls:review_assignment", args=[bad.pk]))
        .content.decode()
    )
    assert application.reference in content
    assert application.project_title not in content and application.place.name not in content
    home = client_for(people["conflicted"]).get(reverse("calls:reviewer_home")).content.decode()
    assert application.project_title not in home


@pytest.mark.parametrize(
    ("role", "expected"), [("other_staff", 403), ("reviewer", 404), ("applicant", 404), ("anonymous", 302)]
)
def test_staff_actions_refused_outside_the_call_team(setup, client_for, role, expected):
    world, application, _assignment, bad, people = setup
    client = client_for(people[role])
    extra = world.reviewers[2]
    posts = [
        (reverse("calls:review_assign", args=[application.pk]), {"reviewer": extra.pk}),
        (reverse("calls:staff_note", args=[application.pk]), {"body": "Intrusion"}),
        (reverse("calls:decision", args=[application.pk]), {"outcome": "refused", "motivation": "Non"}),
        (reverse("calls:publish", args=[world.wave.pk]), {}),
        (reverse("calls:wave_assignments", args=[world.wave.pk]), {}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == expected, url
        if expected == 403:
            assert "équipe" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "in_review"
    assert application.assignments.count() == 2
    unassign = client.post(reverse("calls:review_unassign", args=[bad.pk]))
    assert unassign.status_code == expected
    assert ReviewerAssignment.objects.filter(pk=bad.pk).exists()
