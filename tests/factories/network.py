"""One of everything of the network, written through its services: a published personal listing (reported), a
public profile, an event with an image and an imported calendar, a companion place, a project's request and
its running pairing with a meeting, a resource with a PDF version. Used by the access, admin and XSS tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories.files import pdf_bytes, png_bytes
from tests.factories.places import PlaceFactory
from tierslieux.network import services
from tierslieux.network.models import (
    AbuseReport,
    Event,
    IcsSource,
    Listing,
    MentoringRequest,
    MentorOffer,
    NetworkProfile,
    Pairing,
    Resource,
)

TEXT = "Un texte"


@dataclass
class NetworkWorld:
    listing: Listing
    report: AbuseReport
    profile: NetworkProfile
    event: Event
    source: IcsSource
    mentor: MentorOffer
    project: object
    request: MentoringRequest
    pairing: Pairing
    resource: Resource


def listing_data(*, commune, text: str = TEXT, **extra) -> dict:
    return {
        "side": "offer",
        "kind": "skill",
        "category": "animation",
        "title": f"Animation — {text}",
        "description": text,
        "commune": commune,
        "radius_km": 30,
        "terms": "free",
        "valid_until": timezone.localdate() + dt.timedelta(days=30),
    } | extra


def event_data(*, text: str = TEXT, **extra) -> dict:
    start = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(10))
    return {
        "title": f"Repair café — {text}",
        "category": "repair_cafe",
        "description": text,
        "time_zone": "Europe/Paris",
        "start": start,
        "end": start + dt.timedelta(hours=2),
        "attendance": "on_site",
        "at_place": True,
        "is_free": True,
        "audience": text,
        "image": SimpleUploadedFile("atelier.png", png_bytes()),
        "image_alt": f"Des outils — {text}",
    } | extra


def network_world(*, place, manager, author, project_manager, reporter, text: str = TEXT) -> NetworkWorld:
    """`place` (open, managed by `manager`) offers mentoring, publishes an event and a resource; `author`
    publishes a personal listing (reported by `reporter`) and a public profile; `project_manager` manages a
    place "en projet" and asks `place` to accompany it (accepted, one meeting logged)."""
    listing = services.listing_save(user=author, data=listing_data(commune=place.commune, text=text))
    services.listing_publish(listing=listing, user=author)
    report = services.listing_report(listing=listing, user=reporter, reason="wrong", message=text)
    profile = services.profile_save(
        user=author,
        data={
            "is_public": True,
            "skills": ["animation"],
            "tags": [text],
            "commune": place.commune,
            "bio": text,
            "notify_matches": False,
        },
    )
    event = services.event_save(user=manager, place=place, data=event_data(text=text))
    source = IcsSource.objects.create(
        place=place, url="https://agenda.example.org/lieu.ics", created_by=manager
    )
    mentor = services.mentor_offer_save(
        user=manager,
        place=place,
        data={
            "themes": ["gouvernance", "financements"],
            "capacity": 2,
            "travel_km": 300,
            "description": text,
            "show_on_place_page": True,
        },
    )
    project = PlaceFactory(
        name=f"Projet — {text}"[:200],
        commune=place.commune,
        lon=place.lon,
        lat=place.lat,
        status="project",
    )
    project.managers.add(project_manager)
    request = services.mentoring_request_save(
        user=project_manager,
        data={
            "project_title": f"Projet — {text}",
            "place": project,
            "themes": ["financements"],
            "message": text,
            "show_on_place_page": True,
        },
    )
    pairing = services.pairing_propose(user=project_manager, request=request, mentor=mentor)
    services.pairing_transition(user=manager, pairing=pairing, action="accept")
    services.meeting_add(
        user=project_manager,
        pairing=pairing,
        data={"date": timezone.localdate(), "topic": text, "next_step": text},
    )
    resource = services.resource_create(
        user=manager,
        data={
            "title": f"Guide — {text}",
            "description": text,
            "kind": "guide",
            "licence": "CC-BY-4.0",
            "version": "1.0",
            "author_place": place,
            "tags": [text],
        },
        upload=SimpleUploadedFile("guide.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    for item in (listing, request, pairing, resource):
        item.refresh_from_db()
    return NetworkWorld(listing, report, profile, event, source, mentor, project, request, pairing, resource)
