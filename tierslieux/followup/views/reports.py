"""Pages of an annual report: the form (beneficiary; autosaved draft, plain form without JavaScript), its
attachments, submission; acceptance or corrections (the call's team); read-only for everyone who may see it."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.calls.views.applicant import login_required_autosave
from tierslieux.core.errors import ServiceError
from tierslieux.core.transitions import transition_history
from tierslieux.places.models import Service

from .. import selectors, workflows
from ..forms import MessageForm, ReportAttachmentForm, ReportForm
from ..models import ReportAttachment
from ..services import reports as services
from .common import crumbs, private_file, report_for, upload_too_large

NOT_EDITABLE = _("Ce rapport n’est plus modifiable : il a été déposé.")


def _crumbs(report, roles, label: str | None = None) -> list[dict]:
    agreement = report.agreement
    title = _("Rapport de l’année %(year)s") % {"year": report.year}
    items = [
        (agreement.reference, agreement.get_absolute_url()),
        (title, report.get_absolute_url() if label else None),
    ]
    if label:
        items.append((label, None))
    return crumbs(*items, staff=bool(roles & {workflows.STAFF, workflows.READER}))


def _initial(report) -> dict:
    """The report's saved values, or — before its first save — what it is prefilled with."""
    if report.revision > 1:
        return {name: getattr(report, name) for name in ReportForm.Meta.fields}
    return {name: getattr(report, name) for name in ReportForm.Meta.fields} | services.prefill(report)


def _page(
    request, report, roles, *, form=None, attachment_form=None, corrections_form=None, error=None, status=200
):
    editing = workflows.BENEFICIARY in roles and report.is_editable and report.agreement.status == "signed"
    if editing and form is None:
        form = ReportForm(
            initial=_initial(report) | {"revision": report.revision, "tab": secrets.token_urlsafe(12)},
            instance=report,
        )
    service_labels = dict(Service.choices)
    return render(
        request,
        "followup/report.html",
        {
            "report": report,
            "agreement": report.agreement,
            "roles": roles,
            "editing": editing,
            "form": form,
            "prefilled": editing and report.revision == 1 and bool(services.prefill(report)),
            "attachment_form": attachment_form or (ReportAttachmentForm() if editing else None),
            "attachments": list(report.attachments.all()),
            "problems": services.report_problems(report) if editing else [],
            "versions": list(report.versions.select_related("created_by")),
            "history": selectors.log_rows(transition_history(report)),
            "is_staff": workflows.STAFF in roles,
            "staff_actions": workflows.REPORT.available(report.status, roles & {workflows.STAFF}),
            "corrections_form": corrections_form
            or (MessageForm() if workflows.STAFF in roles and report.status == "submitted" else None),
            "service_labels": [service_labels.get(code, code) for code in report.services],
            "error": error,
            "page_title": _("Rapport de l’année %(year)s — %(reference)s")
            % {"year": report.year, "reference": report.agreement.reference},
            "breadcrumb": _crumbs(report, roles),
        },
        status=status,
    )


@login_required_autosave
@require_http_methods(["GET", "POST"])
def report(request, pk: int):
    """The beneficiary (managers of the place, the applicant): the report form, saved automatically (htmx) or
    with its buttons; "Déposer" saves then submits. The call's team and programme staff: the report, read-only,
    with acceptance and corrections for the team. Anyone else: 404."""
    item, roles = report_for(request, pk)
    if request.method == "GET":
        return _page(request, item, roles)
    if workflows.BENEFICIARY not in roles:
        raise ServiceError(_("Seul le bénéficiaire de la convention remplit ce rapport."), status=403)
    if not item.is_editable:
        if request.htmx:
            return render(request, "followup/_autosave.html", {"report": item, "error": NOT_EDITABLE})
        raise ServiceError(NOT_EDITABLE, status=409)
    form = ReportForm(request.POST, instance=item)
    if not form.is_valid():
        error = _("Le formulaire contient des erreurs : corrigez les champs signalés.")
        if request.htmx:
            return render(request, "followup/_autosave.html", {"report": item, "error": error})
        return _page(request, item, roles, form=form, error=error, status=400)
    try:
        saved = services.report_save(
            report=item,
            user=request.user,
            revision=form.cleaned_data["revision"],
            values=form.values(),
            tab=form.cleaned_data.get("tab", ""),
        )
    except ServiceError as error:
        if request.htmx:
            return render(request, "followup/_autosave.html", {"report": item, "error": error.message})
        return _page(request, item, roles, form=form, error=error.message, status=error.status)
    if request.htmx:
        return render(request, "followup/_autosave.html", {"report": saved})
    if request.POST.get("go") == "submit":
        try:
            services.report_submit(report=saved, user=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("followup:report", saved.pk)
        messages.success(request, _("Votre rapport est déposé : l’équipe de l’appel va l’examiner."))
        return redirect("followup:report", saved.pk)
    messages.success(request, _("Le rapport est enregistré."))
    return redirect("followup:report", saved.pk)


@login_required
@require_POST
def report_accept(request, pk: int):
    """The call's team only: accept a submitted report (the next tranche becomes due)."""
    item, _roles = report_for(request, pk)
    services.report_accept(report=item, actor=request.user)
    messages.success(request, _("Le rapport est accepté."))
    return redirect("followup:report", item.pk)


@login_required
@require_POST
def report_corrections(request, pk: int):
    """The call's team only: send a submitted report back with a message (required: 400 without it)."""
    item, roles = report_for(request, pk)
    if workflows.STAFF not in roles:
        raise ServiceError(_("Seule l’équipe de l’appel peut faire cette action."), status=403)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _page(request, item, roles, corrections_form=form, status=400)
    services.report_request_corrections(report=item, actor=request.user, message=form.cleaned_data["message"])
    messages.success(request, _("Les corrections sont demandées au bénéficiaire."))
    return redirect("followup:report", item.pk)


@login_required
@require_POST
def attachment_upload(request, pk: int):
    """The beneficiary only, on an editable report: add a file (≤ 10 MB, type checked by content)."""
    if upload_too_large(request):
        raise ServiceError(_("Le fichier dépasse 10 Mo : il n’a pas été joint."), status=413)
    item, roles = report_for(request, pk)
    form = ReportAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.report_attachment_add(
                report=item,
                user=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except ServiceError as error:
            if error.status in (403, 404, 409):
                raise
            form.add_error("file", error.message)
        else:
            messages.success(request, _("La pièce est jointe au rapport."))
            return redirect(reverse("followup:report", args=[item.pk]) + "#pieces")
    return _page(request, item, roles, attachment_form=form, status=400)


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_pk: int):
    """Whoever may see the report: one of its files, from private storage. Others, or another report's file: 404."""
    item, _roles = report_for(request, pk)
    attachment = get_object_or_404(ReportAttachment, pk=attachment_pk, report=item)
    return private_file(attachment.file, attachment.original_name, attachment.content_type)


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_pk: int):
    """The beneficiary only, on an editable report (submitted: 409): remove one of its files."""
    item, _roles = report_for(request, pk)
    attachment = get_object_or_404(ReportAttachment, pk=attachment_pk, report=item)
    services.report_attachment_delete(attachment=attachment, user=request.user)
    messages.success(request, _("La pièce est retirée du rapport."))
    return redirect(reverse("followup:report", args=[item.pk]) + "#pieces")
