"""Stored optimiser runs (scenarios) and the decisions a scenario proposes to the committee. A run's status and
its replay follow the state machines of `workflow.py`, logged in the platform's `core.TransitionLog`.

A run keeps everything needed to audit and reproduce a selection: the parameters typed by staff, the full
optimiser input (`SelectionProblem` serialised as JSON), the solver options and version, the outputs (the
optimiser's result, the rank-by-score baseline on the same data, the score/coverage trade-off) and timings.
A run becomes a *scenario* when staff give it a name.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tierslieux.core.models import TransitionLog
from tierslieux.core.transitions import text_choices

from .workflow import REPLAY, RUN

RunStatus = text_choices("RunStatus", RUN, module=__name__)
ReplayStatus = text_choices("ReplayStatus", REPLAY, module=__name__)


class Run(models.Model):
    """One optimisation of a wave (pending → running → done | failed: `workflow.RUN`), and its replays
    (`workflow.REPLAY`)."""

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
    replay_status = models.CharField(
        _("rejeu"), max_length=10, choices=ReplayStatus.choices, default=REPLAY.initial, db_index=True
    )
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
    transitions = GenericRelation(TransitionLog)  # the history (core.TransitionLog), deleted with the run

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
