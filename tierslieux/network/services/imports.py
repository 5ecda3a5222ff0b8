"""ICS import: a manager gives the URL of the calendar their place runs elsewhere (Fab-manager, Mobilizon,
Nextcloud, Google…); the periodic job `network.ics_import` fetches it and creates, updates or cancels the
place's events by UID — never a duplicate, never a crash: every failure is written on the source and told to
the place's managers once (until an import succeeds again)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.core.emails import email_send
from tierslieux.core.errors import ServiceError
from tierslieux.core.workflow import SYSTEM
from tierslieux.places.models import Place

from .. import fetching, ical, recurrence
from ..models import Attendance, Event, EventCategory, IcsSource
from .common import require_manager, setting
from .events import event_bump, event_transition, event_uid, snapshot

__all__ = [
    "ics_apply",
    "ics_import_all",
    "ics_source_add",
    "ics_source_add_and_import",
    "ics_source_import",
    "ics_source_remove",
]

logger = logging.getLogger(__name__)


def _allow_private() -> bool:
    return bool(setting("NETWORK_ICS_ALLOW_PRIVATE", False))


@transaction.atomic
def ics_source_add(*, user: User, place: Place, url: str) -> IcsSource:
    """Managers of the place: register a calendar URL (checked now: http(s), public address)."""
    require_manager(user, place)
    url = (url or "").strip()
    if len(url) > 500:
        raise ServiceError(_("L’adresse du calendrier est trop longue."))
    fetching.check_url(url, allow_private=_allow_private())
    if place.ics_sources.filter(url=url).exists():
        raise ServiceError(_("Ce calendrier est déjà importé pour ce lieu."), status=409)
    if place.ics_sources.count() >= 5:
        raise ServiceError(_("Un lieu importe cinq calendriers au plus."), status=429)
    return IcsSource.objects.create(place=place, url=url, created_by=user)


@transaction.atomic
def ics_source_add_and_import(*, user: User, place: Place, url: str) -> IcsSource:
    """Register a calendar URL and import it now; when that first import fails (not found, not an iCalendar,
    too large, too slow…), nothing is kept and the reason is the refusal (400)."""
    source = ics_source_add(user=user, place=place, url=url)
    if ics_source_import(source=source) == "error":
        source.refresh_from_db()
        raise ServiceError(source.last_error)
    source.refresh_from_db()
    return source


@transaction.atomic
def ics_source_remove(*, user: User, source: IcsSource) -> None:
    """Managers of the place: stop importing (the events already imported stay, detached from the source)."""
    require_manager(user, source.place)
    source.delete()


def _fields(item: ical.ImportedEvent, place: Place) -> dict:
    last = recurrence.last_end(
        start=item.start,
        end=item.end,
        time_zone=item.time_zone,
        rrule=item.rrule,
        exdates=item.exdates,
        all_day=item.all_day,
    )
    return {
        "title": item.title,
        "description": item.description,
        "category": EventCategory.OTHER,
        "time_zone": item.time_zone,
        "all_day": item.all_day,
        "starts_at": item.start.astimezone(dt.UTC),
        "ends_at": item.end.astimezone(dt.UTC),
        "rrule": item.rrule,
        "exdates": item.exdates,
        "last_ends_at": last.astimezone(dt.UTC) if last else None,
        "attendance": Attendance.ON_SITE,
        "at_place": not item.location,
        "address": item.location,
        "commune": place.commune,
        "lon": place.lon,
        "lat": place.lat,
        "registration_url": item.url,
    }


@transaction.atomic
def ics_apply(*, source: IcsSource, parsed: ical.ParsedCalendar) -> dict:
    """Create, update or cancel the events of `source` from a parsed calendar, by UID; returns the counts.

    A VEVENT with a RECURRENCE-ID changes one occurrence of a recurring event: the occurrence is excluded from
    the series (EXDATE) and, unless it is cancelled, becomes an event of its own (UID `<uid>#<occurrence>`).
    Events of the source that left the calendar are cancelled (shown as cancelled, never deleted)."""
    report = {"created": 0, "updated": 0, "cancelled": 0, "unchanged": 0, "problems": list(parsed.problems)}
    place = source.place
    overrides: dict[str, list[ical.ImportedEvent]] = {}
    for item in parsed.events:
        if item.recurrence_id:
            overrides.setdefault(item.uid, []).append(item)
    items: list[tuple[str, ical.ImportedEvent]] = []
    for item in parsed.events:
        if item.recurrence_id:
            if not item.cancelled:
                items.append((f"{item.uid}#{item.recurrence_id}", item))
            continue
        if item.uid in overrides and item.rrule:
            item.exdates = sorted(set(item.exdates) | {o.recurrence_id for o in overrides[item.uid]})
        items.append((item.uid, item))
    seen: set[str] = set()
    for key, item in items:
        if key in seen:
            report["problems"].append(_("UID en double ignoré : « %(uid)s ».") % {"uid": key[:80]})
            continue
        seen.add(key)
        fields = _fields(item, place)
        event = Event.objects.filter(source=source, source_uid=key).first()
        if event is None:
            event = Event.objects.create(
                uid=event_uid(), place=place, source=source, source_uid=key, **fields
            )
            report["created"] += 1
        else:
            before = snapshot(event)
            for name, value in fields.items():
                setattr(event, name, value)
            if event_bump(event, before):
                event.save()
                report["updated"] += 1
            else:
                report["unchanged"] += 1
        if item.cancelled and event.status == "confirmed":
            event_transition(
                event=event,
                user=None,
                action="cancel",
                roles={SYSTEM},
                reason=_("Annulé dans le calendrier source"),
            )
            report["cancelled"] += 1
        elif not item.cancelled and event.status == "cancelled":
            event_transition(
                event=event,
                user=None,
                action="restore",
                roles={SYSTEM},
                reason=_("Rétabli dans le calendrier source"),
            )
    for event in source.events.filter(status="confirmed").exclude(source_uid__in=seen):
        event_transition(
            event=event, user=None, action="cancel", roles={SYSTEM}, reason=_("Retiré du calendrier source")
        )
        report["cancelled"] += 1
    return report


def _managers(place: Place) -> list[str]:
    return [m.email for m in place.managers.filter(is_active=True) if m.email]


def _failed(source: IcsSource, message: str, now: dt.datetime) -> str:
    notify = not source.error_notified
    IcsSource.objects.filter(pk=source.pk).update(
        last_checked_at=now, last_error=message, error_notified=True
    )
    if notify:
        with transaction.atomic():
            email_send(
                name="network-ics-error",
                to=_managers(source.place),
                context={"source": source, "place": source.place, "error": message},
            )
    return "error"


def ics_source_import(*, source: IcsSource, now: dt.datetime | None = None) -> str:
    """Fetch and apply one source: "imported", "not modified" or "error" (never raises)."""
    now = now or timezone.now()
    try:
        fetched = fetching.fetch(
            source.url,
            timeout=float(setting("NETWORK_ICS_TIMEOUT", 10)),
            max_bytes=int(setting("NETWORK_ICS_MAX_BYTES", 2 * 1024 * 1024)),
            etag=source.etag,
            last_modified=source.last_modified,
            allow_private=_allow_private(),
        )
        if fetched.not_modified:
            IcsSource.objects.filter(pk=source.pk).update(
                last_checked_at=now, last_error="", error_notified=False
            )
            return "not modified"
        parsed = ical.parse_calendar(fetched.body)
        report = ics_apply(source=source, parsed=parsed)
    except ServiceError as error:
        return _failed(source, error.message, now)
    except Exception:  # never a crash: an unexpected failure is logged and reported like the others
        logger.exception("ICS import of source %s failed", source.pk)
        return _failed(
            source, _("Erreur inattendue pendant l’import : l’équipe technique est prévenue."), now
        )
    IcsSource.objects.filter(pk=source.pk).update(
        etag=fetched.etag[:300],
        last_modified=fetched.last_modified[:100],
        last_checked_at=now,
        last_success_at=now,
        last_error="",
        error_notified=False,
        last_report=report,
    )
    return "imported"


def ics_import_all(*, now: dt.datetime) -> str:
    """Periodic: import every enabled source, one after the other."""
    outcomes: dict[str, int] = {}
    for source in IcsSource.objects.filter(enabled=True).select_related("place"):
        outcome = ics_source_import(source=source, now=now)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return ", ".join(f"{key}: {value}" for key, value in sorted(outcomes.items())) or "no source"
