"""The follow-up's part of a person's data (accounts/personal_data.py): the annual reports they filled or
submitted (their texts and the versions they saved), the files they attached, the census answers they gave.

Erasure: reports, their files and census answers are the beneficiary's record of public money and are kept,
as the law on public grants requires: the person stays the (anonymised) account who saved, submitted or
answered, and the original names of the files they attached, which often carry a person's name, are replaced
by neutral ones (as for the files of applications)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from tierslieux.accounts import personal_data

from .models import AnnualReport, CensusAnswer, ReportAttachment, ReportVersion


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def followup_export(user) -> dict:
    versions = ReportVersion.objects.filter(created_by=user)
    reports = (
        AnnualReport.objects.filter(Q(submitted_by=user) | Q(pk__in=versions.values("report_id")))
        .select_related("agreement")
        .order_by("agreement__reference", "year")
    )
    return {
        "reports": [
            {
                "agreement": report.agreement.reference,
                "year": report.year,
                "status": report.status,
                "submitted_by_you": report.submitted_by_id == user.pk,
                "submitted_at": _iso(report.submitted_at),
                "versions_you_saved": [
                    {"number": number, "at": _iso(at)}
                    for number, at in versions.filter(report=report).values_list("number", "created_at")
                ],
                "partners": report.partners,
                "grant_use": report.grant_use,
                "narrative": report.narrative,
            }
            for report in reports
        ],
        "report_files": [
            {
                "agreement": attachment.report.agreement.reference,
                "year": attachment.report.year,
                "kind": attachment.kind,
                "name": attachment.original_name,
                "uploaded_at": _iso(attachment.uploaded_at),
            }
            for attachment in ReportAttachment.objects.filter(uploaded_by=user).select_related(
                "report__agreement"
            )
        ],
        "census_answers": [
            {
                "campaign": answer.campaign.title,
                "place": answer.place.name,
                "answered_at": _iso(answer.answered_at),
                "channel": answer.channel,
                "still_open": answer.still_open,
                "types": answer.types,
                "surface_m2": answer.surface_m2,
                "users_per_month": answer.users_per_month,
                "jobs_fte": str(answer.jobs_fte) if answer.jobs_fte is not None else None,
                "legal_form": answer.legal_form,
            }
            for answer in CensusAnswer.objects.filter(answered_by=user).select_related("campaign", "place")
        ],
    }


@transaction.atomic
def followup_erase(user) -> None:
    for attachment in ReportAttachment.objects.filter(uploaded_by=user).only("pk", "original_name"):
        suffix = Path(attachment.original_name).suffix.lower()[:8]
        ReportAttachment.objects.filter(pk=attachment.pk).update(
            original_name=f"piece-{attachment.pk}{suffix}"
        )


def register() -> None:
    personal_data.register(
        "followup",
        label=gettext_noop("Suivi des conventions : rapports annuels et recensements"),
        export=followup_export,
        erase=followup_erase,
    )
