"""The network's streams of the alerts (tierslieux/network/alerts.py): new events by territory and category,
new offers and needs by the filters of the network's page, and the events of a territory in its stream — each
item mailed once over the SMTP server, with the alert headers; the sign-up box and link of the pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.alerts.helpers import active_subscription
from tests.factories.network import event_data, listing_data
from tests.factories.places import PlaceFactory
from tierslieux.alerts import streams
from tierslieux.core.errors import ServiceError
from tierslieux.core.jobs import run_job
from tierslieux.network import services
from tierslieux.network.models import Event

pytestmark = pytest.mark.django_db(transaction=True)


def _subscribe(email: str, stream: str, params: dict, *, days: int = 1):
    return active_subscription(
        email, at=timezone.now() - dt.timedelta(days=days), stream=stream, params=params, frequency="daily"
    )


def _send(minutes: int = 0):
    """The daily digest job, now (or `minutes` later: each run of a job is at its own time)."""
    run_job("alerts.send_daily", now=timezone.now() + dt.timedelta(seconds=1, minutes=minutes))


def _event(place, user, title, **extra):
    return services.event_save(user=user, place=place, data=event_data(text=title) | {"title": title} | extra)


@pytest.fixture
def lyon_place(lyon, programme_staff):
    return PlaceFactory(name="La Myne", slug="la-myne", commune=lyon, lon=4.83, lat=45.77, status="open")


def test_new_events_reach_their_territory_and_their_category_once(
    forge, lyon_place, place_manager, programme_staff, mailbox, settings
):
    settings.SITE_URL = "https://tiers-lieux.example"
    department = forge.commune.department_id
    _subscribe("finistere@example.org", "network.events", {"department": department})
    _subscribe("formations@example.org", "network.events", {"category": "formation"})
    _subscribe("territoire@example.org", "calls.territory", {"department": department})
    repair = _event(forge, place_manager, "Repair café du samedi")
    cancelled = _event(forge, place_manager, "Soirée annulée")
    services.event_transition(event=cancelled, user=place_manager, action="cancel", reason="Météo")
    over = _event(forge, place_manager, "Atelier déjà passé")
    Event.objects.filter(pk=over.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=2), last_ends_at=timezone.now() - dt.timedelta(days=1)
    )
    training = _event(lyon_place, programme_staff, "Formation à la découpe laser", category="formation")
    _send()
    [finistere] = mailbox.wait_for("finistere@example.org")
    text = mailbox.text(finistere)
    assert "Repair café du samedi" in text and repair.get_absolute_url() in text
    assert "Soirée annulée" not in text and "Atelier déjà passé" not in text and "Formation" not in text
    assert "[Nouvel événement]" in text and "La Forge" in text
    assert finistere["List-Id"] == "Événements du réseau <network-events.alertes.tiers-lieux.example>"
    assert finistere["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [formations] = mailbox.wait_for("formations@example.org")
    assert "Formation à la découpe laser" in mailbox.text(formations)
    assert "Repair café" not in mailbox.text(formations)
    assert "Nouveaux événements : Formation" in formations["Subject"]
    # The territory's stream gets its new events too (beside its new places).
    [territory] = mailbox.wait_for("territoire@example.org")
    assert "Repair café du samedi" in mailbox.text(territory) and "Formation" not in mailbox.text(territory)
    _send(minutes=5)
    assert len(mailbox.to("finistere@example.org")) == 1 and len(mailbox.to("formations@example.org")) == 1
    assert training.pk and len(mailbox.to("territoire@example.org")) == 1


def test_new_offers_and_needs_matching_the_filters_are_mailed_once(
    forge, brest, lyon, place_manager, plain_user, mailbox
):
    _subscribe(
        "competences@example.org",
        "network.listings",
        {"side": "offer", "kind": "skill", "around": "Brest", "radius": "20"},
    )
    near = services.listing_save(
        user=plain_user, data=listing_data(commune=brest, text="Animation d’ateliers")
    )
    services.listing_publish(listing=near, user=plain_user)
    need = services.listing_save(
        user=plain_user, data=listing_data(commune=brest, text="Cherche animateur", side="need")
    )
    services.listing_publish(listing=need, user=plain_user)
    far = services.listing_save(user=place_manager, data=listing_data(commune=lyon, text="À Lyon"))
    services.listing_publish(listing=far, user=place_manager)
    draft = services.listing_save(user=plain_user, data=listing_data(commune=brest, text="Brouillon"))
    _send()
    [message] = mailbox.wait_for("competences@example.org")
    text = mailbox.text(message)
    assert "Animation d’ateliers" in text and near.get_absolute_url() in text
    assert "Cherche animateur" not in text and "À Lyon" not in text and "Brouillon" not in text
    assert "[Nouvelle annonce]" in text
    assert "Nouvelles annonces : Je propose, Compétence, à 20 km de Brest" in message["Subject"]
    _send(minutes=5)
    assert len(mailbox.to("competences@example.org")) == 1 and draft.status == "draft"


def test_the_event_stream_checks_and_describes_its_parameters(forge):
    stream = streams.get("network.events")
    department = forge.commune.department
    assert stream.validate_params({}) == {} and stream.describe_params({}) == "Nouveaux événements du réseau"
    assert stream.validate_params({"department": department.code.lower(), "category": "repair_cafe"}) == {
        "department": department.code,
        "category": "repair_cafe",
    }
    assert (
        stream.describe_params({"department": department.code, "category": "repair_cafe"})
        == f"Nouveaux événements : Repair café, département {department.name} ({department.code})"
    )
    for params, words in (
        ({"department": department.code, "region": department.region_id}, "pas les deux"),
        ({"department": "XX"}, "département n’existe pas"),
        ({"region": "XX"}, "région n’existe pas"),
        ({"category": "rave"}, "catégorie"),
    ):
        with pytest.raises(ServiceError) as refusal:
            stream.validate_params(params)
        assert words in refusal.value.message and refusal.value.status == 400


def test_the_listing_stream_checks_and_describes_its_filters(brest):
    stream = streams.get("network.listings")
    assert stream.validate_params({"around": "Brest", "side": "need", "page": "2"}) == {
        "side": "need",
        "around": "Brest",
        "radius": "30",
    }
    assert stream.validate_params({"lat": "48.39", "lon": "-4.486", "radius": "5"}) == {
        "lat": "48.39000",
        "lon": "-4.48600",
        "radius": "5",
    }
    assert stream.describe_params({"lat": "48.39000", "lon": "-4.48600", "radius": "5"}) == (
        "Nouvelles annonces : à 5 km de votre position"
    )
    assert stream.describe_params({}) == "Nouvelles annonces du réseau"
    for params in ({"kind": "fusée"}, {"around": "Atlantide"}, {"radius": "0", "around": "Brest"}):
        with pytest.raises(ServiceError):
            stream.validate_params(params)


def test_the_pages_offer_the_alerts(client, forge):
    department = forge.commune.department_id
    events = client.get(f"/evenements/?department={department}&category=repair_cafe").content.decode()
    assert 'name="stream" value="network.events"' in events
    assert json.dumps({"department": department, "category": "repair_cafe"}).replace('"', "&quot;") in events
    listings = client.get("/reseau/?side=offer&kind=skill").content.decode()
    assert (
        'href="/alertes/abonnement/?stream=network.listings&amp;source=network.index&amp;side=offer'
        in listings
    )
    page = client.get(
        "/alertes/abonnement/?stream=network.listings&source=network.index&side=offer&kind=skill"
    )
    assert page.status_code == 200 and "Nouvelles annonces : Je propose, Compétence" in page.content.decode()
