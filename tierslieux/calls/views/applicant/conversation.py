"""The conversation of a dossier between its applicant side and the call's staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tierslieux.core.middleware import refusal

from ... import services, workflow
from ...forms import MessageForm
from ..common import application_for, upload_too_large
from .base import UPLOAD_LIMIT, crumbs


@login_required
@require_http_methods(["GET", "POST"])
def application_messages(request, pk: int):
    """The applicant side and the call's staff: the conversation of a dossier (programme staff outside the
    call's team read it); posting notifies the other side by email."""
    if request.method == "POST" and upload_too_large(request, UPLOAD_LIMIT):
        return refusal(
            request,
            _("La pièce jointe dépasse 10 Mo : le message n’a pas été envoyé."),
            status=413,
            title=_("Fichier trop volumineux"),
        )
    application, roles = application_for(request, pk)
    if not roles:
        return refusal(
            request, _("La messagerie du dossier est réservée à son porteur et à l’équipe du programme.")
        )
    can_write = bool(roles & {workflow.APPLICANT, workflow.STAFF})
    form = MessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not can_write:
            return refusal(request, _("Vous ne pouvez pas écrire sur ce dossier (accès en lecture)."))
        if form.is_valid():
            files = [form.cleaned_data["files"]] if form.cleaned_data.get("files") else []
            try:
                services.message_send(
                    application=application, author=request.user, body=form.cleaned_data["body"], files=files
                )
            except services.ServiceError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(request, _("Votre message est envoyé."))
                return redirect("calls:application_messages", application.pk)
        else:
            status = 400
    return render(
        request,
        "calls/messages.html",
        {
            "application": application,
            "form": form,
            "can_write": can_write,
            "conversation": application.messages.select_related("author").prefetch_related("attachments"),
            "page_title": _("Messages — dossier %(reference)s") % {"reference": application.reference},
            "breadcrumb": crumbs(application, _("Messages")),
        },
        status=status,
    )
