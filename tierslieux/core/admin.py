"""django-dsfr's site configuration in the admin, its URL fields reading a bare domain as https:// (Django 6's
default; Django 5.2 warns on every form without it, and every warning is an error in the tests)."""

from django.contrib import admin
from dsfr.admin import DsfrConfigAdmin, DsfrSocialMediaInline
from dsfr.models import DsfrConfig

from .admin_tools import HTTPS_URLS


class SocialMediaInline(DsfrSocialMediaInline):  # type: ignore[misc]  # django-dsfr ships no types
    formfield_overrides = HTTPS_URLS


class ConfigAdmin(DsfrConfigAdmin):  # type: ignore[misc]  # django-dsfr ships no types
    formfield_overrides = HTTPS_URLS
    inlines = [SocialMediaInline]


admin.site.unregister(DsfrConfig)
admin.site.register(DsfrConfig, ConfigAdmin)
