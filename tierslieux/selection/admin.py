"""Read-only admin of the stored runs (audit): decisions go through the pages and services."""

from django.contrib import admin

from .models import ProposedDecision, Run, RunTransition


class RunTransitionInline(admin.TabularInline):
    model = RunTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "reason", "created_at")


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("pk", "wave", "name", "status", "solver_version", "created_at", "replay_identical")
    list_filter = ("status",)
    search_fields = ("name",)
    inlines = [RunTransitionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProposedDecision)
class ProposedDecisionAdmin(admin.ModelAdmin):
    list_display = ("application", "run", "envelope", "proposed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
