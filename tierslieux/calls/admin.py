from django.contrib import admin

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
    filter_horizontal = ["staff"]
    inlines = [EnvelopeInline, WaveInline, CriterionInline]


@admin.register(models.Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["reference", "call", "wave", "status", "submitted_at"]
    list_filter = ["status", "call"]
    search_fields = ["reference", "project_title"]
    raw_id_fields = ["applicant", "place", "qpv"]
    readonly_fields = ["revision"]


admin.site.register(models.Transition)
admin.site.register(models.Decision)
