"""Stored optimiser runs (scenarios), their status log, and the decisions a scenario proposes to the committee.

A run keeps everything needed to audit and reproduce a selection: the parameters typed by staff, the full
optimiser input (`SelectionProblem` serialised as JSON), the solver options and version, the outputs (the
optimiser's result, the rank-by-score baseline on the same data, the score/coverage trade-off) and timings.
A run becomes a *scenario* when staff give it a name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class Run(models.Model):
    """One optimisation of a wave (queued → running → done | failed; see `services.TRANSITIONS`)."""

    wave = models.ForeignKey("calls.Wave", on_delete=models.CASCADE, related_name="selection_runs")
    name = models.CharField(_("nom du scénario"), max_length=120, blank=True, default="")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_label = models.CharField(max_length=200, blank=True, default="")
    parameters = models.JSONField(_("paramètres"), default=dict)
    inputs = models.JSONField(_("données d’entrée de l’optimiseur"), default=dict, blank=True)
    options = models.JSONField(_("options du solveur"), default=dict, blank=True)
    context = models.JSONField(default=dict, blank=True)
    """Display data: per application reference, title, place, commune, coordinates, stand-alone coverage."""
    result = models.JSONField(_("résultat de l’optimiseur"), default=dict, blank=True)
    baseline = models.JSONField(_("classement par note (même données)"), default=dict, blank=True)
    tradeoff = models.JSONField(_("arbitrage note / couverture"), default=list, blank=True)
    solver_version = models.CharField(max_length=100, blank=True, default="")
    timings = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    replay_requested_at = models.DateTimeField(null=True, blank=True)
    """Set when a replay is asked for; the background task clears it once `replayed_at` is written."""
    replayed_at = models.DateTimeField(null=True, blank=True)
    replay_identical = models.BooleanField(null=True, blank=True)
    replay_report = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("scénario de sélection")
        verbose_name_plural = _("scénarios de sélection")
        indexes = [models.Index(fields=["wave", "created_at"])]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("selection:run", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.name or f"Calcul n° {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class RunTransition(models.Model):
    """The status log of a run: who (None: the background task), when, why."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=RunStatus.choices, blank=True, default="")
    to_status = models.CharField(max_length=10, choices=RunStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.from_status} → {self.to_status}"


class ProposedDecision(models.Model):
    """A scenario's proposal for one application: "retain it in this envelope". A person still decides."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="proposals")
    application = models.OneToOneField(
        "calls.Application", on_delete=models.CASCADE, related_name="selection_proposal"
    )
    envelope = models.ForeignKey(
        "calls.Envelope", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application__reference"]
        verbose_name = _("décision proposée")
        verbose_name_plural = _("décisions proposées")

    def __str__(self) -> str:
        return f"{self.application_id} ← {self.run}"
