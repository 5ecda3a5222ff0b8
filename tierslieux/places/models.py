"""The atlas: every tiers-lieu, its page, its managers and the history of every change.

Contact data of people (names, private emails found in source files) is stored in `private_contact`
and is never shown publicly nor exported.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tierslieux.geo.models import Commune


class PlaceType(models.TextChoices):
    COWORKING = "coworking", _("Espace de coworking")
    FABLAB = "fablab", _("Fablab")
    MAKERSPACE = "makerspace", _("Makerspace")
    SHARED_WORKSHOP = "atelier_partage", _("Atelier partagé")
    REPAIR_CAFE = "repair_cafe", _("Repair café")
    LIVING_LAB = "living_lab", _("Living lab")
    CULTURAL = "culturel", _("Tiers-lieu culturel / friche")
    FOOD = "nourricier", _("Tiers-lieu nourricier")
    CAMPUS = "campus_connecte", _("Campus connecté")
    MICRO_FOLIE = "micro_folie", _("Micro-Folie")
    FRANCE_SERVICES = "france_services", _("Espace France services")
    DIGITAL_INCLUSION = "mediation_numerique", _("Lieu de médiation numérique")
    SOLIDARITY_GARAGE = "garage_solidaire", _("Garage solidaire")
    OTHER = "autre", _("Autre")


class PlaceStatus(models.TextChoices):
    PROJECT = "project", _("En projet")
    OPEN = "open", _("Ouvert")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Fermé temporairement")
    CLOSED = "closed", _("Fermé définitivement")


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    SCIC = "scic", _("SCIC")
    SCOP = "scop", _("SCOP")
    COMPANY = "company", _("Entreprise")
    LOCAL_AUTHORITY = "local_authority", _("Collectivité territoriale")
    PUBLIC_BODY = "public_body", _("Établissement public")
    OTHER = "other", _("Autre")
    UNKNOWN = "", _("Non renseignée")


class Label(models.TextChoices):
    FABRIQUE = "fabrique_territoire", _("Fabrique de territoire")
    FABRIQUE_NUMERIQUE = "fabrique_numerique", _("Fabrique numérique de territoire")
    MANUFACTURE = "manufacture_proximite", _("Manufacture de proximité")
    FRANCE_SERVICES = "france_services", _("France services")


class Place(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d’URL"), max_length=220, unique=True)
    types = models.JSONField(_("types"), default=list, blank=True, help_text=_("Codes de PlaceType."))
    short_description = models.CharField(_("description courte"), max_length=300, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    address = models.CharField(_("adresse"), max_length=300, blank=True, default="")
    postcode = models.CharField(_("code postal"), max_length=5, blank=True, default="")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="places")
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    status = models.CharField(_("statut"), max_length=20, choices=PlaceStatus.choices, default=PlaceStatus.OPEN)
    legal_form = models.CharField(_("forme juridique"), max_length=20, choices=LegalForm.choices, blank=True,
                                  default="")
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, default="")
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True, default="")
    opening_date = models.DateField(_("date d’ouverture"), null=True, blank=True)
    labels = models.JSONField(_("labels"), default=list, blank=True, help_text=_("Codes de Label."))
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="managed_places", blank=True,
                                      verbose_name=_("gestionnaires"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tiers-lieu")
        verbose_name_plural = _("tiers-lieux")
        indexes = [models.Index(fields=["status"]), models.Index(fields=["lon", "lat"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:detail", args=[self.slug])
