"""Stored coverage of every commune (the default count: open places of every type) and its computation runs.

The table is rebuilt by `manage.py compute_coverage` and kept up to date, commune by commune, by a background
task after each change of a place (see services.py). `CoveragePlace` is the state of the places the table was
computed from: comparing it with the current places tells the task what was added, moved or closed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tierslieux.geo.models import Commune
from tierslieux.places.models import Place


class CommuneCoverage(models.Model):
    commune = models.OneToOneField(
        Commune,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="coverage",
        verbose_name=_("commune"),
    )
    # No database constraint: a deleted place stays referenced until the background task has run.
    nearest_place = models.ForeignKey(
        Place,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tiers-lieu le plus proche"),
    )
    nearest_km = models.FloatField(_("distance au plus proche (km)"), null=True, blank=True)
    within_5km = models.PositiveIntegerField(_("tiers-lieux à moins de 5 km"), default=0)
    within_10km = models.PositiveIntegerField(_("tiers-lieux à moins de 10 km"), default=0)
    within_20km = models.PositiveIntegerField(_("tiers-lieux à moins de 20 km"), default=0)
    white_zone = models.BooleanField(_("zone blanche"), default=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("couverture d’une commune")
        verbose_name_plural = _("couverture des communes")

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.nearest_km} km"


class CoveragePlace(models.Model):
    """A place as counted in the stored coverage (plain id: the row outlives a deleted place)."""

    place_id = models.BigIntegerField(primary_key=True)
    lon = models.FloatField()
    lat = models.FloatField()
    commune_id = models.CharField(max_length=5)

    class Meta:
        verbose_name = _("tiers-lieu compté")
        verbose_name_plural = _("tiers-lieux comptés")

    def __str__(self) -> str:
        return f"{self.place_id} ({self.lon}, {self.lat})"


class CoverageRun(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", _("Calcul complet")
        INCREMENTAL = "incremental", _("Mise à jour incrémentale")

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField(_("début"))
    duration_ms = models.FloatField(_("durée (ms)"))
    parameters = models.JSONField(_("paramètres"), default=dict)
    fingerprint = models.CharField(_("empreinte des données"), max_length=64)
    commune_count = models.PositiveIntegerField(_("communes"), default=0)
    place_count = models.PositiveIntegerField(_("tiers-lieux comptés"), default=0)
    changed_communes = models.PositiveIntegerField(_("communes modifiées"), default=0)
    place_ids = models.JSONField(_("tiers-lieux concernés"), default=list, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("calcul de couverture")
        verbose_name_plural = _("calculs de couverture")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.started_at:%Y-%m-%d %H:%M}"
