"""Review and decision: reviewer assignments, conflicts of interest, scores, staff notes, decisions.

Built here so the review side can rely on a stable schema; its services live in the review modules.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .application import Application
from .call import Criterion, Envelope


class ReviewerAssignment(models.Model):
    """A reviewer (instructeur·rice) asked by staff to review a dossier."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(_("à rendre avant le"), null=True, blank=True)
    last_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "assigned_at", "pk"]
        verbose_name = _("affectation d’instructeur·rice")
        verbose_name_plural = _("affectations d’instructeur·rices")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="calls_assignment_unique_reviewer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} — {self.reviewer.display_name}"


class ConflictOfInterest(models.Model):
    """A reviewer's declaration for one assignment. When `has_conflict`, the reviewer sees nothing of the file."""

    assignment = models.OneToOneField(ReviewerAssignment, on_delete=models.CASCADE, related_name="conflict")
    has_conflict = models.BooleanField(_("conflit d’intérêts"))
    details = models.TextField(_("précisions"), blank=True, default="")
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("déclaration de conflit d’intérêts")
        verbose_name_plural = _("déclarations de conflits d’intérêts")

    def __str__(self) -> str:
        if self.has_conflict:
            return gettext("%(assignment)s : conflit") % {"assignment": self.assignment}
        return gettext("%(assignment)s : aucun conflit") % {"assignment": self.assignment}


class Review(models.Model):
    """A reviewer's evaluation: one Score per criterion and a general comment; final once `submitted_at`."""

    assignment = models.OneToOneField(ReviewerAssignment, on_delete=models.CASCADE, related_name="review")
    comment = models.TextField(_("avis général"), blank=True, default="")
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")

    def __str__(self) -> str:
        return gettext("Évaluation — %(assignment)s") % {"assignment": self.assignment}


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("note"), validators=[MaxValueValidator(5)])
    comment = models.TextField(_("commentaire"), blank=True, default="")

    class Meta:
        ordering = ["review", "criterion__position", "criterion_id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="calls_score_unique_criterion"),
            models.CheckConstraint(condition=models.Q(value__lte=5), name="calls_score_value_max_5"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class StaffNote(models.Model):
    """A private note of programme staff on a dossier (never shown to the applicant nor to reviewers)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="staff_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at", "pk"]
        verbose_name = _("note interne")
        verbose_name_plural = _("notes internes")

    def __str__(self) -> str:
        return gettext("Note — %(reference)s") % {"reference": self.application.reference}


class DecisionOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepté")
    REFUSED = "refused", _("Refusé")
    CLOSED = "closed", _("Classé sans suite")


class Decision(models.Model):
    """The committee's decision. Accepted: `granted_amounts` per year (euros) in `envelope`; else a motivation.

    `published_at` set: the laureate appears in the public list (name of the place, commune, envelope, amount).
    """

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("décision"), max_length=10, choices=DecisionOutcome.choices)
    envelope = models.ForeignKey(
        Envelope, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    granted_amounts = models.JSONField(_("montants accordés par année (€)"), default=list, blank=True)
    granted_total = models.PositiveIntegerField(_("montant total accordé (€)"), default=0)
    motivation = models.TextField(_("motivation"), blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self) -> str:
        return f"{self.application.reference}: {self.get_outcome_display()}"
