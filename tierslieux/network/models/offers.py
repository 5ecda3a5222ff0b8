"""Offers and needs ("Je propose" / "Je cherche"), the opt-in person profiles, abuse reports, the messages
relayed by the platform and the record of match notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tierslieux.core.transitions import status_field
from tierslieux.geo.models import Commune
from tierslieux.places.models import Place

from .. import workflows
from .choices import Kind, ReportReason, Side, Terms, category_label


class Listing(models.Model):
    """An offer or a need of a person, or of a place (published by one of its managers). Located at the place,
    or at the commune's town hall: `lon`/`lat` are copied from there by the services."""

    side = models.CharField(_("sens"), max_length=10, choices=Side.choices)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("catégorie"), max_length=40)
    tags = models.JSONField(_("mots-clés"), default=list, blank=True)
    title = models.CharField(_("titre"), max_length=150)
    description = models.TextField(_("description (Markdown)"), max_length=5000, blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_listings"
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.CASCADE, related_name="network_listings"
    )
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    lon = models.FloatField()
    lat = models.FloatField()
    radius_km = models.PositiveIntegerField(_("rayon (km)"))
    terms = models.CharField(_("conditions"), max_length=10, choices=Terms.choices, default=Terms.FREE)
    terms_note = models.CharField(_("précisions sur les conditions"), max_length=300, blank=True, default="")
    capacity = models.PositiveIntegerField(_("capacité (personnes)"), null=True, blank=True)
    price_min = models.PositiveIntegerField(_("prix minimum (€)"), null=True, blank=True)
    price_max = models.PositiveIntegerField(_("prix maximum (€)"), null=True, blank=True)
    valid_from = models.DateField(_("valable à partir du"))
    valid_until = models.DateField(_("valable jusqu’au"), db_index=True)
    status = status_field(workflows.LISTING)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "side", "kind", "category"])]
        verbose_name = _("annonce du réseau")
        verbose_name_plural = _("annonces du réseau")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("network:listing", args=[self.pk])

    @property
    def category_label(self) -> str:
        return category_label(self.kind, self.category)

    @property
    def status_label(self) -> str:
        return workflows.LISTING.label(self.status)

    @property
    def author_label(self) -> str:
        """Who speaks: the place, or the person's public name (never an email)."""
        return self.place.name if self.place_id else self.owner.display_name


class NetworkProfile(models.Model):
    """A person's settings in the network: an opt-in public profile (skills, commune, a few words — never the
    email) and whether match notifications are sent (on by default, opt-out)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_profile"
    )
    is_public = models.BooleanField(_("profil public"), default=False)
    skills = models.JSONField(_("compétences"), default=list, blank=True)
    tags = models.JSONField(_("mots-clés"), default=list, blank=True)
    commune = models.ForeignKey(Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    bio = models.CharField(_("présentation"), max_length=500, blank=True, default="")
    notify_matches = models.BooleanField(_("prévenir des correspondances"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profil réseau")
        verbose_name_plural = _("profils réseau")

    def __str__(self) -> str:
        return str(self.user.display_name)

    def get_absolute_url(self) -> str:
        return reverse("network:person", args=[self.user_id])


class AbuseReport(models.Model):
    """Someone reports an offer or a need; programme staff remove the listing or dismiss the report."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="abuse_reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("motif"), max_length=20, choices=ReportReason.choices)
    message = models.TextField(_("précisions"), max_length=2000, blank=True, default="")
    status = status_field(workflows.ABUSE_REPORT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("signalement d’annonce")
        verbose_name_plural = _("signalements d’annonces")

    def __str__(self) -> str:
        return f"{self.listing} — {self.get_reason_display()}"


class RelayedMessage(models.Model):
    """A message sent through the platform to the author of a listing or to a person with a public profile:
    delivered by email with the sender as reply-to; neither address is ever shown on a page."""

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    listing = models.ForeignKey(Listing, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message relayé")
        verbose_name_plural = _("messages relayés")

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.recipient_id} ({self.created_at:%Y-%m-%d})"


class MatchNotice(models.Model):
    """A (need, offer) pair whose match was notified, so that it is notified once."""

    need = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    distance_km = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need", "offer"], name="network_match_notice_unique")]
        verbose_name = _("correspondance notifiée")
        verbose_name_plural = _("correspondances notifiées")

    def __str__(self) -> str:
        return f"{self.need_id} ↔ {self.offer_id}"
