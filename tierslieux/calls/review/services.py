"""Writes of the review: reviewer assignments (and proposals), conflicts of interest, reviews, staff notes,
reminders to late reviewers. Refusals are `ServiceError` (French message)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import Role, has_role
from tierslieux.core.emails import email_send
from tierslieux.core.errors import Conflict, EditConflict, ServiceError
from tierslieux.geo.models import Department

from .. import selectors as call_selectors
from ..models import (
    Application,
    ConflictOfInterest,
    Criterion,
    Review,
    ReviewerAssignment,
    ReviewerProfile,
    Score,
    StaffNote,
    Status,
    Wave,
)
from ..services import _staff_emails, application_transition, local
from . import scoring
from . import selectors as review_selectors

ASSIGNABLE = (Status.SUBMITTED, Status.IN_REVIEW)
REMINDER_INTERVAL = timedelta(days=2)


def _notify_staff(name: str, application: Application, *, reviewer: User) -> None:
    """Email the call's team about a reviewer's act on a file (a declared conflict, a handed-in review)."""
    email_send(
        name=name,
        to=_staff_emails(application),
        context={
            "application": application,
            "reviewer": reviewer.display_name,
            "url": reverse("calls:review_file", args=[application.pk]),
        },
    )


def _require_manager(actor: User, application: Application) -> None:
    if not review_selectors.can_staff_manage(actor, application):
        raise ServiceError(_("Seule l’équipe de l’appel peut faire cela."), status=403)


def _is_applicant_side(user: User, application: Application) -> bool:
    if application.applicant_id == user.pk:
        return True
    return bool(application.place_id and application.place.managers.filter(pk=user.pk).exists())


# --- Assignments ---------------------------------------------------------------------------------------------
@transaction.atomic
def assignment_create(
    *,
    application: Application,
    reviewer: User,
    actor: User,
    due_at: datetime | None = None,
    notify: bool = True,
) -> ReviewerAssignment:
    """Staff assign `reviewer` to a submitted file; the file goes "in review"; the reviewer is told by email."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "place")
        .get(pk=application.pk)
    )
    _require_manager(actor, application)
    if application.status not in ASSIGNABLE:
        raise ServiceError(_("Seul un dossier déposé ou en instruction peut recevoir des instructeur·rices."))
    if not has_role(reviewer, Role.REVIEWER):
        raise ServiceError(
            _("%(reviewer)s n’a pas le rôle d’instructeur·rice.") % {"reviewer": reviewer.display_name}
        )
    if _is_applicant_side(reviewer, application):
        raise ServiceError(
            _("%(reviewer)s porte ce dossier : il ou elle ne peut pas l’instruire.")
            % {"reviewer": reviewer.display_name}
        )
    if due_at is not None and due_at <= timezone.now():
        raise ServiceError(_("La date de rendu doit être dans le futur."))
    try:
        with transaction.atomic():
            assignment = ReviewerAssignment.objects.create(
                application=application, reviewer=reviewer, assigned_by=actor, due_at=due_at
            )
    except IntegrityError:
        raise ServiceError(
            _("%(reviewer)s instruit déjà ce dossier.") % {"reviewer": reviewer.display_name}
        ) from None
    if application.status == Status.SUBMITTED:
        application_transition(
            application=application,
            to_status=Status.IN_REVIEW,
            actor=actor,
            reason=_("Affectation des instructeur·rices"),
        )
    if notify:
        email_send(
            name="review-assigned",
            to=[reviewer.email],
            context={
                "assignment": assignment,
                "application": application,
                "due_at": local(due_at) if due_at else "",
                "url": reverse("calls:review_assignment", args=[assignment.pk]),
            },
        )
    return assignment


@transaction.atomic
def assignment_delete(*, assignment: ReviewerAssignment, actor: User) -> None:
    """Staff withdraw an assignment that has no submitted review."""
    _require_manager(actor, assignment.application)
    review = getattr(assignment, "review", None)
    if review is not None and review.submitted_at:
        raise Conflict(_("Cette évaluation est rendue : l’affectation ne peut plus être retirée."))
    assignment.delete()


def assignment_proposal(
    *,
    applications: Iterable[Application],
    avoid_same_department: bool = False,
    per_file: int = scoring.MIN_REVIEWERS,
) -> dict[int, list[User]]:
    """{application id: [reviewers proposed]} completing each file to `per_file` reviewers, balancing the load
    (and avoiding reviewers of the file's department when asked). Applicants and conflicted reviewers are
    never proposed."""
    applications = list(applications)
    reviewers = list(review_selectors.reviewers_available())
    loads = review_selectors.reviewer_loads([r.pk for r in reviewers])
    candidates = []
    for reviewer in reviewers:
        profile = getattr(reviewer, "reviewer_profile", None)
        candidates.append(
            scoring.Candidate(reviewer.pk, profile.department_id if profile else None, loads[reviewer.pk])
        )
    files, excluded = [], {}
    for application in applications:
        assignments = list(application.assignments.select_related("conflict"))
        active = [
            a.reviewer_id for a in assignments if not (hasattr(a, "conflict") and a.conflict.has_conflict)
        ]
        department = application.place.commune.department_id if application.place_id else None
        files.append((application.pk, department, active))
        banned = {a.reviewer_id for a in assignments} | {application.applicant_id}
        if application.place_id:
            banned |= set(application.place.managers.values_list("pk", flat=True))
        excluded[application.pk] = banned
    proposal = scoring.propose(
        files, candidates, per_file=per_file, avoid_same_department=avoid_same_department, excluded=excluded
    )
    by_id = {r.pk: r for r in reviewers}
    return {app_id: [by_id[pk] for pk in ids] for app_id, ids in proposal.items()}


def assignments_apply_proposal(
    *, wave: Wave, actor: User, avoid_same_department: bool = False, due_at: datetime | None = None
) -> int:
    """Assign the proposal to every submitted or in-review file of `wave`; returns the number of assignments."""
    applications = list(
        wave.applications.filter(status__in=ASSIGNABLE).select_related("call", "place__commune")
    )
    if applications and not call_selectors.can_manage_call(actor, wave.call):
        raise ServiceError(_("Seule l’équipe de l’appel peut affecter des instructeur·rices."))
    proposal = assignment_proposal(applications=applications, avoid_same_department=avoid_same_department)
    created = 0
    with transaction.atomic():
        for application in applications:
            for reviewer in proposal.get(application.pk, []):
                assignment_create(application=application, reviewer=reviewer, actor=actor, due_at=due_at)
                created += 1
    return created


def reviewer_set_department(*, user: User, department: Department | None) -> ReviewerProfile:
    profile, _created = ReviewerProfile.objects.update_or_create(
        user=user, defaults={"department": department}
    )
    return profile


# --- Reviewer side -------------------------------------------------------------------------------------------
def _own(assignment: ReviewerAssignment, user: User) -> None:
    if assignment.reviewer_id != getattr(user, "pk", None):
        raise ServiceError(_("Cette instruction ne vous est pas confiée."))


@transaction.atomic
def conflict_declare(
    *, assignment: ReviewerAssignment, user: User, has_conflict: bool, details: str = ""
) -> ConflictOfInterest:
    """The reviewer declares (once) whether they have a conflict of interest; a conflict hides the file from
    them and staff are told by email so they can assign someone else."""
    _own(assignment, user)
    if ConflictOfInterest.objects.filter(assignment=assignment).exists():
        raise ServiceError(_("Vous avez déjà fait votre déclaration d’intérêts pour ce dossier."))
    declaration = ConflictOfInterest.objects.create(
        assignment=assignment, has_conflict=has_conflict, details=details.strip()
    )
    if has_conflict:
        _notify_staff("review-conflict", assignment.application, reviewer=user)
    return declaration


def review_version_token(review: Review | None) -> str:
    """The optimistic-versioning token of a review: when it was last saved ("" before its first save)."""
    return review.updated_at.isoformat() if review is not None and review.updated_at else ""


def review_texts(
    review: Review | None,
    criteria: Iterable[Criterion],
    scores: Mapping[int, tuple[int | None, str]] | None = None,
    comment: str | None = None,
) -> dict[str, str]:
    """{label: text} of a review (saved, or the `scores` and `comment` being typed), to compare two versions."""
    if scores is None:
        saved = {s.criterion_id: (s.value, s.comment) for s in review.scores.all()} if review else {}
        comment = review.comment if review else ""
    else:
        saved = scores
    texts = {}
    for criterion in criteria:
        value, text = saved.get(criterion.pk, (None, ""))
        note = "—" if value is None else f"{value} / {criterion.scale_max}"
        texts[criterion.name] = f"{note}\n{text}".strip() if text else note
    texts[_("Avis général")] = (comment or "").strip()
    return texts


@transaction.atomic
def review_save(
    *,
    assignment: ReviewerAssignment,
    user: User,
    scores: Mapping[int, tuple[int | None, str]],
    comment: str = "",
    submit: bool = False,
    expected_version: str | None = None,
) -> Review:
    """Save (and, with `submit`, hand in) the reviewer's scores {criterion id: (value 0–max or None, comment)}.

    Only after declaring no conflict, on a file in review, before handing in. Handing in needs every criterion.
    With `expected_version` (the `review_version_token` the form was built from), a review saved since (another
    tab, another device) raises `EditConflict` and nothing is written.
    """
    assignment = (
        ReviewerAssignment.objects.select_for_update(of=("self",))
        .select_related("application__call")
        .get(pk=assignment.pk)
    )
    _own(assignment, user)
    conflict = ConflictOfInterest.objects.filter(assignment=assignment).first()
    if conflict is None:
        raise ServiceError(_("Déclarez d’abord l’absence de conflit d’intérêts."))
    if conflict.has_conflict:
        raise ServiceError(
            _("Vous avez déclaré un conflit d’intérêts : vous ne pouvez pas évaluer ce dossier.")
        )
    if assignment.application.status != Status.IN_REVIEW:
        raise ServiceError(_("Ce dossier n’est plus en instruction : l’évaluation est close."))
    review, _created = Review.objects.get_or_create(assignment=assignment)
    if review.submitted_at:
        raise ServiceError(_("Votre évaluation est déjà rendue : elle n’est plus modifiable."))
    criteria = {c.pk: c for c in assignment.application.call.criteria.all()}
    if expected_version is not None and expected_version != review_version_token(
        None if _created else review
    ):
        raise EditConflict(
            _(
                "Votre évaluation a été enregistrée ailleurs (un autre onglet ou appareil) depuis que vous l’avez ouverte."
            ),
            current=review_texts(review, criteria.values()),
            version=review_version_token(review),
        )
    unknown = set(scores) - set(criteria)
    if unknown:
        raise ServiceError(_("Critère inconnu pour cet appel."))
    missing = []
    for criterion_id, criterion in criteria.items():
        value, text = scores.get(criterion_id, (None, ""))
        if value is None:
            Score.objects.filter(review=review, criterion=criterion).delete()
            missing.append(criterion.name)
            continue
        if not 0 <= value <= criterion.scale_max:
            raise ServiceError(
                _("« %(criterion)s » : la note va de 0 à %(max)s.")
                % {"criterion": criterion.name, "max": criterion.scale_max}
            )
        Score.objects.update_or_create(
            review=review, criterion=criterion, defaults={"value": value, "comment": (text or "").strip()}
        )
    review.comment = comment.strip()
    if submit:
        if missing:
            raise ServiceError(
                _("Notez chaque critère avant de rendre l’évaluation : %(criteria)s.")
                % {"criteria": ", ".join(missing)}
            )
        review.submitted_at = timezone.now()
    review.save()
    if submit:
        _notify_staff("review-submitted", assignment.application, reviewer=user)
    return review


# --- Staff notes and reminders -------------------------------------------------------------------------------
def staff_note_add(*, application: Application, author: User, body: str) -> StaffNote:
    """A private note of the call's team on a file (never shown to the applicant nor to reviewers)."""
    _require_manager(author, application)
    body = body.strip()
    if not body:
        raise ServiceError(_("La note est vide."))
    return StaffNote.objects.create(application=application, author=author, body=body)


def reviewers_remind(*, now: datetime | None = None) -> int:
    """Email each late reviewer (past due, not handed in) at most every REMINDER_INTERVAL; returns the count."""
    now = now or timezone.now()
    sent = 0
    for assignment in review_selectors.late_assignments(now):
        if assignment.last_reminder_at and now - assignment.last_reminder_at < REMINDER_INTERVAL:
            continue
        with transaction.atomic():
            updated = ReviewerAssignment.objects.filter(
                pk=assignment.pk, last_reminder_at=assignment.last_reminder_at
            ).update(last_reminder_at=now)
            if not updated:
                continue
            email_send(
                name="reminder-review",
                to=[assignment.reviewer.email],
                context={
                    "assignment": assignment,
                    "application": assignment.application,
                    "due_at": local(assignment.due_at),
                    "url": reverse("calls:review_assignment", args=[assignment.pk]),
                },
            )
        sent += 1
    return sent
