"""The calls' streams of the alerts (tierslieux/calls/alerts.py): a call or wave opening, 7 days before a
deadline; what is new in a territory (places, laureates, calls)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories.calls import ApplicationFactory, CallFactory, PlaceFactory, WaveFactory
from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory
from tierslieux.alerts import streams
from tierslieux.calls.models import Decision, DecisionOutcome, Status
from tierslieux.core.errors import ServiceError

pytestmark = pytest.mark.django_db


def _window(hours=1):
    now = timezone.now()
    return now - timedelta(hours=hours), now


def test_a_call_or_wave_opening_and_a_deadline_seven_days_ahead_are_items():
    since, until = _window()
    call = CallFactory(title="Fabriques")
    first = WaveFactory(
        call=call,
        name="Vague 1",
        opens_at=until - timedelta(minutes=10),
        closes_at=until + timedelta(days=60),
    )
    second = WaveFactory(
        call=call, name="Vague 2", opens_at=until - timedelta(minutes=5), closes_at=until + timedelta(days=90)
    )
    closing = WaveFactory(
        call=call, name="Vague 0", opens_at=until - timedelta(days=30), closes_at=until + timedelta(days=7, minutes=-30)
    )  # fmt: skip
    hidden = CallFactory(title="Brouillon", is_published=False)
    WaveFactory(call=hidden, opens_at=until - timedelta(minutes=10))
    items = streams.get("calls.calls").items({}, since, until)
    assert [(item.key, item.kind) for item in items] == [  # in the order they happened
        (f"wave:{closing.pk}:deadline", "Date limite"),
        (f"wave:{first.pk}:open", "Nouvelle vague"),
        (f"wave:{second.pk}:open", "Nouvelle vague"),
    ]
    assert items[0].title == "Fabriques — Vague 0 : plus que 7 jours"
    assert items[1].title == "Fabriques — Vague 1 est ouverte"


def test_the_first_wave_of_a_call_is_a_new_call():
    since, until = _window()
    call = CallFactory(title="Nouvel appel")
    wave = WaveFactory(call=call, opens_at=until - timedelta(minutes=1))
    [item] = streams.get("calls.calls").items({"call": call.slug}, since, until)
    assert (item.key, item.kind, item.url) == (
        f"wave:{wave.pk}:open",
        "Nouvel appel",
        call.get_absolute_url(),
    )
    assert streams.get("calls.calls").items({"call": "autre"}, since, until) == []


def test_the_calls_stream_checks_its_call():
    stream = streams.get("calls.calls")
    call = CallFactory(title="Fabriques")
    assert stream.validate_params({"call": call.slug}) == {"call": call.slug}
    assert stream.describe_params({"call": call.slug}) == "Appel « Fabriques » : ouvertures et dates limites"
    with pytest.raises(ServiceError):
        stream.validate_params({"call": "inconnu"})


def test_a_territory_gets_its_new_places_its_laureates_and_the_calls():
    since, until = timezone.now() - timedelta(hours=1), timezone.now() + timedelta(hours=1)
    dordogne = DepartmentFactory(
        code="24", name="Dordogne", region=RegionFactory(code="75", name="Nouvelle-Aquitaine")
    )
    here = CommuneFactory(insee="24322", name="Périgueux", department=dordogne)
    there = CommuneFactory(insee="29019", name="Brest")
    new_here = PlaceFactory(name="Atelier de Périgueux", commune=here)
    PlaceFactory(name="Atelier de Brest", commune=there)
    application = ApplicationFactory(
        place=PlaceFactory(name="Fabrique lauréate", commune=here), status=Status.ACCEPTED
    )
    application.call.waves.update(opens_at=since - timedelta(days=10))
    decision = Decision.objects.create(
        application=application, outcome=DecisionOutcome.ACCEPTED, granted_amounts=[50_000], granted_total=50_000,
        published_at=until - timedelta(minutes=5),
    )  # fmt: skip
    opening = WaveFactory(call=CallFactory(title="Appel national"), opens_at=until - timedelta(minutes=2))
    stream = streams.get("calls.territory")
    params = stream.validate_params({"department": "24"})
    keys = {item.key for item in stream.items(params, since, until)}
    assert (
        f"place:{new_here.pk}" in keys
        and f"laureate:{decision.pk}" in keys
        and f"wave:{opening.pk}:open" in keys
    )
    assert not any(item.title == "Atelier de Brest" for item in stream.items(params, since, until))
    assert stream.describe_params(params) == "Nouveautés du département Dordogne (24)"
    assert {item.key for item in stream.items({"region": "75"}, since, until)} >= {f"place:{new_here.pk}"}


@pytest.mark.parametrize("params", [{}, {"department": "24", "region": "75"}, {"department": "99"}])
def test_a_territory_needs_one_known_department_or_region(params):
    DepartmentFactory(code="24", name="Dordogne")
    with pytest.raises(ServiceError):
        streams.get("calls.territory").validate_params(params)


def test_the_call_page_and_territory_pages_offer_alerts(client):
    call = CallFactory(title="Fabriques")
    WaveFactory(call=call)
    assert 'name="stream" value="calls.calls"' in client.get(call.get_absolute_url()).content.decode()
    assert 'name="stream" value="calls.calls"' in client.get("/appels/").content.decode()
    DepartmentFactory(code="24", name="Dordogne")
    content = client.get("/territoires/departement/24/").content.decode()
    assert 'name="stream" value="calls.territory"' in content and "Suivre ce département" in content
