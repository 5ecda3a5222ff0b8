"""PDF documents of a submitted dossier: the dossier itself and its receipt (WeasyPrint, tierslieux/core/pdf.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tierslieux.core.middleware import refusal
from tierslieux.core.pdf import pdf_response

from .. import selectors, workflow
from ..models import Status
from .common import application_for, budget_table

NOT_SUBMITTED = _("Ce dossier n’est pas encore déposé : il n’a ni version déposée ni accusé de réception.")


def _submitted(request, pk: int):
    application, roles = application_for(request, pk)
    version = application.versions.order_by("-number").first()
    if application.status == Status.DRAFT or version is None:
        return application, roles, None
    return application, roles, version


@login_required
@require_GET
def application_pdf(request, pk: int):
    """Whoever may see the dossier (the applicant side, the call's staff, programme staff, its reviewers without
    conflict; others: 404): the submitted dossier as a PDF — the same summary as its page. A draft: 409."""
    application, _roles, version = _submitted(request, pk)
    if version is None:
        return refusal(request, str(NOT_SUBMITTED), status=409)
    return pdf_response(
        request,
        "calls/pdf/dossier.html",
        {
            "application": application,
            "version": version,
            "fingerprint": selectors.version_fingerprint(version),
            "answers": selectors.application_answers(application),
            "budget": budget_table(application.budget, application.call),
            "attachments": application.attachments.filter(message__isnull=True).select_related("question"),
            "eligibility": application.eligibility or {},
        },
        filename=f"dossier-{application.reference}.pdf",
    )


@login_required
@require_GET
def receipt_pdf(request, pk: int):
    """The applicant side and programme staff (reviewers: 403; others: 404): the receipt of the last submitted
    version as a PDF (reference, date, content fingerprint, attachments). A draft: 409."""
    application, roles, version = _submitted(request, pk)
    if not roles & {workflow.APPLICANT, workflow.STAFF, "reader"}:
        return refusal(
            request, _("L’accusé de réception est réservé au porteur du dossier et à l’équipe du programme.")
        )
    if version is None:
        return refusal(request, str(NOT_SUBMITTED), status=409)
    return pdf_response(
        request,
        "calls/pdf/receipt.html",
        {
            "application": application,
            "version": version,
            "fingerprint": selectors.version_fingerprint(version),
            "attachments": application.attachments.filter(message__isnull=True).select_related("question"),
        },
        filename=f"accuse-de-reception-{application.reference}.pdf",
    )
