"""Annual activity reports: the indicators a laureate files each year of its agreement, their immutable
versions, their attachments and the reminders sent for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tierslieux.core.transitions import status_field

from .. import workflows
from ..storage import private_storage, upload_name
from .agreement import Agreement

# The indicators of a report, in the order of the form (numbers, then texts). `services` is a list of codes of
# `tierslieux.places.models.Service`.
NUMBER_FIELDS = (
    "opening_hours_per_week",
    "users_per_month",
    "members",
    "jobs_fte",
    "volunteers",
    "events_held",
    "revenue_total",
    "revenue_own",
    "revenue_public",
    "revenue_private",
)
TEXT_FIELDS = ("partners", "grant_use", "narrative")
INDICATOR_FIELDS = (*NUMBER_FIELDS[:6], "services", *NUMBER_FIELDS[6:], *TEXT_FIELDS)


class AnnualReport(models.Model):
    """The activity report of year `year` of an agreement (period, due date from the agreement). Filled as a
    draft (autosave, `revision` for optimistic concurrency as for applications), submitted once — each
    submission is an immutable `ReportVersion` — then accepted by staff or sent back for corrections."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("année de la convention"))
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    due_date = models.DateField(_("à remettre avant le"), db_index=True)
    status = status_field(workflows.REPORT)
    revision = models.PositiveIntegerField(_("révision"), default=1)
    last_tab = models.CharField(max_length=40, blank=True, default="", editable=False)
    # Indicators.
    opening_hours_per_week = models.DecimalField(
        _("heures d’ouverture par semaine"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    users_per_month = models.PositiveIntegerField(_("usagers par mois"), null=True, blank=True)
    members = models.PositiveIntegerField(_("adhérents ou membres"), null=True, blank=True)
    jobs_fte = models.DecimalField(_("emplois (ETP)"), max_digits=6, decimal_places=2, null=True, blank=True)
    volunteers = models.PositiveIntegerField(_("bénévoles"), null=True, blank=True)
    events_held = models.PositiveIntegerField(_("événements organisés"), null=True, blank=True)
    services = models.JSONField(_("services proposés"), default=list, blank=True)
    revenue_total = models.PositiveIntegerField(_("produits totaux (€)"), null=True, blank=True)
    revenue_own = models.PositiveIntegerField(_("recettes propres (€)"), null=True, blank=True)
    revenue_public = models.PositiveIntegerField(_("subventions publiques (€)"), null=True, blank=True)
    revenue_private = models.PositiveIntegerField(_("financements privés (€)"), null=True, blank=True)
    partners = models.TextField(_("partenaires"), blank=True, default="")
    grant_use = models.TextField(_("ce que la subvention a financé"), blank=True, default="")
    narrative = models.TextField(_("récit de l’année"), blank=True, default="")
    # Workflow data.
    corrections_message = models.TextField(_("corrections demandées"), blank=True, default="")
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepté le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agreement", "year"]
        verbose_name = _("rapport annuel")
        verbose_name_plural = _("rapports annuels")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="followup_report_unique_year")
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.agreement.reference} — rapport {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("followup:report", args=[self.pk])

    @property
    def status_label(self) -> str:
        return workflows.REPORT.label(self.status)

    @property
    def is_editable(self) -> bool:
        return self.status in workflows.EDITABLE_REPORT_STATES


class ReportVersion(models.Model):
    """An immutable snapshot of a submitted report (indicators and attachment hashes)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("contenu"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "number"]
        verbose_name = _("version de rapport")
        verbose_name_plural = _("versions de rapport")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="followup_report_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class AttachmentKind(models.TextChoices):
    FINANCIAL_STATEMENT = "financial_statement", _("Compte de résultat ou bilan financier")
    OTHER = "other", _("Autre pièce")


class ReportAttachment(models.Model):
    """A private file of a report (type checked by content, ≤ 10 MB), removable only while the report is
    editable."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("nature"), max_length=30, choices=AttachmentKind.choices)
    file = models.FileField(storage=private_storage, upload_to=upload_name, max_length=200)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "uploaded_at", "pk"]
        verbose_name = _("pièce d’un rapport")
        verbose_name_plural = _("pièces des rapports")

    def __str__(self) -> str:
        return self.original_name


class ReminderStep(models.TextChoices):
    BEFORE_30 = "before_30", _("30 jours avant l’échéance")
    BEFORE_7 = "before_7", _("7 jours avant l’échéance")
    LATE_7 = "late_7", _("7 jours de retard")
    LATE_30 = "late_30", _("30 jours de retard")


class ReportReminder(models.Model):
    """One reminder sent for one report at one step: unique, so no step is ever sent twice."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="reminders")
    step = models.CharField(_("étape"), max_length=20, choices=ReminderStep.choices)
    sent_at = models.DateTimeField(_("envoyée le"))
    recipients = models.PositiveSmallIntegerField(_("destinataires"), default=0)

    class Meta:
        ordering = ["report", "sent_at"]
        verbose_name = _("relance de rapport")
        verbose_name_plural = _("relances de rapports")
        constraints = [models.UniqueConstraint(fields=["report", "step"], name="followup_reminder_once")]

    def __str__(self) -> str:
        return f"{self.report} — {self.get_step_display()}"
