"""Contributions to the atlas: proposals (new place or change), error reports, claims of a place by its
manager, and messages of the contact form. Each has a status state machine (`workflow.py`, the platform's
`core.workflow`) and its history in the platform's log (`core.TransitionLog`: who, when, from, to, why).

Emails of authors and senders are private: they are used to answer, never displayed publicly.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from tierslieux.core.models import TransitionLog
from tierslieux.core.transitions import text_choices
from tierslieux.core.workflow import Workflow
from tierslieux.places.models import Place

from . import workflow

ModerationStatus = text_choices("ModerationStatus", workflow.PROPOSAL, module=__name__)
ReportStatus = text_choices("ReportStatus", workflow.REPORT, module=__name__)
ClaimStatus = text_choices("ClaimStatus", workflow.CLAIM, module=__name__)
ContactStatus = text_choices("ContactStatus", workflow.CONTACT, module=__name__)


class ReportKind(models.TextChoices):
    CLOSED = "closed", _("Le lieu est fermé")
    WRONG_ADDRESS = "wrong_address", _("L’adresse est fausse")
    WRONG_INFORMATION = "wrong_information", _("Une information est fausse")
    DUPLICATE = "duplicate", _("Le lieu est en double")
    OTHER = "other", _("Autre")


class Contribution(models.Model):
    """What every contribution shares: its status, its author, its decision and its history."""

    WORKFLOW: Workflow

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_email = models.EmailField(_("adresse électronique (privée)"), blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("motif de la décision"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    transitions = GenericRelation(TransitionLog)  # the history (core.TransitionLog), deleted with it

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def contact_email(self) -> str:
        """Where to tell the author about the decision (their account first)."""
        if self.author_id and self.author.email:
            return self.author.email
        return self.author_email


class Proposal(Contribution):
    """A new place, or a change to an existing place, proposed by anyone and moderated by staff."""

    WORKFLOW = workflow.PROPOSAL

    class Kind(models.TextChoices):
        NEW = "new", _("Nouveau lieu")
        CHANGE = "change", _("Modification d’un lieu")

    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.CASCADE, related_name="proposals"
    )
    data = models.JSONField(_("données proposées"), default=dict)
    diff = models.JSONField(_("différences"), default=dict, help_text=_("{champ: [actuel, proposé]}"))
    comment = models.TextField(_("commentaire"), blank=True, default="")
    status = models.CharField(
        _("statut"), max_length=20, choices=ModerationStatus.choices, default=ModerationStatus.PENDING
    )

    class Meta(Contribution.Meta):
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.data.get('name') or self.place}"


class ErrorReport(Contribution):
    """An error reported on a place page ("closed", "wrong address"…)."""

    WORKFLOW = workflow.REPORT

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="error_reports")
    kind = models.CharField(_("nature de l’erreur"), max_length=20, choices=ReportKind.choices)
    message = models.TextField(_("message"), max_length=3000)
    status = models.CharField(
        _("statut"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )

    class Meta(Contribution.Meta):
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.place}"


class Claim(Contribution):
    """A person asks to become a manager of a place; programme staff approve or refuse."""

    WORKFLOW = workflow.CLAIM

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="claims")
    message = models.TextField(_("message"), max_length=3000)
    status = models.CharField(
        _("statut"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )

    class Meta(Contribution.Meta):
        verbose_name = _("revendication")
        verbose_name_plural = _("revendications")

    def __str__(self) -> str:
        return f"{self.place} — {self.author}"


class ContactMessage(Contribution):
    """A message sent through the contact form of a place: relayed to its managers by email (reply-to =
    the sender), or queued for programme staff when the place has no manager."""

    WORKFLOW = workflow.CONTACT

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="contact_messages")
    sender_name = models.CharField(_("nom de l’expéditeur"), max_length=150)
    message = models.TextField(_("message"), max_length=5000)
    status = models.CharField(
        _("statut"), max_length=20, choices=ContactStatus.choices, default=ContactStatus.PENDING
    )

    class Meta(Contribution.Meta):
        verbose_name = _("message de contact")
        verbose_name_plural = _("messages de contact")

    def __str__(self) -> str:
        return f"{self.place} — {self.created_at:%d/%m/%Y}"

    @property
    def sent_at(self):
        return self.created_at

    @property
    def sender_email(self) -> str:
        return self.author_email
