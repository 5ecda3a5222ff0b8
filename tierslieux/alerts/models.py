"""Email alerts: who asked for what (with or without an account), the consent ledger, the suppression list,
and what was mailed (so that an item is never sent twice to an address, even after a crash).

Addresses are personal data: never published, exported with the person's data, anonymised on erasure."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tierslieux.core.transitions import status_field

from . import workflow


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Dès que c’est nouveau")
    DAILY = "daily", _("Un résumé par jour")
    WEEKLY = "weekly", _("Un résumé par semaine")


class Recipient(models.Model):
    """An address that asked for alerts. `email` is None once erased; `user` when it belongs to an account."""

    email = models.EmailField(_("adresse électronique"), unique=True, null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alert_recipients",
        verbose_name=_("compte"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(_("dernier courriel de confirmation"), null=True, blank=True)
    manage_link_sent_at = models.DateTimeField(_("dernier lien de gestion envoyé"), null=True, blank=True)

    class Meta:
        verbose_name = _("destinataire d’alertes")
        verbose_name_plural = _("destinataires d’alertes")

    def __str__(self) -> str:
        return f"#{self.pk}"


class ConsentText(models.Model):
    """A consent text exactly as it was shown, kept once by its SHA-256 (the ledger refers to the hash)."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    text = models.TextField(_("texte"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("texte de consentement")
        verbose_name_plural = _("textes de consentement")

    def __str__(self) -> str:
        return self.sha256[:12]


class Subscription(models.Model):
    """One subscription of an address to one stream with its parameters, at one frequency.

    `covered_until`: the items of the stream up to this time were considered for this subscription (the
    sending job moves it forward in the same transaction as the email it stores)."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="subscriptions")
    stream = models.CharField(_("flux"), max_length=60)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    params_key = models.CharField(max_length=64, editable=False)
    label = models.CharField(_("intitulé"), max_length=300)
    frequency = models.CharField(
        _("fréquence"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    status = status_field(workflow.SUBSCRIPTION)
    source = models.CharField(_("formulaire"), max_length=60)
    consent_text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expire le (sans confirmation)"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    ended_at = models.DateTimeField(_("fin le"), null=True, blank=True)
    covered_until = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "stream", "params_key"],
                condition=models.Q(status__in=workflow.LIVE),
                name="alerts_one_live_subscription",
            )
        ]
        indexes = [models.Index(fields=["status", "frequency", "covered_until"])]

    def __str__(self) -> str:
        return f"{self.stream} #{self.pk} ({self.status})"


class ConsentEvent(models.Model):
    """The consent ledger, append-only: one row per request, confirmation, change and end of a subscription,
    with the form it came from and the hash of the consent text shown. Rows are never updated nor deleted,
    except that the address is blanked when the person erases their data or the retention period ends."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("Demande")
        CONFIRMED = "confirmed", _("Confirmation")
        FREQUENCY = "frequency", _("Changement de fréquence")
        UNSUBSCRIBED = "unsubscribed", _("Désabonnement")
        EXPIRED = "expired", _("Expiration sans confirmation")
        ERASED = "erased", _("Effacement des données")

    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    email = models.EmailField(_("adresse électronique"), blank=True, default="")
    stream = models.CharField(_("flux"), max_length=60)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    label = models.CharField(_("intitulé"), max_length=300, blank=True, default="")
    kind = models.CharField(_("événement"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("formulaire ou canal"), max_length=60, blank=True, default="")
    consent_text = models.ForeignKey(
        ConsentText, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(_("précision"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("date"), db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("événement du registre des consentements")
        verbose_name_plural = _("registre des consentements")

    def __str__(self) -> str:
        return f"{self.kind} {self.stream} @ {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The consent ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The consent ledger is append-only.")


class Suppression(models.Model):
    """An address never mailed again by alerts: it unsubscribed from everything, or mail to it bounced. Kept
    as a SHA-256 of the address only, so it outlives an erasure without holding the address itself."""

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("Désabonnement de toutes les alertes")
        BOUNCED = "bounced", _("Adresse en erreur (rebond)")
        COMPLAINT = "complaint", _("Signalement comme indésirable")

    address_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("adresse exclue")
        verbose_name_plural = _("liste d’exclusion")

    def __str__(self) -> str:
        return f"{self.address_hash[:12]} ({self.reason})"


class AlertEmail(models.Model):
    """One alert email of one subscription for one period, stored in the same transaction as its outbox row,
    its deliveries and the new `covered_until` of the subscription: a crash either keeps all or nothing."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="emails")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    item_count = models.PositiveIntegerField(default=0)
    outbox = models.ForeignKey(
        "core.OutboxEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("courriel d’alerte")
        verbose_name_plural = _("courriels d’alerte")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "period_end"], name="alerts_one_email_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} → {self.period_end:%Y-%m-%d %H:%M} ({self.item_count})"


class Delivery(models.Model):
    """Item `item_key` was mailed to this address (once: unique), in `alert_email`."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="deliveries")
    item_key = models.CharField(max_length=120)
    alert_email = models.ForeignKey(AlertEmail, on_delete=models.CASCADE, related_name="deliveries")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("élément envoyé")
        verbose_name_plural = _("éléments envoyés")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "item_key"], name="alerts_item_once_per_address")
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.item_key}"
