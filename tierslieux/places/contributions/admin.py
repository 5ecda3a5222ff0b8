from django.contrib import admin

from tierslieux.core.admin_tools import TransitionLogInline

from .models import Claim, ContactMessage, ErrorReport, Proposal


class ContributionAdmin(admin.ModelAdmin):
    """Status changes go through the moderation pages (state machine + log): read-only here."""

    inlines = [TransitionLogInline]
    list_filter = ("status",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(Proposal)
class ProposalAdmin(ContributionAdmin):
    list_display = ("__str__", "kind", "status", "created_at")


@admin.register(ErrorReport)
class ErrorReportAdmin(ContributionAdmin):
    list_display = ("place", "kind", "status", "created_at")


@admin.register(Claim)
class ClaimAdmin(ContributionAdmin):
    list_display = ("place", "author", "status", "created_at")


@admin.register(ContactMessage)
class ContactMessageAdmin(ContributionAdmin):
    list_display = ("place", "status", "created_at")
