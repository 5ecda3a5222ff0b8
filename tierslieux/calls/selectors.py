"""Reads of the call for applications, and who may see what.

Access policy (documented in docs/calls.md):
- Public: published calls, their waves, envelopes and criteria.
- Applicant side: an application is seen and edited by its applicant and by the managers of its place.
- Staff: the members of a call's `staff` team (and administrators) manage the call and its submitted
  applications (never the drafts). Programme staff who are not on a call's team get READ-ONLY access to that
  call's configuration and submitted applications: they cannot change anything nor fire transitions.
- Reviewers see the files assigned to them once they declared no conflict of interest.
Who may open which dossier is the one rule of `visibility.py`.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import Role, has_role, is_programme_staff
from tierslieux.core.models import TransitionLog
from tierslieux.core.transitions import labelled_history

from . import eligibility, visibility, workflow
from .models import Application, ApplicationVersion, Call, EligibilityRule, Status, Wave


def is_admin(user: User | AnonymousUser | None) -> bool:
    """Superusers and holders of the administrator role."""
    return has_role(user, Role.ADMINISTRATOR)


# --- Calls ---------------------------------------------------------------------------------------------------
def calls_public() -> QuerySet[Call]:
    return Call.objects.filter(is_published=True).prefetch_related(
        Prefetch("waves", queryset=Wave.objects.order_by("opens_at")), "envelopes"
    )


def calls_open(at: datetime | None = None) -> QuerySet[Call]:
    """Published calls with a wave open now."""
    at = at or timezone.now()
    return calls_public().filter(waves__opens_at__lte=at, waves__closes_at__gt=at).distinct()


def call_rules(call: Call) -> list[tuple[EligibilityRule, str]]:
    """The call's eligibility rules (with their envelopes and wave), each with its French description."""
    return [
        (rule, eligibility.describe(rule.kind, rule.params))
        for rule in call.rules.prefetch_related("envelopes").select_related("wave")
    ]


def calls_managed_by(user: User | AnonymousUser | None) -> QuerySet[Call]:
    """The calls `user` may change: those whose team they are on (administrators: every call)."""
    if is_admin(user):
        return Call.objects.all()
    if user is None or not user.is_authenticated:
        return Call.objects.none()
    return Call.objects.filter(staff=user)


def calls_readable_by(user: User) -> QuerySet[Call]:
    """The calls whose back office `user` may read: programme staff read every call."""
    if is_admin(user) or is_programme_staff(user):
        return Call.objects.all()
    return calls_managed_by(user)


def can_manage_call(user: User, call: Call) -> bool:
    """Administrators, and the programme staff members on the call's team."""
    if is_admin(user):
        return True
    return is_programme_staff(user) and call.staff.filter(pk=user.pk).exists()


def can_read_call(user: User, call: Call) -> bool:
    return is_admin(user) or is_programme_staff(user) or can_manage_call(user, call)


# --- Applications --------------------------------------------------------------------------------------------
def applications_visible_to(user: User | AnonymousUser) -> QuerySet[Application]:
    """Every application `user` may open (`visibility.visible_q`: applicant side, staff side, reviewers).
    Drafts stay private to the applicant side, administrators included (they act on submitted dossiers only)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Application.objects.none()
    ids = Application.objects.filter(visibility.visible_q(user)).values("pk")
    return Application.objects.filter(pk__in=ids)


def applications_of_applicant(user: User | AnonymousUser) -> QuerySet[Application]:
    """The applications `user` works on as applicant (their own and those of the places they manage)."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    ids = Application.objects.filter(visibility.applicant_q(user)).values("pk")
    return Application.objects.filter(pk__in=ids).select_related("call", "wave", "place")


def application_roles(user: User | AnonymousUser, application: Application) -> set[str]:
    """The workflow roles of `user` on `application`: "applicant", "staff" (may act), "reader" (staff read-only)."""
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return roles
    if application.applicant_id == user.pk or (
        application.place_id and application.place.managers.filter(pk=user.pk).exists()
    ):
        roles.add(workflow.APPLICANT)
    if application.status != Status.DRAFT:
        if can_manage_call(user, application.call):
            roles.add(workflow.STAFF)
        elif is_programme_staff(user):
            roles.add("reader")
    return roles


def applications_for_call(call: Call) -> QuerySet[Application]:
    """The submitted (non-draft) applications of a call, for its staff."""
    return (
        call.applications.exclude(status=Status.DRAFT)
        .select_related("wave", "place__commune", "envelope", "applicant")
        .order_by("wave__opens_at", "reference")
    )


def wave_counts(call: Call) -> dict[int, dict[str, int]]:
    """{wave id: {status: count}} for the call's dashboard."""
    counts: dict[int, dict[str, int]] = {}
    for row in call.applications.values("wave_id", "status").annotate(n=Count("pk")):
        counts.setdefault(row["wave_id"], {})[row["status"]] = row["n"]
    return counts


def open_calls_count() -> int:
    return calls_open().count()


def applications_seeking_support(user: User) -> QuerySet[Application]:
    """The applications `user` works on as applicant that are in preparation (draft, corrections asked) or
    were refused: the projects that may ask the network for a companion (tierslieux/network, mentoring)."""
    return applications_of_applicant(user).filter(
        status__in=[Status.DRAFT, Status.CORRECTIONS, Status.REFUSED]
    )


def application_history(application: Application) -> list[TransitionLog]:
    """The status changes of the dossier, oldest first, with their labels (`core.transitions.labelled_history`)
    and `by_staff`: an action of the call's team, shown as "the programme's team" rather than the person."""
    rows = labelled_history(application, workflow.APPLICATION)
    for row in rows:
        row.by_staff = row.action in workflow.STAFF_ACTIONS
    return rows


def application_answers(application: Application) -> list[tuple]:
    """(question, answer as shown) of every question of the call answered on step 2 — the same list on the
    summary step, the submitted dossier, the reviewer's page and the staff's (file questions: the attachments)."""
    from tierslieux.core.numbers import fr_number

    from .models import QuestionKind

    answers = application.answers or {}
    shown = []
    for question in application.call.questions.all():
        if question.kind == QuestionKind.FILE:
            continue
        value = answers.get(str(question.pk), "")
        if question.kind == QuestionKind.NUMBER and value not in ("", None):
            value = fr_number(value)
        shown.append((question, "" if value is None else str(value)))
    return shown


def version_fingerprint(version: ApplicationVersion) -> str:
    """SHA-256 of the content of a submitted version (canonical JSON): the receipt proves what was submitted."""
    import hashlib
    import json

    payload = json.dumps(version.data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
