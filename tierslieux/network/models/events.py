"""The events calendar: events of places (one-off or recurring) and the ICS sources they may be imported from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from tierslieux.core.transitions import status_field
from tierslieux.geo.models import Commune
from tierslieux.places.models import Place

from .. import workflows
from .choices import Attendance, EventCategory, TimeZone


def event_image_name(instance, filename: str) -> str:
    import secrets
    from pathlib import Path

    return f"network/events/{secrets.token_urlsafe(18)}{Path(filename).suffix.lower()[:6]}"


class IcsSource(models.Model):
    """An iCalendar URL a place's manager gave: fetched by the periodic job `network.ics_import`."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="ics_sources")
    url = models.URLField(_("adresse du calendrier (ICS)"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enabled = models.BooleanField(_("actif"), default=True)
    etag = models.CharField(max_length=300, blank=True, default="", editable=False)
    last_modified = models.CharField(max_length=100, blank=True, default="", editable=False)
    last_checked_at = models.DateTimeField(_("dernière vérification"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("dernier import réussi"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True, default="")
    last_report = models.JSONField(_("dernier bilan"), default=dict, blank=True)
    error_notified = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["place__name", "id"]
        constraints = [models.UniqueConstraint(fields=["place", "url"], name="network_ics_source_unique")]
        verbose_name = _("calendrier importé")
        verbose_name_plural = _("calendriers importés")

    def __str__(self) -> str:
        return f"{self.place} — {self.url}"


class Event(models.Model):
    """An event of a place. Times are stored in UTC with the time zone they were given in; an all-day event
    runs from midnight of its first day to midnight after its last (exclusive end, as in iCalendar). A
    recurring event has an RRULE (with COUNT or UNTIL when typed on the platform) and exception dates
    (`exdates`, local ISO dates or date-times of the skipped occurrences). `uid` never changes; `sequence`
    grows at every change that a calendar client must see (RFC 5545)."""

    uid = models.CharField(max_length=255, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="network_events")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.ForeignKey(
        IcsSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    source_uid = models.CharField(max_length=600, blank=True, default="", editable=False)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description (Markdown)"), max_length=10000, blank=True, default="")
    category = models.CharField(_("catégorie"), max_length=20, choices=EventCategory.choices)
    time_zone = models.CharField(
        _("fuseau horaire"), max_length=40, choices=TimeZone.choices, default=TimeZone.PARIS
    )
    all_day = models.BooleanField(_("toute la journée"), default=False)
    starts_at = models.DateTimeField(_("début"), db_index=True)
    ends_at = models.DateTimeField(_("fin"))
    rrule = models.CharField(_("règle de récurrence (RRULE)"), max_length=500, blank=True, default="")
    exdates = models.JSONField(_("dates exclues"), default=list, blank=True)
    last_ends_at = models.DateTimeField(
        _("fin de la dernière occurrence"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Vide : récurrence sans fin (calendrier importé)."),
    )
    attendance = models.CharField(
        _("participation"), max_length=10, choices=Attendance.choices, default=Attendance.ON_SITE
    )
    at_place = models.BooleanField(_("au lieu"), default=True)
    address = models.CharField(_("autre adresse"), max_length=300, blank=True, default="")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    lon = models.FloatField()
    lat = models.FloatField()
    online_url = models.URLField(_("lien de participation en ligne"), max_length=500, blank=True, default="")
    audience = models.CharField(_("public"), max_length=200, blank=True, default="")
    is_free = models.BooleanField(_("gratuit"), default=True)
    price = models.CharField(_("tarif"), max_length=200, blank=True, default="")
    registration_url = models.URLField(_("lien d’inscription"), max_length=500, blank=True, default="")
    image = models.FileField(_("image"), upload_to=event_image_name, blank=True, default="")
    image_type = models.CharField(max_length=40, blank=True, default="", editable=False)
    image_alt = models.CharField(_("texte alternatif de l’image"), max_length=300, blank=True, default="")
    status = status_field(workflows.EVENT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_uid"],
                condition=~models.Q(source_uid=""),
                name="network_event_source_uid_unique",
            )
        ]
        verbose_name = _("événement")
        verbose_name_plural = _("événements")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk, slugify(self.title)[:60] or "evenement"])

    @property
    def is_cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def status_label(self) -> str:
        return workflows.EVENT.label(self.status)
