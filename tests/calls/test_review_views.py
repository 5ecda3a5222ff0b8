"""The review pages driven through HTTP: declarations, scoring, assignment, notes, decisions; bad input gets a
4xx with a French message and keeps what was typed; emails leave over SMTP."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.calls.reviewkit import make_world, scored, user_with
from tierslieux.accounts.roles import Role
from tierslieux.calls.models import ConflictOfInterest, Decision, ReviewerAssignment, StaffNote, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world(staff_email="equipe-appel@example.org")


def _assignment(world, application, reviewer=None, declared=True):
    assignment = ReviewerAssignment.objects.create(
        application=application, reviewer=reviewer or world.reviewers[0]
    )
    if declared:
        ConflictOfInterest.objects.create(assignment=assignment, has_conflict=False)
    return assignment


def test_declaration_form(world, client_for):
    application = world.application()
    assignment = _assignment(world, application, declared=False)
    client = client_for(world.reviewers[0])
    url = reverse("calls:review_assignment", args=[assignment.pk])
    page = client.get(url).content.decode()
    assert "Déclaration d’intérêts" in page and application.summary not in page
    bad = client.post(url, {"has_conflict": "peut-être", "details": "Je connais la présidente"})
    assert bad.status_code == 400
    assert "Répondez par oui ou par non." in bad.content.decode()
    assert "Je connais la présidente" in bad.content.decode()
    assert client.post(url, {"has_conflict": "non"}).status_code == 302
    assert ConflictOfInterest.objects.get(assignment=assignment).has_conflict is False
    assert "Votre évaluation" in client.get(url).content.decode()


def test_scoring_form_draft_submit_and_bad_input(
    world, client_for, mailbox, django_capture_on_commit_callbacks
):
    application = world.application()
    assignment = _assignment(world, application)
    first, second = world.criteria
    client = client_for(world.reviewers[0])
    url = reverse("calls:review_assignment", args=[assignment.pk])
    forged = client.post(url, {f"score_{first.pk}": "9", f"comment_{first.pk}": "Texte gardé", "rendre": "1"})
    assert forged.status_code == 400
    assert "Choisissez une note de la liste." in forged.content.decode()
    assert "Texte gardé" in forged.content.decode()
    incomplete = client.post(url, {f"score_{first.pk}": "4", "comment": "Avis partiel", "rendre": "1"})
    assert incomplete.status_code == 400
    assert "Notez chaque critère" in incomplete.content.decode()
    assert "Avis partiel" in incomplete.content.decode()
    assert client.post(url, {f"score_{first.pk}": "4", "enregistrer": "1"}).status_code == 302
    page = client.get(url).content.decode()
    assert 'value="4" selected' in page
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url, {f"score_{first.pk}": "4", f"score_{second.pk}": "2", "comment": "Bien", "rendre": "1"}
        )
    assert done.status_code == 302
    assert mailbox.wait_for("equipe-appel@example.org")
    again = client.post(url, {f"score_{first.pk}": "0", f"score_{second.pk}": "0", "rendre": "1"})
    assert again.status_code == 409
    assert "plus modifiable" in again.content.decode()


def test_tampered_assignment_ids_get_404(world, client_for):
    application = world.application()
    mine = _assignment(world, application, world.reviewers[0])
    theirs = _assignment(world, application, world.reviewers[1])
    client = client_for(world.reviewers[0])
    assert client.get(reverse("calls:review_assignment", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("calls:review_assignment", args=[theirs.pk]), {"has_conflict": "oui"}).status_code
        == 404
    )
    assert client.get(reverse("calls:review_assignment", args=[999_999])).status_code == 404
    assert client.get(reverse("calls:review_assignment", args=[mine.pk])).status_code == 200


def test_staff_assign_through_the_page_emails_the_reviewer(
    world, client_for, mailbox, django_capture_on_commit_callbacks
):
    application = world.application(status=Status.SUBMITTED)
    client = client_for(world.staff)
    url = reverse("calls:review_assign", args=[application.pk])
    due = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reviewer": world.reviewers[0].pk, "due_at": due})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert "Dossier à instruire" in mailbox.wait_for(world.reviewers[0].email)[0]["Subject"]
    twice = client.post(url, {"reviewer": world.reviewers[0].pk})
    assert twice.status_code == 400 and "instruit déjà" in twice.content.decode()
    plain = user_with(None)
    forged = client.post(url, {"reviewer": plain.pk})
    assert forged.status_code == 400 and "Choisissez une personne de la liste." in forged.content.decode()
    past = client.post(url, {"reviewer": world.reviewers[1].pk, "due_at": "2001-01-01T10:00"})
    assert past.status_code == 400 and "futur" in past.content.decode()


def test_staff_note_form(world, client_for):
    application = world.application()
    client = client_for(world.staff)
    url = reverse("calls:staff_note", args=[application.pk])
    assert client.post(url, {"body": ""}).status_code == 400
    assert client.post(url, {"body": "Vérifier le plan de financement"}).status_code == 302
    assert StaffNote.objects.get(application=application).body == "Vérifier le plan de financement"
    assert (
        "Vérifier le plan de financement"
        in client.get(reverse("calls:review_file", args=[application.pk])).content.decode()
    )


def test_withdrawing_an_assignment_whose_review_is_submitted_is_a_409(world, client_for):
    application = world.application()
    review = scored(application, world.reviewers[0], [4, 3])
    url = reverse("calls:review_unassign", args=[review.assignment.pk])
    response = client_for(world.staff).post(url)
    assert response.status_code == 409 and "ne peut plus être retirée" in response.content.decode()
    other = client_for(user_with(Role.PROGRAMME_STAFF)).post(url)
    assert other.status_code == 403 and "équipe" in other.content.decode()
    assert ReviewerAssignment.objects.filter(pk=review.assignment.pk).exists()


def test_review_file_shows_score_spread_and_disagreement(world, client_for):
    application = world.application()
    scored(application, world.reviewers[0], [5, 3])
    scored(application, world.reviewers[1], [1, 3])
    page = client_for(world.staff).get(reverse("calls:review_file", args=[application.pk])).content.decode()
    assert "3,00 / 5" in page or "3.00 / 5" in page  # ((10+3)/3 + (2+3)/3) / 2 = 3
    assert 'id="disagreement"' in page
    assert world.reviewers[0].display_name in page


def test_proposal_page_applies_the_proposal(world, client_for, mailbox, django_capture_on_commit_callbacks):
    files = [world.application(status=Status.SUBMITTED) for _ in range(2)]
    client = client_for(world.staff)
    url = reverse("calls:wave_assignments", args=[world.wave.pk])
    page = client.get(url).content.decode()
    assert all(f.reference in page for f in files)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {}).status_code == 302
    assert ReviewerAssignment.objects.filter(application__in=files).count() == 4
    bad = client.post(url, {"due_at": "demain"})
    assert bad.status_code == 400


def test_decision_form_bad_input_then_accept(world, client_for, mailbox, django_capture_on_commit_callbacks):
    application = world.application()
    client = client_for(world.staff)
    url = reverse("calls:decision", args=[application.pk])
    cases = [
        ({"outcome": "withdrawn"}, "Cette décision n’existe pas."),
        (
            {"outcome": "accepted", "amount_1": "50000", "amount_2": "50000"},
            "Indiquez le montant de cette année.",
        ),
        ({"outcome": "accepted", "amount_1": "60000", "amount_2": "30000", "amount_3": "30000"}, "Au plus"),
        ({"outcome": "accepted", "amount_1": "beaucoup", "amount_2": "1", "amount_3": "1"}, "nombre entier"),
        ({"outcome": "accepted", "amount_1": "10000", "amount_2": "10000", "amount_3": "10000"}, "minimum"),
        ({"outcome": "refused", "motivation": ""}, "Motivez la décision"),
        (
            {
                "outcome": "accepted",
                "envelope": "999999",
                "amount_1": "50000",
                "amount_2": "50000",
                "amount_3": "50000",
            },
            "Choisissez une enveloppe",
        ),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not Decision.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "outcome": "accepted",
                "envelope": world.envelopes[0].pk,
                "amount_1": "50000",
                "amount_2": "45000",
                "amount_3": "40000",
            },
        )
    assert response.status_code == 302
    assert "retenu" in mailbox.wait_for(application.applicant.email)[0]["Subject"]
    again = client.post(url, {"outcome": "refused", "motivation": "Finalement non"})
    assert again.status_code == 409 and "déjà fait l’objet" in again.content.decode()
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED


def test_committee_page_ranks_and_publish(world, client_for):
    hors = world.envelopes[0]
    top = world.application(envelope=hors)
    low = world.application(envelope=hors)
    scored(top, world.reviewers[0], [5, 5])
    scored(low, world.reviewers[0], [2, 2])
    client = client_for(world.staff)
    page = client.get(reverse("calls:committee", args=[world.wave.pk])).content.decode()
    assert page.index(top.reference) < page.index(low.reference)
    assert "0 lauréat sur 2" in page
    client.post(
        reverse("calls:decision", args=[top.pk]),
        {
            "outcome": "accepted",
            "envelope": hors.pk,
            "amount_1": "50000",
            "amount_2": "50000",
            "amount_3": "50000",
        },
    )
    page = client.get(reverse("calls:committee", args=[world.wave.pk])).content.decode()
    assert "1 lauréat sur 2" in page and "Publier les lauréats" in page
    assert top.place.name not in client.get(reverse("calls:laureates")).content.decode()
    assert client.post(reverse("calls:publish", args=[world.wave.pk])).status_code == 302
    assert top.place.name in client_for(None).get(reverse("calls:laureates")).content.decode()


def test_other_call_staff_read_but_cannot_decide(world, client_for):
    application = world.application()
    other = user_with(Role.PROGRAMME_STAFF)
    client = client_for(other)
    page = client.get(reverse("calls:review_file", args=[application.pk])).content.decode()
    assert "Affecter" not in page and "Ajouter la note" not in page
    response = client.post(
        reverse("calls:decision", args=[application.pk]), {"outcome": "refused", "motivation": "Non"}
    )
    assert response.status_code == 403
    assert "Seule l’équipe de cet appel peut décider." in response.content.decode()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("plain", 404),
        ("reviewer", 404),
        ("applicant", 404),
        ("staff", 200),
        ("admin", 200),
    ],
)
def test_reviewers_page_permissions(world, client_for, role, expected):
    user = {
        "anonymous": None,
        "plain": user_with(None),
        "reviewer": world.reviewers[0],
        "applicant": user_with(Role.APPLICANT),
        "staff": user_with(Role.PROGRAMME_STAFF),
        "admin": user_with(Role.ADMINISTRATOR, is_superuser=True),
    }[role]
    assert client_for(user).get(reverse("calls:reviewers")).status_code == expected


def test_reviewers_page_sets_a_department(world, client_for):
    from tests.calls.reviewkit import DepartmentFactory

    finistere = DepartmentFactory(code="29")
    client = client_for(world.staff)
    url = reverse("calls:reviewers")
    bad = client.post(url, {"reviewer": world.staff.pk, "department": "29"})
    assert bad.status_code == 400 and "Choisissez une personne de la liste." in bad.content.decode()
    bad = client.post(url, {"reviewer": world.reviewers[0].pk, "department": "ZZ"})
    assert bad.status_code == 400 and "Choisissez un département de la liste." in bad.content.decode()
    assert client.post(url, {"reviewer": world.reviewers[0].pk, "department": "29"}).status_code == 302
    world.reviewers[0].refresh_from_db()
    assert world.reviewers[0].reviewer_profile.department == finistere
    assert "29 — " in client.get(url).content.decode()
