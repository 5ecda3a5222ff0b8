"""The network in the Django admin (administrators only): read-only. Listings, events (their SEQUENCE for
calendar clients), requests, pairings and resources (their versions) change through the services and the pages,
where moderation and the workflows' logs happen."""

from django.contrib import admin

from tierslieux.core.admin_tools import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    AbuseReport,
    Event,
    IcsSource,
    Listing,
    MentoringRequest,
    MentorOffer,
    Pairing,
    Resource,
    ResourceVersion,
)


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ("title", "side", "kind", "category", "status", "valid_until")
    list_filter = ("status", "side", "kind")
    search_fields = ("title",)
    readonly_fields = ("status", "published_at", "owner")
    raw_id_fields = ("place", "commune")


@admin.register(AbuseReport)
class AbuseReportAdmin(ReadOnlyAdmin):
    list_display = ("listing", "reason", "status", "created_at")
    list_filter = ("status", "reason")
    readonly_fields = ("status",)
    raw_id_fields = ("listing", "reporter")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("title", "place", "category", "starts_at", "status", "sequence")
    list_filter = ("status", "category", "time_zone")
    search_fields = ("title", "place__name")
    readonly_fields = ("uid", "sequence", "status", "source", "source_uid")
    raw_id_fields = ("place", "commune")


@admin.register(IcsSource)
class IcsSourceAdmin(ReadOnlyAdmin):
    list_display = ("place", "url", "enabled", "last_checked_at", "last_error")
    raw_id_fields = ("place",)


@admin.register(MentorOffer)
class MentorOfferAdmin(ReadOnlyAdmin):
    list_display = ("place", "capacity", "travel_km", "active")
    raw_id_fields = ("place",)


@admin.register(MentoringRequest)
class MentoringRequestAdmin(ReadOnlyAdmin):
    list_display = ("project_title", "status", "created_at")
    readonly_fields = ("status",)
    raw_id_fields = ("place", "commune")


@admin.register(Pairing)
class PairingAdmin(ReadOnlyAdmin):
    list_display = ("mentor", "request", "status", "started_on", "ended_on", "outcome")
    readonly_fields = ("status",)


class VersionInline(ReadOnlyInline, admin.TabularInline):
    model = ResourceVersion
    readonly_fields = ("number", "version", "file", "link", "size", "sha256", "downloads", "created_at")


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "licence", "status", "download_count")
    list_filter = ("kind", "licence", "status")
    readonly_fields = ("status", "download_count")
    inlines = [VersionInline]
