"""The yearly census of places: a campaign, the places invited to answer it, and their answers (which update
the place through a moderated proposal and are kept for the observatory)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tierslieux.core.transitions import status_field
from tierslieux.places.contributions.models import Proposal
from tierslieux.places.models import LegalForm, Place

from .. import workflows


class CensusCampaign(models.Model):
    """The census of one year: a short questionnaire sent to the managers of every place that has one, open
    until `closes_on` (the links in the emails stop working when it closes)."""

    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    title = models.CharField(_("titre"), max_length=200)
    message = models.TextField(_("message aux gestionnaires"), blank=True, default="")
    closes_on = models.DateField(_("clôture le"))
    status = status_field(workflows.CENSUS)
    opened_at = models.DateTimeField(_("ouvert le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("recensement")
        verbose_name_plural = _("recensements")

    def __str__(self) -> str:
        return self.title

    @property
    def status_label(self) -> str:
        return workflows.CENSUS.label(self.status)


class CensusInvitation(models.Model):
    """A place asked to answer a campaign (its managers were emailed a personal link)."""

    campaign = models.ForeignKey(CensusCampaign, on_delete=models.CASCADE, related_name="invitations")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="census_invitations")
    sent_at = models.DateTimeField(_("envoyée le"))
    recipients = models.PositiveSmallIntegerField(_("destinataires"), default=0)

    class Meta:
        ordering = ["campaign", "place"]
        verbose_name = _("invitation au recensement")
        verbose_name_plural = _("invitations au recensement")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "place"], name="followup_invitation_unique_place")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.place}"


class AnswerChannel(models.TextChoices):
    EMAIL_LINK = "email_link", _("Lien reçu par courriel")
    SIGNED_IN = "signed_in", _("Espace gestionnaire")


class CensusAnswer(models.Model):
    """The answer of a place to a campaign (one per place). The changes it brings to the place page are a
    moderated `Proposal`; the figures (users, jobs) feed the observatory."""

    campaign = models.ForeignKey(CensusCampaign, on_delete=models.CASCADE, related_name="answers")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="census_answers")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("canal"), max_length=20, choices=AnswerChannel.choices)
    still_open = models.BooleanField(_("le lieu est ouvert"))
    types = models.JSONField(_("types"), default=list, blank=True)
    surface_m2 = models.PositiveIntegerField(_("surface (m²)"), null=True, blank=True)
    users_per_month = models.PositiveIntegerField(_("usagers par mois"), null=True, blank=True)
    jobs_fte = models.DecimalField(_("emplois (ETP)"), max_digits=6, decimal_places=2, null=True, blank=True)
    legal_form = models.CharField(
        _("forme juridique"), max_length=20, choices=LegalForm.choices, blank=True, default=""
    )
    proposal = models.ForeignKey(Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("répondu le"))

    class Meta:
        ordering = ["campaign", "place"]
        verbose_name = _("réponse au recensement")
        verbose_name_plural = _("réponses au recensement")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "place"], name="followup_answer_unique_place")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.place}"
