"""Read-only admin of the stored runs (audit): decisions go through the pages and services."""

from django.contrib import admin

from tierslieux.core.admin_tools import ReadOnlyAdmin, TransitionLogInline

from .models import ProposedDecision, Run


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "wave", "name", "status", "solver_version", "created_at", "replay_identical")
    list_filter = ("status",)
    search_fields = ("name",)
    inlines = [TransitionLogInline]


@admin.register(ProposedDecision)
class ProposedDecisionAdmin(ReadOnlyAdmin):
    list_display = ("application", "run", "envelope", "proposed_at")
