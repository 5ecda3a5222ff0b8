"""The network's section of a person's data (RGPD), registered in `accounts.personal_data`."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from tierslieux.accounts import personal_data


def export(user) -> dict:
    from .models import (
        AbuseReport,
        Event,
        Listing,
        MentoringRequest,
        MentorOffer,
        NetworkProfile,
        PairingMeeting,
        RelayedMessage,
        Resource,
    )

    profile = NetworkProfile.objects.filter(user=user).first()
    return {
        "profile": None
        if profile is None
        else {
            "is_public": profile.is_public,
            "skills": profile.skills,
            "tags": profile.tags,
            "commune": profile.commune_id,
            "bio": profile.bio,
            "notify_matches": profile.notify_matches,
        },
        "listings": list(
            Listing.objects.filter(owner=user).values(
                "id",
                "side",
                "kind",
                "category",
                "title",
                "description",
                "status",
                "valid_from",
                "valid_until",
            )
        ),
        "messages_sent": list(
            RelayedMessage.objects.filter(sender=user).values("id", "listing_id", "message", "created_at")
        ),
        "reports": list(
            AbuseReport.objects.filter(reporter=user).values("id", "listing_id", "reason", "message")
        ),
        "messages_received": [
            {
                "from": message.sender.display_name,
                "listing_id": message.listing_id,
                "message": message.message,
                "created_at": message.created_at,
            }
            for message in RelayedMessage.objects.filter(recipient=user).select_related("sender")
        ],
        "mentoring_requests": list(
            MentoringRequest.objects.filter(requester=user).values("id", "project_title", "message", "status")
        ),
        "mentoring_meetings": list(
            PairingMeeting.objects.filter(author=user).values(
                "id", "pairing_id", "date", "topic", "next_step"
            )
        ),
        "mentor_offers": list(
            MentorOffer.objects.filter(created_by=user).values("id", "place_id", "description")
        ),
        "events": list(Event.objects.filter(created_by=user).values("id", "place_id", "title", "starts_at")),
        "resources": list(Resource.objects.filter(created_by=user).values("id", "title", "status")),
    }


@transaction.atomic
def erase(user) -> None:
    """Delete the person's own listings (those of a place stay with the place), profile and the messages they
    sent; reports are kept without their author; mentoring requests, meeting notes, events and resources stay
    with the anonymised account (they belong to the pairing's log and to the places)."""
    from .models import AbuseReport, Listing, NetworkProfile, RelayedMessage

    Listing.objects.filter(owner=user, place=None).delete()
    NetworkProfile.objects.filter(user=user).delete()
    RelayedMessage.objects.filter(sender=user).delete()
    AbuseReport.objects.filter(reporter=user).update(reporter=None)


def register() -> None:
    personal_data.register(
        "network", label=gettext_noop("Réseau : annonces, profil, messages"), export=export, erase=erase
    )
