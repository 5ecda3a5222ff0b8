"""The network's section of a person's data (RGPD), registered in `accounts.personal_data`."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from tierslieux.accounts import personal_data


def export(user) -> dict:
    from .models import AbuseReport, Listing, MentoringRequest, NetworkProfile, RelayedMessage

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
        "mentoring_requests": list(
            MentoringRequest.objects.filter(requester=user).values("id", "project_title", "message", "status")
        ),
    }


@transaction.atomic
def erase(user) -> None:
    """Delete the person's own listings, profile and relayed messages; keep reports and requests without them."""
    from .models import AbuseReport, Listing, NetworkProfile, RelayedMessage

    Listing.objects.filter(owner=user, place=None).delete()
    NetworkProfile.objects.filter(user=user).delete()
    RelayedMessage.objects.filter(sender=user).delete()
    AbuseReport.objects.filter(reporter=user).update(reporter=None)


def register() -> None:
    personal_data.register(
        "network", label=gettext_noop("Réseau : annonces, profil, messages"), export=export, erase=erase
    )
