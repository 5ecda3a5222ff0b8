"""Reference geography of France: regions, departments, EPCI, communes (and municipal arrondissements), QPV.

Loaded from the compact open-data files of `tierslieux/geo/data/` by `manage.py load_geo` (docs/data.md).
Geometries are stored as GeoJSON text and handled with shapely (no GeoDjango, no GDAL).
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    name_search = models.CharField(max_length=100, db_index=True, editable=False, default="")
    # The name as INSEE sorts it: normalised, without its article ("La Réunion" under R).
    sort_name = models.CharField(max_length=100, db_index=True, editable=False, default="")
    outline = models.TextField(_("contour (GeoJSON simplifié)"), blank=True, default="")

    class Meta:
        ordering = ["sort_name", "code"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("geo:region", args=[self.code])


class Department(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    name_search = models.CharField(max_length=100, db_index=True, editable=False, default="")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    outline = models.TextField(_("contour (GeoJSON simplifié)"), blank=True, default="")

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("geo:department", args=[self.code])


class Epci(models.Model):
    class Kind(models.TextChoices):
        CC = "CC", _("Communauté de communes")
        CA = "CA", _("Communauté d’agglomération")
        CU = "CU", _("Communauté urbaine")
        ME = "ME", _("Métropole")

    siren = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    name_search = models.CharField(max_length=200, db_index=True, editable=False, default="")
    kind = models.CharField(_("type"), max_length=2, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("geo:epci", args=[self.siren])

    @property
    def is_metropole(self) -> bool:
        return self.kind == self.Kind.ME


class Commune(models.Model):
    """A commune (type COM) or a municipal arrondissement of Paris, Lyon or Marseille (type ARM)."""

    class Kind(models.TextChoices):
        COMMUNE = "COM", _("Commune")
        ARRONDISSEMENT = "ARM", _("Arrondissement municipal")

    insee = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    kind = models.CharField(_("type"), max_length=3, choices=Kind.choices, default=Kind.COMMUNE)
    name = models.CharField(_("nom"), max_length=150)
    name_search = models.CharField(max_length=150, db_index=True, editable=False, default="")
    # The name as INSEE sorts it: normalised, without its article ("Le Havre" under H).
    sort_name = models.CharField(max_length=150, db_index=True, editable=False, default="")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="arrondissements"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(Epci, null=True, blank=True, on_delete=models.PROTECT, related_name="communes")
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    area_km2 = models.FloatField(_("superficie (km²)"), null=True, blank=True)
    town_hall_lon = models.FloatField(null=True, blank=True)
    town_hall_lat = models.FloatField(null=True, blank=True)
    interior_lon = models.FloatField(null=True, blank=True)
    interior_lat = models.FloatField(null=True, blank=True)
    postcodes = models.CharField(_("codes postaux"), max_length=200, blank=True, default="")
    density_level = models.CharField(_("grille communale de densité"), max_length=60, blank=True, default="")
    centrality_level = models.CharField(_("niveau de centralité"), max_length=60, blank=True, default="")
    rurality_level = models.CharField(_("typologie des ruralités"), max_length=80, blank=True, default="")
    mountain_massif = models.CharField(_("massif de montagne"), max_length=60, blank=True, default="")
    petite_ville_de_demain = models.BooleanField(_("Petite ville de demain"), default=False)
    coeur_de_ville = models.BooleanField(_("Action Cœur de ville"), default=False)
    outline = models.TextField(_("contour (GeoJSON simplifié)"), blank=True, default="")

    class Meta:
        ordering = ["sort_name", "insee"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        indexes = [models.Index(fields=["postcodes"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee})"

    def get_absolute_url(self) -> str:
        return reverse("geo:commune", args=[self.insee])

    @property
    def point(self) -> tuple[float, float] | None:
        """(lon, lat) of the town hall, or of the interior point when the town hall is unknown (or was refused
        by `load_geo` because it lay outside the commune's contour)."""
        if self.town_hall_lon is not None and self.town_hall_lat is not None:
            return (self.town_hall_lon, self.town_hall_lat)
        if self.interior_lon is not None and self.interior_lat is not None:
            return (self.interior_lon, self.interior_lat)
        return None


class Qpv(models.Model):
    """Quartier prioritaire de la politique de la ville (2024 generation).

    Known by its communes until the official perimeter file is loaded (`manage.py load_qpv_perimeters`);
    then `perimeter` holds its polygon and point-in-QPV lookups become exact.
    """

    code = models.CharField(_("code"), max_length=10, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    name_search = models.CharField(max_length=200, db_index=True, editable=False, default="")
    communes = models.ManyToManyField(Commune, related_name="qpvs")
    perimeter = models.TextField(_("périmètre (GeoJSON)"), blank=True, default="")

    class Meta:
        ordering = ["code"]
        verbose_name = _("quartier prioritaire (QPV)")
        verbose_name_plural = _("quartiers prioritaires (QPV)")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
