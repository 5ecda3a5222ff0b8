"""Admin of the calls (administrators only). Call configuration is editable; the call team changes only
through the staff pages; dossiers, transitions and decisions are read-only (they move through the workflow)."""

from django.contrib import admin

from tierslieux.core.admin_tools import ReadOnlyAdmin, TransitionLogInline

from . import models


class EnvelopeInline(admin.TabularInline):
    model = models.Envelope
    extra = 0


class WaveInline(admin.TabularInline):
    model = models.Wave
    extra = 0


class CriterionInline(admin.TabularInline):
    model = models.Criterion
    extra = 0


@admin.register(models.Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "is_published", "created_at"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["staff"]
    inlines = [EnvelopeInline, WaveInline, CriterionInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "call", "wave", "status", "submitted_at"]
    list_filter = ["status", "call"]
    search_fields = ["reference", "project_title"]
    inlines = [TransitionLogInline]


@admin.register(models.Decision)
class DecisionAdmin(ReadOnlyAdmin):
    pass
