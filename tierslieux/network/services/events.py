"""Writes on events: create and change (with SEQUENCE), cancel and restore, images checked by content."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.core import filetypes
from tierslieux.core.errors import ServiceError
from tierslieux.core.services import transition_apply
from tierslieux.places.models import Place

from .. import recurrence, workflows
from ..models import Attendance, Event, EventCategory, TimeZone
from ..selectors.events import event_roles
from .common import location, require_manager, setting

__all__ = ["event_bump", "event_save", "event_times", "event_transition", "event_uid", "image_check"]

# Fields whose change a calendar client must see: SEQUENCE grows when one of them changes (RFC 5545 §3.8.7.4).
SEQUENCED = (
    "title",
    "description",
    "category",
    "time_zone",
    "all_day",
    "starts_at",
    "ends_at",
    "rrule",
    "exdates",
    "attendance",
    "at_place",
    "address",
    "commune_id",
    "online_url",
    "status",
)


def event_uid() -> str:
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "tiers-lieux"
    return f"{uuid.uuid4()}@{domain}"


def image_check(upload: UploadedFile) -> str:
    """The content type of an event image (PNG, JPEG or WebP by content, at most NETWORK_IMAGE_MAX_BYTES)."""
    limit = setting("NETWORK_IMAGE_MAX_BYTES", 2 * 1024 * 1024)
    if upload.size > limit:
        raise ServiceError(
            _("L’image dépasse %(size)s Mo.") % {"size": f"{limit / 1024 / 1024:g}"}, status=413
        )
    kind = filetypes.sniff(upload.file, filetypes.IMAGES)
    if kind is None:
        raise ServiceError(_("L’image doit être un fichier PNG, JPEG ou WebP : son contenu a été vérifié."))
    return filetypes.KINDS[kind][0]


def event_times(*, data: dict) -> tuple[dt.datetime, dt.datetime]:
    """(start, end) as aware datetimes from the typed local values (all-day: dates, the end inclusive)."""
    zone_name = data.get("time_zone") or TimeZone.PARIS
    if zone_name not in TimeZone.values:
        raise ServiceError(_("Fuseau horaire inconnu."))
    zone = ZoneInfo(zone_name)
    start, end = data.get("start"), data.get("end")
    if data.get("all_day"):
        start_day = start.date() if isinstance(start, dt.datetime) else start
        end_day = end.date() if isinstance(end, dt.datetime) else (end or start_day)
        if not isinstance(start_day, dt.date):
            raise ServiceError(_("Indiquez la date de début."))
        if end_day < start_day:
            raise ServiceError(_("La date de fin précède la date de début."))
        return (
            dt.datetime.combine(start_day, dt.time(0), tzinfo=zone),
            dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time(0), tzinfo=zone),
        )
    if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime):
        raise ServiceError(_("Indiquez la date et l’heure de début et de fin."))
    start = start.replace(tzinfo=zone) if start.tzinfo is None else start.astimezone(zone)
    end = end.replace(tzinfo=zone) if end.tzinfo is None else end.astimezone(zone)
    if end <= start:
        raise ServiceError(_("La fin de l’événement doit suivre son début."))
    return start, end


def _exdates(values: Iterable[dt.date] | None, *, start: dt.datetime, all_day: bool) -> list[str]:
    """Skipped occurrences: dates typed by the manager, stored as local date-times of the occurrence (or dates)."""
    result = []
    for value in values or []:
        day = value.date() if isinstance(value, dt.datetime) else value
        if not isinstance(day, dt.date):
            try:
                day = dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                raise ServiceError(
                    _("Date exclue invalide : « %(value)s ».") % {"value": str(value)[:20]}
                ) from None
        result.append(
            day.isoformat()
            if all_day
            else dt.datetime.combine(day, start.time().replace(tzinfo=None)).isoformat(timespec="seconds")
        )
    return sorted(set(result))


def _validate(*, place: Place, data: dict, event: Event | None) -> dict:
    title = (data.get("title") or "").strip()
    if not title:
        raise ServiceError(_("Le titre est obligatoire."))
    category = data.get("category")
    if category not in EventCategory.values:
        raise ServiceError(_("Choisissez une catégorie."))
    start, end = event_times(data=data)
    zone_name = str(start.tzinfo)
    all_day = bool(data.get("all_day"))
    if (end - start).days > 31:
        raise ServiceError(_("Un événement dure 31 jours au plus : pour plus, utilisez la récurrence."))
    rrule = recurrence.normalise_rule(
        data.get("rrule") or "", start_local=start.replace(tzinfo=None), time_zone=zone_name, all_day=all_day
    )
    exdates = _exdates(data.get("exdates"), start=start, all_day=all_day) if rrule else []
    last = recurrence.last_end(
        start=start, end=end, time_zone=zone_name, rrule=rrule, exdates=exdates, all_day=all_day
    )
    changed_dates = event is None or (event.starts_at, event.ends_at, event.rrule) != (start, end, rrule)
    if changed_dates and last is not None and last < timezone.now():
        raise ServiceError(_("La date de fin de l’événement est déjà passée."))
    attendance = data.get("attendance") or Attendance.ON_SITE
    if attendance not in Attendance.values:
        raise ServiceError(_("Mode de participation inconnu."))
    at_place = bool(data.get("at_place", True))
    address = (data.get("address") or "").strip()[:300]
    commune = data.get("commune")
    online_url = (data.get("online_url") or "").strip()
    if attendance in {Attendance.ONLINE, Attendance.MIXED} and not online_url:
        raise ServiceError(_("Indiquez le lien de participation en ligne."))
    if attendance != Attendance.ONLINE and not at_place:
        if not address or commune is None:
            raise ServiceError(
                _("Indiquez l’adresse et la commune où a lieu l’événement, ou choisissez le lieu.")
            )
        commune, lon, lat = location(place=None, commune=commune)
    else:
        commune, lon, lat = location(place=place, commune=None)
        address = "" if at_place else address
    is_free = bool(data.get("is_free"))
    return {
        "title": title[:200],
        "description": (data.get("description") or "")[:10000],
        "category": category,
        "time_zone": zone_name,
        "all_day": all_day,
        "starts_at": start.astimezone(dt.UTC),
        "ends_at": end.astimezone(dt.UTC),
        "rrule": rrule,
        "exdates": exdates,
        "last_ends_at": last.astimezone(dt.UTC) if last else None,
        "attendance": attendance,
        "at_place": at_place or attendance == Attendance.ONLINE,
        "address": address,
        "commune": commune,
        "lon": lon,
        "lat": lat,
        "online_url": online_url[:500],
        "audience": (data.get("audience") or "").strip()[:200],
        "is_free": is_free,
        "price": "" if is_free else (data.get("price") or "").strip()[:200],
        "registration_url": (data.get("registration_url") or "").strip()[:500],
        "image_alt": (data.get("image_alt") or "").strip()[:300],
    }


def event_bump(event: Event, before: dict) -> bool:
    """Increase `sequence` when a field a calendar client shows changed since `before` (a snapshot)."""
    after = {name: getattr(event, name) for name in SEQUENCED}
    if after != before:
        event.sequence += 1
        return True
    return False


def snapshot(event: Event) -> dict:
    return {name: getattr(event, name) for name in SEQUENCED}


@transaction.atomic
def event_save(*, user: User, place: Place, data: dict, event: Event | None = None) -> Event:
    """Create or change an event of `place` (its managers and programme staff). Bad input: ServiceError (400;
    413 for an oversized image) and nothing is written."""
    require_manager(user, place if event is None else event.place)
    clean = _validate(place=place if event is None else event.place, data=data, event=event)
    upload = data.get("image")
    image_type = image_check(upload) if upload else None
    if upload and not clean["image_alt"]:
        raise ServiceError(_("Décrivez l’image dans son texte alternatif."))
    if event is None:
        event = Event(uid=event_uid(), place=place, created_by=user, **clean)
    else:
        before = snapshot(event)
        for name, value in clean.items():
            setattr(event, name, value)
        event_bump(event, before)
    if data.get("remove_image") and not upload:
        event.image = ""
        event.image_type = ""
        event.image_alt = ""
    if upload:
        digest = hashlib.sha256(upload.read()).hexdigest()[:12]
        upload.seek(0)
        event.image.save(
            f"{digest}{filetypes.KINDS[filetypes.sniff(upload.file, filetypes.IMAGES)][1]}",
            upload,
            save=False,
        )
        event.image_type = image_type
    if event.image and not event.image_alt:
        raise ServiceError(_("Décrivez l’image dans son texte alternatif."))
    event.save()
    return event


@transaction.atomic
def event_transition(
    *, event: Event, user: User | None, action: str, reason: str = "", roles: set[str] | None = None
) -> Event:
    """Cancel (shown as cancelled, never deleted) or restore an event; SEQUENCE grows."""
    roles = event_roles(user, event) if roles is None else roles
    transition_apply(
        instance=event,
        workflow=workflows.EVENT,
        action=action,
        roles=roles,
        actor=user,
        reason=reason,
        changes={"sequence": event.sequence + 1, "updated_at": timezone.now()},
    )
    return event
