"""Pages of the events calendar: list, month, map data, event page (JSON-LD), managers' pages, imports."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.core.errors import ServiceError
from tierslieux.core.markdown import render_markdown
from tierslieux.places.models import Place
from tierslieux.places.selectors import territory_choices

from .. import services
from ..forms.events import EventFilterForm, EventForm, IcsSourceForm
from ..models import Event, EventCategory, IcsSource
from ..selectors import events as selectors
from ..services.common import manages
from .common import form_page, submit

PARIS = ZoneInfo("Europe/Paris")


def crumbs(*items) -> list[dict]:
    return [{"label": _("Événements"), "url": reverse("events:list")}, *items]


def _filters_context(request, filters) -> dict:
    choices = territory_choices()
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "filters": filters,
        "form": EventFilterForm(
            request.GET or None, regions=choices["regions"], departments=choices["departments"]
        ),
        "query": params.urlencode(),
        "feeds": _feeds(filters),
    }


def _feeds(filters) -> list[dict]:
    feeds = [{"label": _("Tout le réseau"), "url": reverse("events:feed_all")}]
    if filters.region:
        feeds.append(
            {"label": _("Cette région"), "url": reverse("events:feed_region", args=[filters.region])}
        )
    if filters.department:
        feeds.append(
            {
                "label": _("Ce département"),
                "url": reverse("events:feed_department", args=[filters.department]),
            }
        )
    if filters.category:
        feeds.append(
            {"label": _("Cette catégorie"), "url": reverse("events:feed_category", args=[filters.category])}
        )
    if filters.place:
        feeds.append({"label": _("Ce lieu"), "url": reverse("events:feed_place", args=[filters.place])})
    return feeds


@require_GET
def event_list(request):
    """Public: the coming occurrences (90 days, or the period asked), with filters and a map; no JavaScript
    needed."""
    filters = selectors.parse_filters(request.GET)
    start, end = filters.window()
    if not filters.start:
        start = max(start, timezone.now())
    items = selectors.occurrences(selectors.events_matching(filters), start, end, limit=300)
    points = {}
    for item in items:
        event = item.event
        if event.attendance != "online" and event.pk not in points:
            points[event.pk] = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(event.lon, 5), round(event.lat, 5)]},
                "properties": {
                    "title": event.title,
                    "url": event.get_absolute_url(),
                    "cancelled": event.is_cancelled,
                },
            }
    return render(
        request,
        "network/events/list.html",
        _filters_context(request, filters)
        | {
            "occurrences": items,
            "points": {"type": "FeatureCollection", "features": list(points.values())},
            "page_title": _("Événements des tiers-lieux"),
            "breadcrumb": [{"label": _("Événements")}],
            "month_url": reverse("events:month"),
        },
    )


@require_GET
def month(request, year: int | None = None, month: int | None = None):
    """Public: one month of occurrences as a calendar table (same filters)."""
    today = timezone.localdate()
    year, month = year or today.year, month or today.month
    if not (1 <= month <= 12 and 1900 < year < 2200):
        raise Http404
    filters = selectors.parse_filters(request.GET)
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=PARIS)
    end = dt.datetime.combine(following, dt.time(0), tzinfo=PARIS)
    items = selectors.occurrences(selectors.events_matching(filters), start, end, limit=1000)
    previous = first - dt.timedelta(days=1)
    label = date_format(first, "F Y")
    return render(
        request,
        "network/events/month.html",
        _filters_context(request, filters)
        | {
            "weeks": selectors.month_grid(year, month, items),
            "month_label": label,
            "previous_url": reverse("events:month_of", args=[previous.year, previous.month]),
            "next_url": reverse("events:month_of", args=[following.year, following.month]),
            "count": len(items),
            "page_title": _("Agenda de %(month)s") % {"month": label},
            "breadcrumb": crumbs({"label": label}),
        },
    )


def json_ld(event: Event, request, occurrences) -> str:
    location = (
        {"@type": "VirtualLocation", "url": event.online_url}
        if event.attendance == "online"
        else {
            "@type": "Place",
            "name": event.place.name if event.at_place else event.address,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": event.place.address if event.at_place else event.address,
                "addressLocality": event.commune.name,
                "addressCountry": "FR",
            },
            "geo": {"@type": "GeoCoordinates", "latitude": event.lat, "longitude": event.lon},
        }
    )
    zone = ZoneInfo(event.time_zone)
    first = occurrences[0] if occurrences else None
    start = first.start if first else event.starts_at.astimezone(zone)
    end = first.end if first else event.ends_at.astimezone(zone)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": request.build_absolute_uri(event.get_absolute_url()),
        "description": event.description[:500],
        "startDate": start.date().isoformat() if event.all_day else start.isoformat(),
        "endDate": (end - dt.timedelta(days=1)).date().isoformat() if event.all_day else end.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.is_cancelled
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": {
            "on_site": "https://schema.org/OfflineEventAttendanceMode",
            "online": "https://schema.org/OnlineEventAttendanceMode",
            "mixed": "https://schema.org/MixedEventAttendanceMode",
        }[event.attendance],
        "location": location,
        "organizer": {
            "@type": "Organization",
            "name": event.place.name,
            "url": request.build_absolute_uri(event.place.get_absolute_url()),
        },
        "isAccessibleForFree": event.is_free,
    }
    if event.attendance == "mixed":
        data["location"] = [location, {"@type": "VirtualLocation", "url": event.online_url}]
    if event.image:
        data["image"] = request.build_absolute_uri(reverse("events:image", args=[event.pk]))
    if event.registration_url or event.price:
        data["offers"] = {
            "@type": "Offer",
            "url": event.registration_url or data["url"],
            "description": event.price or _("Gratuit"),
        }
    if event.audience:
        data["audience"] = {"@type": "Audience", "audienceType": event.audience}
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


@require_GET
def detail(request, pk: int, slug: str = ""):
    """Public: one event (cancelled ones too, marked), its next occurrences, schema.org JSON-LD; its place's
    managers and programme staff see the edit and cancel buttons."""
    event = get_object_or_404(selectors.events_with_relations(), pk=pk)
    if slug != (slugify(event.title)[:60] or "evenement"):
        return redirect(event, permanent=True)
    coming = selectors.event_next_occurrences(event, limit=12)
    return render(
        request,
        "network/events/detail.html",
        {
            "event": event,
            "description": render_markdown(event.description),
            "occurrences": coming,
            "json_ld": json_ld(event, request, coming),
            "actions": selectors.event_actions(request.user, event),
            "can_edit": bool(selectors.event_roles(request.user, event)),
            "page_title": event.title,
            "breadcrumb": crumbs({"label": event.title}),
        },
    )


@require_GET
def image(request, pk: int):
    """Public: the image of an event (type checked at upload)."""
    event = get_object_or_404(Event, pk=pk)
    if not event.image:
        raise Http404
    response = FileResponse(
        event.image.open("rb"), content_type=event.image_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _place_for_manager(request, slug: str) -> Place:
    place = get_object_or_404(Place, slug=slug)
    from tierslieux.accounts.roles import is_programme_staff

    if not (manages(request.user, place) or is_programme_staff(request.user)):
        raise PermissionDenied
    return place


def _event_form_page(request, form, *, place, event=None, status=200):
    title = _("Modifier l’événement") if event else _("Nouvel événement : %(place)s") % {"place": place.name}
    return form_page(
        request,
        form=form,
        title=title,
        submit_label=_("Publier l’événement") if event is None else _("Enregistrer"),
        access=_(
            "Les gestionnaires du lieu et l’équipe du programme publient et modifient ses événements ; tout le monde les voit dans l’agenda et les flux."
        ),
        crumbs=crumbs(
            {"label": place.name, "url": reverse("events:place", args=[place.slug])}, {"label": title}
        ),
        status=status,
        multipart=True,
        back_url=event.get_absolute_url() if event else reverse("events:place", args=[place.slug]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request, slug: str):
    """Managers of the place and programme staff: publish an event (one-off or recurring)."""
    place = _place_for_manager(request, slug)
    form = EventForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        event, status = submit(
            form, lambda _data: services.event_save(user=request.user, place=place, data=form.service_data())
        )
        if event is not None:
            messages.success(request, _("Événement publié."))
            return redirect(event)
    return _event_form_page(request, form, place=place, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk: int):
    """Managers of the event's place and programme staff: change it (calendar clients see a new SEQUENCE)."""
    event = get_object_or_404(selectors.events_with_relations(), pk=pk)
    place = _place_for_manager(request, event.place.slug)
    form = EventForm(request.POST or None, request.FILES or None, initial=EventForm.initial_for(event))
    status = 200
    if request.method == "POST":
        saved, status = submit(
            form,
            lambda _data: services.event_save(
                user=request.user, place=place, data=form.service_data(), event=event
            ),
        )
        if saved is not None:
            messages.success(request, _("Événement enregistré."))
            return redirect(saved)
    return _event_form_page(request, form, place=place, event=event, status=status)


@login_required
@require_POST
def event_action(request, pk: int):
    """Managers of the event's place and programme staff: cancel (it stays shown, marked cancelled) or restore."""
    event = get_object_or_404(selectors.events_with_relations(), pk=pk)
    services.event_transition(
        event=event,
        user=request.user,
        action=request.POST.get("action", ""),
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, _("Événement : %(status)s.") % {"status": event.status_label})
    return redirect(event)


@login_required
@require_http_methods(["GET", "POST"])
def place_events(request, slug: str):
    """Managers of the place and programme staff: its events and the calendars it imports (with their errors)."""
    place = _place_for_manager(request, slug)
    form = IcsSourceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        source, status = submit(
            form,
            lambda data: services.ics_source_add_and_import(user=request.user, place=place, url=data["url"]),
        )
        if source is not None:
            messages.success(request, _("Calendrier importé : il le sera de nouveau toutes les heures."))
            return redirect("events:place", slug=place.slug)
    return render(
        request,
        "network/events/place.html",
        {
            "place": place,
            "events": selectors.events_of_place(place).order_by("-starts_at"),
            "sources": selectors.ics_sources_of(place),
            "form": form,
            "page_title": _("Événements de %(place)s") % {"place": place.name},
            "breadcrumb": crumbs({"label": place.name}),
        },
        status=status,
    )


@login_required
@require_POST
def source_remove(request, pk: int):
    """Managers of the place and programme staff: stop importing a calendar."""
    source = get_object_or_404(IcsSource.objects.select_related("place"), pk=pk)
    try:
        services.ics_source_remove(user=request.user, source=source)
    except ServiceError as error:
        if error.status == 403:
            raise PermissionDenied from None
        raise
    messages.success(request, _("Calendrier retiré : les événements déjà importés restent publiés."))
    return redirect("events:place", slug=source.place.slug)


@require_GET
def points(request):
    """Public: the coming events of the filters as GeoJSON points (for the map)."""
    filters = selectors.parse_filters(request.GET)
    start, end = filters.window()
    items = selectors.occurrences(
        selectors.events_matching(filters), max(start, timezone.now()), end, limit=500
    )
    features, seen = [], set()
    for item in items:
        if item.event.pk in seen or item.event.attendance == "online":
            continue
        seen.add(item.event.pk)
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(item.event.lon, 5), round(item.event.lat, 5)],
                },
                "properties": {"title": item.event.title, "url": item.event.get_absolute_url()},
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


CATEGORY_CODES = EventCategory.values
