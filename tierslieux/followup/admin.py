"""The follow-up in the Django admin (programme staff and administrators): read, never change a status here —
statuses change only through the workflows (`transition_apply`)."""

from django.contrib import admin

from . import models


class ReadOnlyStatus(admin.ModelAdmin):
    readonly_fields = ("status",)


@admin.register(models.Agreement)
class AgreementAdmin(ReadOnlyStatus):
    list_display = ("reference", "beneficiary_name", "call", "status", "total", "signed_on", "flagged_at")
    list_filter = ("status", "call")
    search_fields = ("reference", "beneficiary_name", "siret")
    readonly_fields = ("status", "decision", "amounts", "total", "version", "signed_file_sha256")


@admin.register(models.Tranche)
class TrancheAdmin(ReadOnlyStatus):
    list_display = ("agreement", "number", "amount", "status", "due_on", "paid_on")
    list_filter = ("status",)


@admin.register(models.AnnualReport)
class AnnualReportAdmin(ReadOnlyStatus):
    list_display = ("agreement", "year", "due_date", "status", "submitted_at")
    list_filter = ("status",)


@admin.register(models.CensusCampaign)
class CensusCampaignAdmin(ReadOnlyStatus):
    list_display = ("year", "title", "status", "closes_on")


admin.site.register(models.Amendment)
admin.site.register(models.AgreementVersion)
admin.site.register(models.ReportVersion)
admin.site.register(models.ReportReminder)
admin.site.register(models.CensusAnswer)
