"""Helpers shared by the follow-up's views: fetching what the user may see (404 otherwise), breadcrumbs, file
downloads from private storage, refusals with a French message."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from tierslieux.calls import filetypes
from tierslieux.core.middleware import refusal

from .. import selectors
from ..models import Agreement, AnnualReport

UPLOAD_LIMIT = filetypes.MAX_SIZE + 512 * 1024
__all__ = [
    "UPLOAD_LIMIT",
    "agreement_for",
    "crumbs",
    "private_file",
    "refusal",
    "report_for",
    "upload_too_large",
]


def agreement_for(request, pk: int) -> tuple[Agreement, set[str]]:
    """Agreement `pk` if `request.user` may see it (404 otherwise, even when it exists) and their roles."""
    agreement = get_object_or_404(selectors.agreements_visible_to(request.user), pk=pk)
    return agreement, selectors.agreement_roles(request.user, agreement)


def report_for(request, pk: int) -> tuple[AnnualReport, set[str]]:
    report = get_object_or_404(
        selectors.reports_visible_to(request.user).select_related(
            "agreement__decision__application", "agreement__place__commune", "agreement__envelope"
        ),
        pk=pk,
    )
    return report, selectors.agreement_roles(request.user, report.agreement)


def crumbs(*items: tuple[str, str | None], staff: bool = False) -> list[dict]:
    """The breadcrumb: "Tableau de bord du suivi" (staff) or "Mes lieux" (beneficiaries), then `items`."""
    first = (
        {"label": _("Tableau de bord du suivi"), "url": reverse("followup:dashboard")}
        if staff
        else {"label": _("Mes lieux"), "url": reverse("followup:my_places")}
    )
    return [first, *({"label": label, "url": url} for label, url in items)]


def private_file(field, filename: str, content_type: str = "application/pdf") -> FileResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def upload_too_large(request) -> bool:
    """The declared body is larger than one 10 MB file and its form (checked before Django reads it)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > UPLOAD_LIMIT
    except ValueError:
        return True
