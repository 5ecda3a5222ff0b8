"""The alerts in the Django admin: read-only (the ledger is append-only; changes go through the pages)."""

from django.contrib import admin

from tierslieux.core.admin_tools import ReadOnlyAdmin

from .models import ConsentEvent, Subscription, Suppression


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["stream", "label", "frequency", "status", "created_at", "confirmed_at", "ended_at"]
    list_filter = ["stream", "status", "frequency"]
    exclude = ["recipient"]


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "stream", "label", "source"]
    list_filter = ["kind", "stream", "source"]
    exclude = ["email"]


@admin.register(Suppression)
class SuppressionAdmin(ReadOnlyAdmin):
    list_display = ["address_hash", "reason", "created_at"]
    list_filter = ["reason"]
