"""The resource library: guides, model statutes, budget templates, training material. Every version is kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tierslieux.core.transitions import status_field
from tierslieux.places.models import Place

from .. import workflows
from .choices import LICENCE_URLS, Licence, ResourceKind


def resource_file_name(instance, filename: str) -> str:
    import secrets
    from pathlib import Path

    return f"network/resources/{secrets.token_urlsafe(18)}{Path(filename).suffix.lower()[:6]}"


class Resource(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=ResourceKind.choices)
    description = models.TextField(_("description (Markdown)"), max_length=5000, blank=True, default="")
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    author_place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.SET_NULL, related_name="network_resources"
    )
    tags = models.JSONField(_("mots-clés"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    download_count = models.PositiveIntegerField(_("téléchargements"), default=0)
    status = status_field(workflows.RESOURCE)
    search_text = models.TextField(default="", blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("network:resource", args=[self.slug])

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")

    @property
    def current(self) -> ResourceVersion | None:
        return self.versions.order_by("-number").first()


class ResourceVersion(models.Model):
    """One version of a resource: a file (type checked by content, size-limited) or a link. Never changed once
    written; a new version is a new row."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    version = models.CharField(_("version"), max_length=30)
    file = models.FileField(upload_to=resource_file_name, blank=True, default="")
    link = models.URLField(_("lien"), max_length=500, blank=True, default="")
    original_name = models.CharField(max_length=255, blank=True, default="")
    content_type = models.CharField(max_length=120, blank=True, default="")
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, default="")
    note = models.CharField(_("nouveautés de cette version"), max_length=500, blank=True, default="")
    downloads = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="network_resource_version_unique")
        ]
        verbose_name = _("version de ressource")
        verbose_name_plural = _("versions de ressources")

    def __str__(self) -> str:
        return f"{self.resource} v{self.version}"
