"""The follow-up in the Django admin (administrators only): read-only. Agreements, tranches, reports, amendments,
their versions, reminders and census answers record public money and what beneficiaries submitted; they change
only through the services (workflows with their log, versions), never here."""

from django.contrib import admin

from tierslieux.core.admin_tools import ReadOnlyAdmin

from . import models


@admin.register(models.Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("reference", "beneficiary_name", "call", "status", "total", "signed_on", "flagged_at")
    list_filter = ("status", "call")
    search_fields = ("reference", "beneficiary_name", "siret")
    exclude = ("signed_file",)  # private storage (no URL): its name and SHA-256 are shown


@admin.register(models.Tranche)
class TrancheAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "number", "amount", "status", "due_on", "paid_on")
    list_filter = ("status",)


@admin.register(models.AnnualReport)
class AnnualReportAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "year", "due_date", "status", "submitted_at")
    list_filter = ("status",)


@admin.register(models.CensusCampaign)
class CensusCampaignAdmin(ReadOnlyAdmin):
    list_display = ("year", "title", "status", "closes_on")


@admin.register(models.Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "number", "kind", "effective_on")
    exclude = ("signed_file",)  # private storage (no URL): its name and SHA-256 are shown


for model in (
    models.AgreementVersion,
    models.ReportVersion,
    models.ReportReminder,
    models.CensusAnswer,
):
    admin.site.register(model, ReadOnlyAdmin)
