"""The platform's own records: the workflow log shared by every workflow, the email outbox, and what the
periodic-job scheduler leaves behind (its heartbeat and one row per job run)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class TransitionLog(models.Model):
    """One state change of any workflow (`core.workflow`): which object, which workflow and action, from which
    state to which, who (None: the platform or a background job), when and why. Append-only: written by
    `core.services.transition_apply`, never edited."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField(_("processus"), max_length=40)
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("statut de départ"), max_length=30)
    to_status = models.CharField(_("nouveau statut"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("motif"), blank=True, default="")
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")

    # Not columns: the labels `core.transitions.labelled_history` adds for the templates.
    from_label: str
    to_label: str
    action_label: str

    def __str__(self) -> str:
        return f"{self.workflow} {self.object_id}: {self.from_status} → {self.to_status}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENDING = "sending", _("En cours d’envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Abandonné")


class OutboxEmail(models.Model):
    """An email, rendered and stored in the same transaction as what caused it, then delivered by a background
    task (`core.outbox.outbox_deliver`) with retries and backoff. A row is claimed (`sending`, with a lease)
    before the SMTP conversation and marked `sent` after it, so two workers never send it twice; a lease that
    expires (worker killed) puts it back to be sent."""

    name = models.CharField(_("modèle"), max_length=100)
    to = models.JSONField(_("destinataires"), default=list)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(_("objet"), max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True, default="")
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(_("prochain essai"), db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels (file d’envoi)")

    def __str__(self) -> str:
        return f"{self.name} → {', '.join(self.to)} ({self.status})"


class SchedulerHeartbeat(models.Model):
    """One row per scheduler process that ever ran (keyed by name): when it last beat, and whether it holds
    the lease (only one scheduler enqueues jobs at a time; a standby takes over when the lease expires)."""

    name = models.CharField(max_length=50, unique=True, default="default")
    owner = models.CharField(max_length=200, blank=True, default="")
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("battement du planificateur")
        verbose_name_plural = _("battements du planificateur")

    def __str__(self) -> str:
        return f"{self.name}: {self.owner} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class JobRunStatus(models.TextChoices):
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Échec")


class JobRun(models.Model):
    """One run of a periodic job for one scheduled time: unique, so a job enqueued twice for the same minute
    (two schedulers, a retry) runs once."""

    job = models.CharField(_("tâche"), max_length=100)
    scheduled_for = models.DateTimeField(_("prévue pour"))
    status = models.CharField(max_length=10, choices=JobRunStatus.choices, default=JobRunStatus.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        constraints = [models.UniqueConstraint(fields=["job", "scheduled_for"], name="core_jobrun_once")]
        verbose_name = _("exécution de tâche périodique")
        verbose_name_plural = _("exécutions de tâches périodiques")

    def __str__(self) -> str:
        return f"{self.job} @ {self.scheduled_for:%Y-%m-%d %H:%M} ({self.status})"
