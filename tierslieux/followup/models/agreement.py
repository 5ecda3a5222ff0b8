"""Funding agreements (conventions), their versions and amendments (avenants), and their tranches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tierslieux.calls.models import Call, Decision, Envelope
from tierslieux.core.transitions import status_field
from tierslieux.places.models import LegalForm, Place

from .. import workflows
from ..storage import private_storage, upload_name


class SignedFile(models.Model):
    """A signed PDF (checked by content on upload), kept in private storage with its name, size and hash."""

    signed_file = models.FileField(
        _("document signé"), storage=private_storage, upload_to=upload_name, max_length=200, blank=True
    )
    signed_file_name = models.CharField(_("nom du fichier"), max_length=255, blank=True, default="")
    signed_file_size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    signed_file_sha256 = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        abstract = True


class Agreement(SignedFile):
    """The funding agreement of one laureate, created in draft from the committee's acceptance.

    Staff complete the beneficiary (the place's legal entity) and the dates, then mark it signed (date and
    signed PDF): its tranches and annual reports are then generated. After signature, it changes only by
    amendments. `flagged_at` is set while one of its reports is more than 30 days late."""

    reference = models.CharField(_("numéro de convention"), max_length=40, unique=True)
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="agreement")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="agreements")
    envelope = models.ForeignKey(
        Envelope, on_delete=models.PROTECT, null=True, blank=True, related_name="agreements"
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("tiers-lieu"),
    )
    status = status_field(workflows.AGREEMENT)
    # The beneficiary: the legal entity that runs the place.
    beneficiary_name = models.CharField(
        _("raison sociale du bénéficiaire"), max_length=200, blank=True, default=""
    )
    beneficiary_legal_form = models.CharField(
        _("forme juridique"), max_length=20, choices=LegalForm.choices, blank=True, default=""
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, default="")
    rna = models.CharField(_("numéro RNA"), max_length=10, blank=True, default="")
    representative_name = models.CharField(
        _("représentant légal (nom)"), max_length=150, blank=True, default=""
    )
    representative_role = models.CharField(
        _("représentant légal (qualité)"), max_length=100, blank=True, default=""
    )
    # The grant.
    purpose = models.CharField(_("objet de la subvention"), max_length=255, blank=True, default="")
    amounts = models.JSONField(_("montants par année (€)"), default=list)
    total = models.PositiveIntegerField(_("montant total (€)"), default=0)
    start_date = models.DateField(_("date de début"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"), default=36)
    report_delay_days = models.PositiveSmallIntegerField(
        _("délai de remise des rapports (jours après la fin de chaque année)"), default=60
    )
    conditions = models.TextField(_("conditions de l’appel"), blank=True, default="")
    signed_on = models.DateField(_("date de signature"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    flagged_at = models.DateTimeField(_("signalée en retard le"), null=True, blank=True)
    flag_reason = models.TextField(_("motif du signalement"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("followup:agreement", args=[self.pk])

    @property
    def status_label(self) -> str:
        return workflows.AGREEMENT.label(self.status)

    @property
    def years(self) -> int:
        return len(self.amounts or [])


class AgreementVersion(models.Model):
    """An immutable snapshot of the whole agreement (beneficiary, amounts, dates, conditions, signed file hash),
    taken at creation, at signature and at each amendment."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    label = models.CharField(_("occasion"), max_length=200)
    data = models.JSONField(_("contenu"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("version de convention")
        verbose_name_plural = _("versions de convention")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="followup_agreement_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference} v{self.number}"


class AmendmentKind(models.TextChoices):
    AMOUNT = "amount", _("Montants")
    DURATION = "duration", _("Durée")
    BENEFICIARY = "beneficiary", _("Changement de bénéficiaire")


class Amendment(SignedFile):
    """An avenant: typed, dated, reasoned; `changes` = {field: [before, after]}; it creates version `number + 1`
    of the agreement and one `core.TransitionLog` row (action "amend")."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField(_("numéro d’avenant"))
    kind = models.CharField(_("nature"), max_length=20, choices=AmendmentKind.choices)
    effective_on = models.DateField(_("date de l’avenant"))
    reason = models.TextField(_("motif"))
    changes = models.JSONField(_("modifications"), default=dict)
    version = models.OneToOneField(AgreementVersion, on_delete=models.PROTECT, related_name="amendment")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("avenant")
        verbose_name_plural = _("avenants")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="followup_amendment_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference} — avenant {self.number}"


class Tranche(models.Model):
    """One payment of an agreement (one per year). Status: `workflows.TRANCHE`; `status_reason` is the reason of
    the last suspension or cancellation. `suspended_for` is the late report that suspended it automatically (it
    is put back on the calendar when that report arrives)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("tranche"))
    amount = models.PositiveIntegerField(_("montant (€)"))
    status = status_field(workflows.TRANCHE)
    planned_due = models.DateField(_("échéance prévue"), null=True, blank=True)
    due_on = models.DateField(_("exigible depuis le"), null=True, blank=True)
    engaged_on = models.DateField(_("date d’engagement"), null=True, blank=True)
    service_done_on = models.DateField(_("date du service fait"), null=True, blank=True)
    paid_on = models.DateField(_("date de paiement"), null=True, blank=True)
    status_reason = models.TextField(_("motif"), blank=True, default="")
    suspended_for = models.ForeignKey(
        "followup.AnnualReport", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="followup_tranche_unique_number")
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.agreement.reference} — tranche {self.number}"

    @property
    def status_label(self) -> str:
        return workflows.TRANCHE.label(self.status)
