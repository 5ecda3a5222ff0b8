"""The events' feeds: iCalendar (RFC 5545) for the network, a place, a department, a region, a category; Atom
and RSS (Django's syndication framework) for the whole network. Public."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tierslieux.core.markdown import render_markdown
from tierslieux.geo.models import Department, Region
from tierslieux.places.models import Place

from .. import ical
from ..models import EventCategory
from ..selectors import events as selectors


def _ics(request, queryset, *, name: str, filename: str) -> HttpResponse:
    events = selectors.events_feed(queryset)
    body = ical.calendar_bytes(
        events, name=name, url_for=lambda e: request.build_absolute_uri(e.get_absolute_url())
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_GET
def feed_all(request):
    """Public: every event of the network as iCalendar."""
    return _ics(
        request,
        selectors.events_with_relations(),
        name=_("Événements des tiers-lieux"),
        filename="tiers-lieux",
    )


@require_GET
def feed_place(request, slug: str):
    """Public: the events of one place as iCalendar."""
    place = get_object_or_404(Place, slug=slug)
    return _ics(request, selectors.events_of_place(place), name=place.name, filename=place.slug)


@require_GET
def feed_department(request, code: str):
    """Public: the events of a department as iCalendar."""
    department = get_object_or_404(Department, pk=code.upper())
    queryset = selectors.events_with_relations().filter(commune__department=department)
    return _ics(
        request,
        queryset,
        name=_("Événements — %(territory)s") % {"territory": department},
        filename=f"departement-{department.code}",
    )


@require_GET
def feed_region(request, code: str):
    """Public: the events of a region as iCalendar."""
    region = get_object_or_404(Region, pk=code.upper())
    queryset = selectors.events_with_relations().filter(commune__region=region)
    return _ics(
        request,
        queryset,
        name=_("Événements — %(territory)s") % {"territory": region.name},
        filename=f"region-{region.code}",
    )


@require_GET
def feed_category(request, code: str):
    """Public: the events of one category as iCalendar."""
    if code not in EventCategory.values:
        raise Http404
    label = EventCategory(code).label
    queryset = selectors.events_with_relations().filter(category=code)
    return _ics(
        request,
        queryset,
        name=_("Événements — %(territory)s") % {"territory": label},
        filename=f"categorie-{code}",
    )


class EventsFeed(Feed):
    """Public: the latest events of the network (Atom)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Événements des tiers-lieux")
    subtitle = gettext_lazy("Les derniers événements publiés par les tiers-lieux du réseau.")
    description = subtitle

    def link(self):
        from django.urls import reverse

        return reverse("events:list")

    def items(self):
        return selectors.events_feed(selectors.events_with_relations()).order_by("-updated_at")[:50]

    def item_title(self, item):
        prefix = _("Annulé : ") if item.is_cancelled else ""
        return f"{prefix}{item.title}"

    def item_description(self, item):
        return render_markdown(item.description)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return item.uid

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_category_display()]


class EventsRss(EventsFeed):
    """Public: the latest events of the network (RSS 2.0)."""

    feed_type = Rss201rev2Feed
