"""Step 4, the attachments: the list, adding a file (≤ 10 MB, type checked by its content), downloading one
from private storage, removing one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tierslieux.core.middleware import refusal

from ... import services, workflow
from ...forms import AttachmentForm
from ...models import Attachment, QuestionKind
from ..common import application_for, upload_too_large
from .base import NOT_EDITABLE, UPLOAD_LIMIT, step_context


def step_attachments(request, application, form: AttachmentForm | None = None, status: int = 200):
    form = form or AttachmentForm(call=application.call)
    return render(
        request,
        "calls/step_attachments.html",
        step_context(
            application,
            4,
            form=form,
            attachments=application.attachments.filter(message__isnull=True).select_related("question"),
            file_questions=application.call.questions.filter(kind=QuestionKind.FILE),
        ),
        status=status,
    )


@login_required
@require_POST
def attachment_upload(request, pk: int):
    """The applicant only, on an editable dossier: add a file (≤ 10 MB, type checked by content). A larger
    request is refused (413) before its body is read; a missing or refused file re-renders the step (400) with
    the title typed (a browser never refills a file input)."""
    if upload_too_large(request, UPLOAD_LIMIT):
        return refusal(
            request,
            _("Le fichier dépasse 10 Mo : il n’a pas été envoyé."),
            status=413,
            title=_("Fichier trop volumineux"),
        )
    application, roles = application_for(request, pk)
    if workflow.APPLICANT not in roles:
        return refusal(request, _("Seul le porteur du dossier peut y joindre des pièces."))
    if not application.is_editable:
        return refusal(request, NOT_EDITABLE, status=409)
    form = AttachmentForm(request.POST, request.FILES, call=application.call)
    if form.is_valid():
        try:
            services.attachment_add(
                application=application,
                user=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                question=form.cleaned_data.get("question"),
            )
        except services.ServiceError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("La pièce est jointe au dossier."))
            return redirect("calls:application_step", application.pk, 4)
    return step_attachments(request, application, form, status=400)


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    """Whoever may see the dossier (applicant side, the call's staff, programme staff read-only, its assigned
    reviewers): one of its files, served from private storage. The files of the applicant ↔ staff messages
    only to those who may read the messages (not reviewers). Anyone else, or a file of another dossier: 404."""
    application, roles = application_for(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    if attachment.message_id and not roles:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_pk: int):
    """The applicant only, on an editable dossier (submitted: 409): remove one of its files."""
    application, roles = application_for(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    if workflow.APPLICANT in roles and not attachment.message_id and not application.is_editable:
        return refusal(request, NOT_EDITABLE, status=409)
    services.attachment_delete(attachment=attachment, user=request.user)
    messages.success(request, _("La pièce a été supprimée."))
    return redirect("calls:application_step", application.pk, 4)
