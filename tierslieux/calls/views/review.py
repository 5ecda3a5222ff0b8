"""The review of a file: reviewers' desk (conflict declaration, scoring) and staff's review page (assignments,
assignment proposals, scores and spread, private staff notes).

Reviewers see only their own assignments; a file with a declared conflict shows nothing but its reference.
Staff pages: the call's team acts, other programme staff read; anyone else gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tierslieux.accounts.roles import is_programme_staff
from tierslieux.core.errors import EditConflict, ServiceError
from tierslieux.core.middleware import refusal

from .. import selectors as call_selectors
from ..models import Application, ReviewerAssignment, Status, Wave
from ..review import selectors, services
from ..review.forms import (
    AssignForm,
    ConflictForm,
    ProposalForm,
    ReviewerDepartmentForm,
    ReviewForm,
    StaffNoteForm,
)
from .common import budget_table


def staff_application(request, pk: int) -> tuple[Application, bool]:
    """The non-draft file `pk` of a call whose back office the user reads (404 otherwise), and whether they act."""
    application = get_object_or_404(
        Application.objects.exclude(status=Status.DRAFT)
        .filter(call__in=call_selectors.calls_readable_by(request.user))
        .select_related("call", "wave", "envelope", "place__commune__department", "applicant"),
        pk=pk,
    )
    return application, call_selectors.can_manage_call(request.user, application.call)


def staff_wave(request, pk: int) -> tuple[Wave, bool]:
    wave = get_object_or_404(
        Wave.objects.filter(call__in=call_selectors.calls_readable_by(request.user)).select_related("call"),
        pk=pk,
    )
    return wave, call_selectors.can_manage_call(request.user, wave.call)


def _file_title(application) -> str:
    return _("Instruction du dossier %(reference)s") % {"reference": application.reference}


def _file_crumbs(application, label=None):
    call = application.call
    crumbs = [
        {"label": _("Gestion des appels"), "url": reverse("calls:manage_index")},
        {"label": call.title, "url": reverse("calls:staff_list", args=[call.pk])},
        {"label": application.reference, "url": reverse("calls:review_file", args=[application.pk])},
    ]
    if label:
        crumbs.append({"label": label})
    return crumbs


# --- Reviewers -----------------------------------------------------------------------------------------------
@login_required
def reviewer_home(request):
    """Logged-in users: the files assigned to them for review (empty for anyone else)."""
    return render(
        request,
        "calls/review/home.html",
        {
            "assignments": selectors.assignments_of_reviewer(request.user),
            "page_title": _("Mes dossiers à instruire"),
            "breadcrumb": [{"label": _("Mes dossiers à instruire")}],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_assignment(request, pk: int):
    """The assigned reviewer only (others: 404): declare conflicts of interest, then read and score the file.
    After declaring a conflict the reviewer sees nothing of the file."""
    assignment = get_object_or_404(selectors.assignments_of_reviewer(request.user), pk=pk)
    application = assignment.application
    conflict = getattr(assignment, "conflict", None)
    review = getattr(assignment, "review", None)
    context = {
        "assignment": assignment,
        "application": application,
        "conflict": conflict,
        "review": review,
        "page_title": _file_title(application),
        "breadcrumb": [
            {"label": _("Mes dossiers à instruire"), "url": reverse("calls:reviewer_home")},
            {"label": application.reference},
        ],
    }
    status = 200
    if conflict is None:
        form = ConflictForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.conflict_declare(
                        assignment=assignment,
                        user=request.user,
                        has_conflict=form.cleaned_data["has_conflict"],
                        details=form.cleaned_data["details"],
                    )
                except ServiceError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, _("Votre déclaration est enregistrée."))
                    return redirect("calls:review_assignment", assignment.pk)
            status = 400
        return render(request, "calls/review/declare.html", {**context, "form": form}, status=status)
    if conflict.has_conflict:
        return render(request, "calls/review/conflicted.html", context)
    criteria = list(application.call.criteria.all())
    initial = {"comment": review.comment if review else ""}
    if review is not None:
        for score in review.scores.all():
            initial[f"score_{score.criterion_id}"] = str(score.value)
            initial[f"comment_{score.criterion_id}"] = score.comment
    initial["version"] = services.review_version_token(review)
    editable = application.status == Status.IN_REVIEW and not (review and review.submitted_at)
    form = ReviewForm(request.POST or None, criteria=criteria, initial=initial)
    conflict_context = {}
    if request.method == "POST":
        if not editable:
            return refusal(request, _("Cette évaluation n’est plus modifiable."), status=409)
        if form.is_valid():
            submit = "rendre" in request.POST
            try:
                services.review_save(
                    assignment=assignment,
                    user=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    submit=submit,
                    expected_version=form.cleaned_data["version"] if "version" in request.POST else None,
                )
            except EditConflict as conflict:
                conflict_context = _review_conflict(request, form, criteria, conflict)
                form = conflict_context.pop("form")
                status = 409
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Votre évaluation est rendue.")
                    if submit
                    else _("Votre évaluation est enregistrée (brouillon)."),
                )
                return redirect("calls:review_assignment", assignment.pk)
        if status != 409:
            status = 400
    return render(
        request,
        "calls/review/score.html",
        {
            **context,
            **conflict_context,
            "form": form,
            "editable": editable,
            "criteria": criteria,
            "attachments": application.attachments.filter(message__isnull=True),
            "answers": call_selectors.application_answers(application),
            "budget": budget_table(application.budget, application.call),
        },
        status=status,
    )


def _review_conflict(request, form, criteria, conflict: EditConflict) -> dict:
    """The reviewer's form again, as typed, based on the saved version; and both versions side by side."""
    yours = services.review_texts(None, criteria, scores=form.scores(), comment=form.cleaned_data["comment"])
    rows = [
        {"label": label, "theirs": theirs, "yours": yours.get(label, "")}
        for label, theirs in conflict.current.items()
        if theirs != yours.get(label, "")
    ]
    data = request.POST.copy()
    data["version"] = conflict.version
    rebased = ReviewForm(data, criteria=criteria)
    rebased.is_valid()
    return {"form": rebased, "conflict_message": conflict.message, "conflict_rows": rows}


# --- Staff ---------------------------------------------------------------------------------------------------
@login_required
def review_file(request, pk: int):
    """Programme staff (read-only outside the call's team): assignments, scores per reviewer, weighted score,
    spread and disagreements, private staff notes. Reviewers and applicants: 404."""
    application, can_manage = staff_application(request, pk)
    assign_form = AssignForm(reviewers=selectors.reviewers_available())
    return render(
        request,
        "calls/review/file.html",
        {
            "application": application,
            "can_manage": can_manage,
            "summary": selectors.review_summary(application),
            "assign_form": assign_form,
            "note_form": StaffNoteForm(),
            "can_assign": can_manage and application.status in services.ASSIGNABLE,
            "page_title": _file_title(application),
            "breadcrumb": _file_crumbs(application),
        },
    )


def _back_to_file(request, application, form, error=None):
    if error:
        form.add_error(None, error)
    return render(
        request,
        "calls/review/form_page.html",
        {
            "form": form,
            "application": application,
            "submit_label": _("Réessayer"),
            "page_title": _file_title(application),
            "breadcrumb": _file_crumbs(application, _("Correction")),
        },
        status=400,
    )


@login_required
@require_POST
def review_assign(request, pk: int):
    """The call's team only: assign a reviewer to the file (the reviewer is told by email)."""
    application, can_manage = staff_application(request, pk)
    if not can_manage:
        return refusal(request, _("Seule l’équipe de cet appel peut affecter des instructeur·rices."))
    form = AssignForm(request.POST, reviewers=selectors.reviewers_available())
    if not form.is_valid():
        return _back_to_file(request, application, form)
    try:
        assignment = services.assignment_create(
            application=application,
            reviewer=form.cleaned_data["reviewer"],
            actor=request.user,
            due_at=form.cleaned_data["due_at"],
        )
    except ServiceError as error:
        return _back_to_file(request, application, form, str(error))
    messages.success(
        request, _("%(reviewer)s instruira ce dossier.") % {"reviewer": assignment.reviewer.display_name}
    )
    return redirect("calls:review_file", application.pk)


@login_required
@require_POST
def review_unassign(request, pk: int):
    """The call's team only (other staff: 403): withdraw an assignment without a submitted review (a review
    already submitted: 409)."""
    assignment = get_object_or_404(ReviewerAssignment.objects.select_related("application__call"), pk=pk)
    application = assignment.application
    if not selectors.can_staff_read(request.user, application):
        return refusal(request, _("Affectation introuvable."), status=404, title=_("Page introuvable"))
    services.assignment_delete(assignment=assignment, actor=request.user)
    messages.success(request, _("L’affectation est retirée."))
    return redirect("calls:review_file", application.pk)


@login_required
@require_POST
def staff_note(request, pk: int):
    """The call's team only: add a private note to the file."""
    application, can_manage = staff_application(request, pk)
    if not can_manage:
        return refusal(request, _("Seule l’équipe de cet appel peut annoter ses dossiers."))
    form = StaffNoteForm(request.POST)
    if not form.is_valid():
        return _back_to_file(request, application, form)
    services.staff_note_add(application=application, author=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("La note est enregistrée."))
    return redirect("calls:review_file", application.pk)


@login_required
@require_http_methods(["GET", "POST"])
def wave_assignments(request, pk: int):
    """Programme staff (the call's team applies it): the proposal completing each file of the wave to two
    reviewers, balancing the load (and avoiding reviewers of the file's department when asked)."""
    wave, can_manage = staff_wave(request, pk)
    form = ProposalForm(request.POST if request.method == "POST" else (request.GET or None))
    avoid = bool(form.is_valid() and form.cleaned_data["avoid_same_department"])
    status = 200
    if request.method == "POST":
        if not can_manage:
            return refusal(request, _("Seule l’équipe de cet appel peut affecter des instructeur·rices."))
        if form.is_valid():
            try:
                created = services.assignments_apply_proposal(
                    wave=wave,
                    actor=request.user,
                    avoid_same_department=avoid,
                    due_at=form.cleaned_data["due_at"],
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    ngettext("%(n)s affectation créée.", "%(n)s affectations créées.", created)
                    % {"n": created},
                )
                return redirect("calls:wave_assignments", wave.pk)
        status = 400
    applications = list(
        wave.applications.filter(status__in=services.ASSIGNABLE)
        .select_related("call", "place__commune__department")
        .prefetch_related("assignments__reviewer")
    )
    proposal = services.assignment_proposal(applications=applications, avoid_same_department=avoid)
    rows = [
        {
            "application": a,
            "current": [x.reviewer.display_name for x in a.assignments.all()],
            "proposed": [r.display_name for r in proposal.get(a.pk, [])],
        }
        for a in applications
    ]
    return render(
        request,
        "calls/review/assignments.html",
        {
            "wave": wave,
            "can_manage": can_manage,
            "form": form,
            "rows": rows,
            "page_title": _("Affectations — %(wave)s") % {"wave": wave.name},
            "breadcrumb": [
                {"label": _("Gestion des appels"), "url": reverse("calls:manage_index")},
                {"label": wave.call.title, "url": reverse("calls:staff_list", args=[wave.call.pk])},
                {"label": _("Affectations — %(wave)s") % {"wave": wave.name}},
            ],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def reviewers(request):
    """Programme staff only (others: 404): the reviewers, their department (used by proposals that avoid a file's
    department) and their current load."""
    if not (call_selectors.is_admin(request.user) or is_programme_staff(request.user)):
        raise Http404
    pool = selectors.reviewers_available()
    form = ReviewerDepartmentForm(request.POST or None, reviewers=pool)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.reviewer_set_department(
                user=form.cleaned_data["reviewer"], department=form.cleaned_data["department"]
            )
            messages.success(request, _("Le département est enregistré."))
            return redirect("calls:reviewers")
        status = 400
    people = list(pool)
    loads = selectors.reviewer_loads([p.pk for p in people])
    rows = [
        {
            "user": p,
            "department": getattr(getattr(p, "reviewer_profile", None), "department", None),
            "load": loads[p.pk],
        }
        for p in people
    ]
    return render(
        request,
        "calls/review/reviewers.html",
        {
            "rows": rows,
            "form": form,
            "page_title": _("Instructeur·rices"),
            "breadcrumb": [
                {"label": _("Gestion des appels"), "url": reverse("calls:manage_index")},
                {"label": _("Instructeur·rices")},
            ],
        },
        status=status,
    )
