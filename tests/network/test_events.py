"""Events: validation (French 4xx, nothing written), SEQUENCE bumped on change, cancellation shown, images
checked by content, pages by role, list/month views with filters, schema.org JSON-LD."""

import datetime as dt
import io
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories.files import png_bytes
from tierslieux.core.errors import ServiceError
from tierslieux.network import services
from tierslieux.network.models import Event

PARIS = ZoneInfo("Europe/Paris")
PNG = png_bytes()


def next_tuesday(hour=18):
    today = timezone.localdate()
    day = today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)
    return dt.datetime.combine(day, dt.time(hour, 0))


def event_data(**extra):
    start = next_tuesday()
    values = {
        "title": "Mardis de la Forge",
        "category": "open_lab",
        "description": "Venez *fabriquer*.",
        "time_zone": "Europe/Paris",
        "all_day": False,
        "start": start,
        "end": start + dt.timedelta(hours=3),
        "rrule": "",
        "exdates": [],
        "attendance": "on_site",
        "at_place": True,
        "is_free": True,
    }
    return values | extra


@pytest.fixture
def weekly(forge, place_manager):
    start = next_tuesday()
    return services.event_save(
        user=place_manager,
        place=forge,
        data=event_data(
            rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=10", exdates=[(start + dt.timedelta(days=14)).date()]
        ),
    )


def test_bad_input_gets_a_french_refusal_and_nothing_is_written(forge, place_manager):
    past = dt.datetime.now() - dt.timedelta(days=3)
    cases = [
        (event_data(start=past, end=past + dt.timedelta(hours=2)), "déjà passée", 400),
        (event_data(rrule="FREQ=WEEKLY;BYDAY=TU"), "ne finit jamais", 400),
        (event_data(end=next_tuesday(17)), "suivre son début", 400),
        (event_data(attendance="online"), "lien de participation", 400),
        (event_data(image=SimpleUploadedFile("x.png", b"MZ\x90\x00 not an image")), "PNG, JPEG ou WebP", 400),
        (
            event_data(image=SimpleUploadedFile("x.png", PNG + b"\x00" * 3_000_000), image_alt="Photo"),
            "dépasse",
            413,
        ),
        (event_data(image=SimpleUploadedFile("x.png", PNG)), "texte alternatif", 400),
    ]
    for values, words, status in cases:
        with pytest.raises(ServiceError) as error:
            services.event_save(user=place_manager, place=forge, data=values)
        assert words in error.value.message and error.value.status == status
    assert Event.objects.count() == 0


def test_only_managers_and_staff_publish(forge, plain_user, programme_staff):
    with pytest.raises(ServiceError) as error:
        services.event_save(user=plain_user, place=forge, data=event_data())
    assert error.value.status == 403
    assert services.event_save(user=programme_staff, place=forge, data=event_data()).pk


def test_sequence_grows_on_visible_changes_only(weekly, place_manager):
    uid = weekly.uid
    services.event_save(
        user=place_manager,
        place=weekly.place,
        data=event_data(rrule=weekly.rrule, exdates=[value[:10] for value in weekly.exdates]),
        event=weekly,
    )
    weekly.refresh_from_db()
    assert weekly.sequence == 0
    services.event_save(
        user=place_manager,
        place=weekly.place,
        data=event_data(title="Open lab du mardi", rrule=weekly.rrule),
        event=weekly,
    )
    weekly.refresh_from_db()
    assert (weekly.uid, weekly.sequence, weekly.title) == (uid, 1, "Open lab du mardi")
    services.event_transition(event=weekly, user=place_manager, action="cancel")
    weekly.refresh_from_db()
    assert (weekly.status, weekly.sequence) == ("cancelled", 2)


def test_all_day_overseas_event(forge, place_manager):
    day = timezone.localdate() + dt.timedelta(days=20)
    event = services.event_save(
        user=place_manager,
        place=forge,
        data=event_data(all_day=True, time_zone="Indian/Reunion", start=day, end=day + dt.timedelta(days=1)),
    )
    zone = ZoneInfo("Indian/Reunion")
    assert event.starts_at.astimezone(zone) == dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    assert event.ends_at.astimezone(zone) == dt.datetime.combine(
        day + dt.timedelta(days=2), dt.time(0), tzinfo=zone
    )


def test_image_is_served_with_its_type(client, forge, place_manager):
    event = services.event_save(
        user=place_manager,
        place=forge,
        data=event_data(image=SimpleUploadedFile("photo.png", PNG), image_alt="La découpeuse laser"),
    )
    response = client.get(f"/evenements/{event.pk}/image/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    page = client.get(event.get_absolute_url()).content.decode()
    assert 'alt="La découpeuse laser"' in page


def test_list_month_and_detail_pages(client, weekly, lyon, place_manager):
    listing = client.get("/evenements/").content.decode()
    assert listing.count("Mardis de la Forge") >= 5  # every coming Tuesday in 90 days but the excluded one
    start = next_tuesday()
    month = client.get(f"/evenements/mois/{start.year}/{start.month}/").content.decode()
    assert "Mardis de la Forge" in month
    assert client.get("/evenements/mois/2026/13/").status_code == 404
    # Filters: another region shows nothing; bad values are reported, not refused.
    assert "Mardis de la Forge" not in client.get("/evenements/?region=84").content.decode()
    bad = client.get("/evenements/?start=hier&category=zzz")
    assert bad.status_code == 200 and "invalide" in bad.content.decode()
    detail = client.get(weekly.get_absolute_url())
    assert detail.status_code == 200
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', detail.content.decode(), re.S).group(
            1
        )
    )
    assert data["@type"] == "Event" and data["eventStatus"].endswith("EventScheduled")
    assert data["location"]["name"] == "La Forge" and data["startDate"].startswith(start.date().isoformat())
    assert client.get(f"/evenements/{weekly.pk}/").status_code == 301


def test_cancelled_events_are_shown_marked(client, weekly, place_manager):
    services.event_transition(event=weekly, user=place_manager, action="cancel")
    page = client.get(weekly.get_absolute_url()).content.decode()
    assert "Cet événement est annulé" in page and "EventCancelled" in page
    assert "Annulé" in client.get("/evenements/").content.decode()


def test_manager_pages_by_role(client_for, forge, weekly, plain_user, place_manager, programme_staff):
    for url in [
        f"/evenements/lieux/{forge.slug}/",
        f"/evenements/lieux/{forge.slug}/nouveau/",
        f"/evenements/{weekly.pk}/modifier/",
    ]:
        assert client_for(None).get(url).status_code == 302, url
        assert client_for(plain_user).get(url).status_code == 403, url
        assert client_for(place_manager).get(url).status_code == 200, url
        assert client_for(programme_staff).get(url).status_code == 200, url
    assert (
        client_for(plain_user).post(f"/evenements/{weekly.pk}/action/", {"action": "cancel"}).status_code
        == 403
    )


def test_create_form_keeps_input_on_error(client_for, forge, place_manager):
    client = client_for(place_manager)
    start = next_tuesday()
    form = {
        "title": "Repair café",
        "category": "repair_cafe",
        "time_zone": "Europe/Paris",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "frequency": "WEEKLY",
        "weekdays": ["TU"],
        "attendance": "on_site",
        "at_place": "on",
        "is_free": "on",
    }
    response = client.post(f"/evenements/lieux/{forge.slug}/nouveau/", form)
    assert response.status_code == 400 and "ne finit jamais" in response.content.decode()
    assert 'value="Repair café"' in response.content.decode() and Event.objects.count() == 0
    response = client.post(
        f"/evenements/lieux/{forge.slug}/nouveau/",
        form | {"count": "4", "exdates": start.strftime("%d/%m/%Y")},
    )
    event = Event.objects.get()
    assert (
        response.status_code == 302
        and event.rrule == "FREQ=WEEKLY;BYDAY=TU;COUNT=4"
        and len(event.exdates) == 1
    )
    big = io.BytesIO(PNG + b"\x00" * 3_000_000)
    big.name = "grande.png"
    response = client.post(
        f"/evenements/{event.pk}/modifier/", form | {"count": "4", "image": big, "image_alt": "Grande"}
    )
    assert response.status_code == 413 and "dépasse" in response.content.decode()
