"""Mentoring ("compagnonnage"): experienced places offer to accompany, projects ask, pairings and their log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tierslieux.core.transitions import status_field
from tierslieux.geo.models import Commune
from tierslieux.places.models import Place

from .. import workflows
from .choices import Outcome


class MentorOffer(models.Model):
    """A place offers to accompany new projects: on which themes, how many at once, how far it will travel."""

    place = models.OneToOneField(Place, on_delete=models.CASCADE, related_name="mentor_offer")
    themes = models.JSONField(_("thèmes"), default=list)
    capacity = models.PositiveSmallIntegerField(_("nombre de projets accompagnés à la fois"))
    travel_km = models.PositiveIntegerField(_("distance jusqu’où le lieu se déplace (km)"))
    description = models.TextField(_("présentation (Markdown)"), max_length=3000, blank=True, default="")
    active = models.BooleanField(_("ouvert à de nouveaux projets"), default=True)
    show_on_place_page = models.BooleanField(
        _("afficher les compagnonnages sur la page du lieu"), default=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["place__name"]
        verbose_name = _("offre de compagnonnage")
        verbose_name_plural = _("offres de compagnonnage")

    def __str__(self) -> str:
        return str(self.place)


class MentoringRequest(models.Model):
    """A project asks for a companion: a place "en projet", or an applicant whose application is in
    preparation or was refused (its reference, read through the calls' selectors)."""

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.CASCADE, related_name="mentoring_requests"
    )
    application_reference = models.CharField(
        _("dossier de candidature"), max_length=30, blank=True, default=""
    )
    project_title = models.CharField(_("nom du projet"), max_length=200)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    lon = models.FloatField()
    lat = models.FloatField()
    themes = models.JSONField(_("thèmes"), default=list)
    message = models.TextField(_("ce que vous cherchez"), max_length=3000)
    show_on_place_page = models.BooleanField(_("afficher le compagnonnage sur la page du lieu"), default=True)
    status = status_field(workflows.MENTORING_REQUEST)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("demande de compagnonnage")
        verbose_name_plural = _("demandes de compagnonnage")

    def __str__(self) -> str:
        return self.project_title

    def get_absolute_url(self) -> str:
        return reverse("network:mentoring_request", args=[self.pk])

    @property
    def status_label(self) -> str:
        return workflows.MENTORING_REQUEST.label(self.status)


class Pairing(models.Model):
    """A companion place and a project: proposed (by the project or the matching), accepted by the companion
    (or made by staff), then a log of meetings and an end with an outcome."""

    mentor = models.ForeignKey(MentorOffer, on_delete=models.PROTECT, related_name="pairings")
    request = models.ForeignKey(MentoringRequest, on_delete=models.CASCADE, related_name="pairings")
    status = status_field(workflows.PAIRING)
    started_on = models.DateField(_("début"), null=True, blank=True)
    ended_on = models.DateField(_("fin"), null=True, blank=True)
    outcome = models.CharField(_("issue"), max_length=20, choices=Outcome.choices, blank=True, default="")
    outcome_note = models.TextField(_("bilan"), max_length=3000, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("compagnonnage")
        verbose_name_plural = _("compagnonnages")

    def __str__(self) -> str:
        return f"{self.mentor.place} — {self.request}"

    def get_absolute_url(self) -> str:
        return reverse("network:pairing", args=[self.pk])

    @property
    def status_label(self) -> str:
        return workflows.PAIRING.label(self.status)

    @property
    def public(self) -> bool:
        """Both sides consented to show the pairing on place pages."""
        return self.mentor.show_on_place_page and self.request.show_on_place_page


class PairingMeeting(models.Model):
    """One meeting of a pairing: when, what was discussed, the next step."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    topic = models.CharField(_("sujet"), max_length=300)
    next_step = models.CharField(_("prochaine étape"), max_length=300, blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("rencontre")
        verbose_name_plural = _("rencontres")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} — {self.topic}"
