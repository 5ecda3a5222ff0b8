"""The feeds, read by real clients' parsers: iCalendar with `icalendar` and expanded with
`recurring-ical-events` as a calendar application would (stable UIDs, SEQUENCE, STATUS:CANCELLED, RRULE with
EXDATE, VTIMEZONE), per network, place, department, region and category; Atom and RSS with `feedparser`."""

import datetime as dt
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest
import recurring_ical_events
from django.utils import timezone

from tierslieux.network import services
from tierslieux.network.selectors.events import event_next_occurrences

from .test_events import event_data, next_tuesday


@pytest.fixture
def weekly(forge, place_manager):
    start = next_tuesday()
    return services.event_save(
        user=place_manager,
        place=forge,
        data=event_data(
            rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=6", exdates=[(start + dt.timedelta(days=14)).date()]
        ),
    )


@pytest.fixture
def reunion_day(forge, place_manager):
    day = timezone.localdate() + dt.timedelta(days=10)
    services.event_save(
        user=place_manager,
        place=forge,
        data=event_data(
            title="Visio avec La Réunion",
            time_zone="Indian/Reunion",
            start=dt.datetime.combine(day, dt.time(9)),
            end=dt.datetime.combine(day, dt.time(11)),
        ),
    )
    return services.event_save(
        user=place_manager,
        place=forge,
        data=event_data(title="Marché de printemps", category="marche", all_day=True, start=day, end=day),
    )


def calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_network_feed_is_valid_and_expands_like_our_calendar(client, weekly, reunion_day):
    cal = calendar(client, "/evenements/calendrier.ics")
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert {"Europe/Paris", "Indian/Reunion"} <= zones
    vevent = next(e for e in cal.walk("VEVENT") if str(e["UID"]) == weekly.uid)
    assert vevent["SEQUENCE"] == 0 and str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris" and "EXDATE" in vevent
    start = timezone.now() - dt.timedelta(days=1)
    occurrences = recurring_ical_events.of(cal).between(start, start + dt.timedelta(days=120))
    ours = [o for o in occurrences if str(o["UID"]) == weekly.uid]
    assert [o.decoded("DTSTART") for o in ours] == [o.start for o in event_next_occurrences(weekly)]
    assert len(ours) == 5  # six Tuesdays, one excluded
    assert all(o.decoded("DTSTART").astimezone(ZoneInfo("Europe/Paris")).hour == 18 for o in ours)
    market = next(e for e in cal.walk("VEVENT") if str(e["UID"]) == reunion_day.uid)
    assert market.decoded("DTSTART") == (timezone.localdate() + dt.timedelta(days=10))


def test_changes_bump_sequence_and_cancellations_stay(client, weekly, place_manager):
    services.event_save(
        user=place_manager,
        place=weekly.place,
        data=event_data(title="Open lab", rrule=weekly.rrule),
        event=weekly,
    )
    services.event_transition(event=weekly, user=place_manager, action="cancel")
    vevent = next(
        e
        for e in calendar(client, "/evenements/calendrier.ics").walk("VEVENT")
        if str(e["UID"]) == weekly.uid
    )
    assert (
        vevent["SEQUENCE"] == 2
        and str(vevent["STATUS"]) == "CANCELLED"
        and str(vevent["SUMMARY"]) == "Open lab"
    )


def test_feeds_per_place_department_region_category(client, weekly, lyon, place_manager):
    from tests.factories.places import PlaceFactory

    other = PlaceFactory(name="Atelier lyonnais", slug="atelier-lyonnais", commune=lyon, lon=4.83, lat=45.76)
    other.managers.add(place_manager)
    lyon_event = services.event_save(
        user=place_manager, place=other, data=event_data(title="Conférence à Lyon", category="conference")
    )

    def uids(url):
        return {str(e["UID"]) for e in calendar(client, url).walk("VEVENT")}

    assert uids("/evenements/lieux/la-forge.ics") == {weekly.uid}
    assert uids("/evenements/departements/69.ics") == {lyon_event.uid}
    assert uids("/evenements/regions/53.ics") == {weekly.uid}
    assert uids("/evenements/categories/conference.ics") == {lyon_event.uid}
    assert uids("/evenements/calendrier.ics") == {weekly.uid, lyon_event.uid}
    assert client.get("/evenements/categories/nope.ics").status_code == 404
    assert client.get("/evenements/departements/00.ics").status_code == 404


def test_atom_and_rss(client, weekly, place_manager):
    services.event_transition(event=weekly, user=place_manager, action="cancel")
    for url in ("/evenements/flux.atom", "/evenements/flux.rss"):
        feed = feedparser.parse(client.get(url).content)
        assert not feed.bozo, feed.bozo_exception
        entry = feed.entries[0]
        assert entry.title == "Annulé : Mardis de la Forge" and entry.id == weekly.uid
        assert entry.link.endswith(weekly.get_absolute_url())
