"""Helpers of the alert tests."""

from __future__ import annotations

import re
from datetime import datetime

from tierslieux.alerts import services
from tierslieux.alerts.forms import CONSENT_TEXT
from tierslieux.alerts.models import Subscription

LINK = re.compile(r"https?://\S+?/alertes/(?:confirmer|desinscription|gerer)/\S+?/")


def active_subscription(
    email: str, *, at: datetime, stream: str = "tests.feed", params=None, frequency: str = "weekly"
) -> Subscription:
    """A subscription requested and confirmed at `at`."""
    outcome = services.subscription_request(
        email=email,
        stream_key=stream,
        params=params or {},
        frequency=frequency,
        source="tests",
        consent_text=str(CONSENT_TEXT),
        now=at,
        send_confirmation=False,
    )
    services.subscriptions_confirm(recipient=outcome.subscription.recipient, now=at)
    outcome.subscription.refresh_from_db()
    return outcome.subscription


def links(text: str) -> list[str]:
    return LINK.findall(text)


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]
