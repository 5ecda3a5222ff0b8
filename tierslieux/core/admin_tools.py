"""Shared Django-admin pieces. The admin is for administrators only (tierslieux/accounts/admin.py); what
moves through a workflow (statuses, transition logs, decisions, runs) is never editable there."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from django.http import HttpRequest

from .models import TransitionLog

# URL fields read a bare domain as https:// (Django 6's default; Django 5.2 warns on every form without it,
# and the admin builds a form even to show a read-only page).
HTTPS_URLS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in the stubs only, not at run time
    """View only: no add, no change, no delete (audit of records written by the services)."""

    formfield_overrides = HTTPS_URLS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline:
    """Mixin for inlines of workflow records: shown, never added, changed or deleted."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TransitionLogInline(ReadOnlyInline, GenericTabularInline):
    """The workflow history (`core.TransitionLog`) of the object, under its admin page."""

    model = TransitionLog
    readonly_fields = ("created_at", "workflow", "action", "from_status", "to_status", "actor", "reason")
    fields = readonly_fields
