"""Assignments, conflicts of interest, reviews, staff notes, reminders: services, visibility and emails."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.calls.reviewkit import DepartmentFactory, make_world, scored, user_with
from tierslieux.accounts.roles import Role
from tierslieux.calls import selectors as call_selectors
from tierslieux.calls.models import ReviewerAssignment, Status
from tierslieux.calls.review import selectors, services
from tierslieux.calls.services import ServiceError
from tierslieux.core.transitions import transition_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world(staff_email="equipe-appel@example.org")


def test_assignment_moves_the_file_in_review_logs_it_and_emails_the_reviewer(
    world, mailbox, django_capture_on_commit_callbacks
):
    application = world.application(status=Status.SUBMITTED)
    reviewer = world.reviewers[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_create(
            application=application,
            reviewer=reviewer,
            actor=world.staff,
            due_at=timezone.now() + timedelta(days=10),
        )
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    log = transition_history(application).get(to_status=Status.IN_REVIEW)
    assert (log.action, log.actor, log.reason) == (
        "start_review",
        world.staff,
        "Affectation des instructeur·rices",
    )
    message = mailbox.wait_for(reviewer.email)[0]
    assert application.reference in message["Subject"]
    assert "conflits d’intérêts" in mailbox.text(message)


@pytest.mark.parametrize(
    "problem", ["not_reviewer", "applicant", "twice", "draft", "past_due", "other_staff"]
)
def test_assignment_refusals(world, problem):
    application = world.application(status=Status.IN_REVIEW)
    reviewer, actor, due_at = world.reviewers[0], world.staff, None
    if problem == "not_reviewer":
        reviewer = user_with(None)
    elif problem == "applicant":
        reviewer = application.applicant
        from tierslieux.accounts.services import user_grant_role

        user_grant_role(user=reviewer, role=Role.REVIEWER)
    elif problem == "twice":
        services.assignment_create(application=application, reviewer=reviewer, actor=actor)
    elif problem == "draft":
        application = world.application(status=Status.DRAFT)
    elif problem == "past_due":
        due_at = timezone.now() - timedelta(minutes=1)
    elif problem == "other_staff":
        actor = user_with(Role.PROGRAMME_STAFF)
    with pytest.raises(ServiceError) as error:
        services.assignment_create(application=application, reviewer=reviewer, actor=actor, due_at=due_at)
    assert str(error.value)
    expected = 1 if problem == "twice" else 0
    assert ReviewerAssignment.objects.filter(application=application).count() == expected


def test_reviewer_sees_a_file_only_after_declaring_no_conflict(world):
    application = world.application()
    reviewer, other = world.reviewers[:2]
    assignment = services.assignment_create(application=application, reviewer=reviewer, actor=world.staff)
    assert application not in call_selectors.applications_visible_to(reviewer)
    services.conflict_declare(assignment=assignment, user=reviewer, has_conflict=False)
    assert application in call_selectors.applications_visible_to(reviewer)
    assert application not in call_selectors.applications_visible_to(other)


def test_conflicted_reviewer_sees_nothing_and_staff_are_told(
    world, mailbox, django_capture_on_commit_callbacks
):
    application = world.application()
    reviewer = world.reviewers[0]
    assignment = services.assignment_create(
        application=application, reviewer=reviewer, actor=world.staff, notify=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.conflict_declare(assignment=assignment, user=reviewer, has_conflict=True, details="Cousin")
    assert application not in call_selectors.applications_visible_to(reviewer)
    assert "Conflit" in mailbox.wait_for("equipe-appel@example.org")[0]["Subject"]
    with pytest.raises(ServiceError, match="conflit"):
        services.review_save(assignment=assignment, user=reviewer, scores={})
    with pytest.raises(ServiceError, match="déjà"):
        services.conflict_declare(assignment=assignment, user=reviewer, has_conflict=False)


def test_only_the_assigned_reviewer_declares_and_scores(world):
    application = world.application()
    assignment = services.assignment_create(
        application=application, reviewer=world.reviewers[0], actor=world.staff
    )
    with pytest.raises(ServiceError):
        services.conflict_declare(assignment=assignment, user=world.reviewers[1], has_conflict=False)
    with pytest.raises(ServiceError, match="Déclarez"):
        services.review_save(assignment=assignment, user=world.reviewers[0], scores={})


def test_review_draft_then_submit_emails_staff_and_freezes(
    world, mailbox, django_capture_on_commit_callbacks
):
    application = world.application()
    reviewer = world.reviewers[0]
    assignment = services.assignment_create(
        application=application, reviewer=reviewer, actor=world.staff, notify=False
    )
    services.conflict_declare(assignment=assignment, user=reviewer, has_conflict=False)
    first, second = world.criteria
    services.review_save(assignment=assignment, user=reviewer, scores={first.pk: (4, "Solide")})
    with pytest.raises(ServiceError, match="Notez chaque critère"):
        services.review_save(assignment=assignment, user=reviewer, scores={first.pk: (4, "")}, submit=True)
    with pytest.raises(ServiceError, match="de 0 à 5"):
        services.review_save(
            assignment=assignment, user=reviewer, scores={first.pk: (6, ""), second.pk: (1, "")}
        )
    with pytest.raises(ServiceError, match="inconnu"):
        services.review_save(assignment=assignment, user=reviewer, scores={999_999: (1, "")})
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_save(
            assignment=assignment,
            user=reviewer,
            scores={first.pk: (4, "Solide"), second.pk: (1, "Floue")},
            comment="Bon dossier",
            submit=True,
        )
    assert review.submitted_at is not None
    assert "Évaluation rendue" in mailbox.wait_for("equipe-appel@example.org")[0]["Subject"]
    with pytest.raises(ServiceError, match="déjà rendue"):
        services.review_save(assignment=assignment, user=reviewer, scores={first.pk: (0, "")})
    summary = selectors.review_summary(application)
    assert summary.score.score == pytest.approx((2 * 4 + 1) / 3)
    assert [row.status for row in summary.rows] == ["submitted"]


def test_summary_shows_weighted_score_spread_and_disagreement(world):
    application = world.application()
    scored(application, world.reviewers[0], [5, 2])
    scored(application, world.reviewers[1], [2, 3])
    scored(application, world.reviewers[2], [0, 0], submit=False)  # a draft does not count
    summary = selectors.review_summary(application)
    assert summary.score.reviews == 2
    assert summary.score.score == pytest.approx(((10 + 2) / 3 + (4 + 3) / 3) / 2)
    spreads = summary.spreads
    assert spreads[world.criteria[0].pk].disagreement
    assert not spreads[world.criteria[1].pk].disagreement
    assert summary.score.disagreement


def test_reviewing_is_closed_once_the_file_left_review(world):
    application = world.application()
    assignment = services.assignment_create(
        application=application, reviewer=world.reviewers[0], actor=world.staff
    )
    services.conflict_declare(assignment=assignment, user=world.reviewers[0], has_conflict=False)
    application.status = Status.WITHDRAWN
    application.save()
    with pytest.raises(ServiceError, match="plus en instruction"):
        services.review_save(assignment=assignment, user=world.reviewers[0], scores={})


def test_proposal_completes_each_file_and_avoids_the_department(
    world, mailbox, django_capture_on_commit_callbacks
):
    finistere = DepartmentFactory(code="29")
    morbihan = DepartmentFactory(code="56", name="Morbihan")
    local_reviewer = world.reviewers[0]
    services.reviewer_set_department(user=local_reviewer, department=finistere)
    services.reviewer_set_department(user=world.reviewers[1], department=morbihan)
    files = [world.application(status=Status.SUBMITTED, department=finistere) for _ in range(3)]
    proposal = services.assignment_proposal(applications=files, avoid_same_department=True)
    assert all(local_reviewer not in chosen and len(chosen) == 2 for chosen in proposal.values())
    with django_capture_on_commit_callbacks(execute=True):
        created = services.assignments_apply_proposal(
            wave=world.wave, actor=world.staff, avoid_same_department=False
        )
    assert created == 6
    loads = selectors.reviewer_loads([r.pk for r in world.reviewers])
    assert max(loads.values()) - min(loads.values()) <= 1
    for application in files:
        application.refresh_from_db()
        assert application.status == Status.IN_REVIEW
    assert len(mailbox.messages) == 6


def test_proposal_never_proposes_the_applicant_or_a_conflicted_reviewer(world):
    application = world.application()
    from tierslieux.accounts.services import user_grant_role

    user_grant_role(user=application.applicant, role=Role.REVIEWER)
    conflicted = world.reviewers[0]
    assignment = services.assignment_create(application=application, reviewer=conflicted, actor=world.staff)
    services.conflict_declare(assignment=assignment, user=conflicted, has_conflict=True)
    chosen = services.assignment_proposal(applications=[application])[application.pk]
    assert len(chosen) == 2
    assert application.applicant not in chosen and conflicted not in chosen


def test_unassign_refused_once_reviewed(world):
    application = world.application()
    review = scored(application, world.reviewers[0], [3, 3])
    with pytest.raises(ServiceError, match="rendue"):
        services.assignment_delete(assignment=review.assignment, actor=world.staff)
    pending = services.assignment_create(
        application=application, reviewer=world.reviewers[1], actor=world.staff
    )
    services.assignment_delete(assignment=pending, actor=world.staff)
    assert not ReviewerAssignment.objects.filter(pk=pending.pk).exists()


def test_staff_notes_need_the_call_team(world):
    application = world.application()
    note = services.staff_note_add(application=application, author=world.staff, body="  À suivre  ")
    assert note.body == "À suivre"
    with pytest.raises(ServiceError):
        services.staff_note_add(application=application, author=user_with(Role.PROGRAMME_STAFF), body="x")
    with pytest.raises(ServiceError, match="vide"):
        services.staff_note_add(application=application, author=world.staff, body="   ")


def test_remind_reviewers_command_emails_late_reviewers_once(
    world, mailbox, django_capture_on_commit_callbacks
):
    late = world.application()
    done = world.application()
    past = timezone.now() - timedelta(days=1)
    late_assignment = ReviewerAssignment.objects.create(
        application=late, reviewer=world.reviewers[0], due_at=past
    )
    ReviewerAssignment.objects.create(
        application=late, reviewer=world.reviewers[1], due_at=timezone.now() + timedelta(days=3)
    )
    finished = scored(done, world.reviewers[2], [3, 3]).assignment
    finished.due_at = past
    finished.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_reviewers")
    messages = mailbox.wait_for(world.reviewers[0].email)
    assert "Relance" in messages[0]["Subject"]
    assert late.reference in mailbox.text(messages[0])
    assert not mailbox.to(world.reviewers[1].email) and not mailbox.to(world.reviewers[2].email)
    late_assignment.refresh_from_db()
    assert late_assignment.last_reminder_at is not None
    assert services.reviewers_remind() == 0  # not twice in a row
    assert services.reviewers_remind(now=timezone.now() + services.REMINDER_INTERVAL) == 1


def test_remind_reviewers_task_through_the_queue(world, mailbox, django_capture_on_commit_callbacks):
    late = world.application()
    ReviewerAssignment.objects.create(
        application=late, reviewer=world.reviewers[0], due_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_reviewers", "--enqueue")
    assert mailbox.wait_for(world.reviewers[0].email)
