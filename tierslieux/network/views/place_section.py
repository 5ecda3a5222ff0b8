"""The network's section of a place page (registered in `places.extensions`): coming events and their feed,
the place's offers and needs, its mentoring offer and the pairings both sides agreed to show."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tierslieux.accounts.roles import is_programme_staff
from tierslieux.places.extensions import PlaceSection

from ..models import MentorOffer
from ..selectors import events as event_selectors
from ..selectors import mentoring as mentoring_selectors
from ..selectors import offers as offer_selectors
from ..services.common import manages


def place_section(request, place) -> PlaceSection:
    now = timezone.now()
    occurrences = event_selectors.occurrences(
        event_selectors.events_of_place(place), now, now + dt.timedelta(days=120), limit=5
    )
    return PlaceSection(
        template="network/_place_section.html",
        context={
            "occurrences": occurrences,
            "listings": offer_selectors.listings_active().filter(place=place)[:10],
            "mentor_offer": MentorOffer.objects.filter(place=place, active=True).first(),
            "pairings": mentoring_selectors.place_pairings(place),
            "manages": manages(request.user, place) or is_programme_staff(request.user),
        },
    )
