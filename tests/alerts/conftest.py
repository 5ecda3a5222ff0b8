"""A test stream whose items are set by the test (`feed.items`), registered for the alert tests only."""

from __future__ import annotations

from datetime import datetime

import pytest

from tierslieux.alerts import streams
from tierslieux.alerts.forms import CONSENT_TEXT
from tierslieux.core.errors import ServiceError


class Feed:
    """Items with their time of appearance; `new_items` returns those of the period asked."""

    def __init__(self) -> None:
        self.items: list[tuple[datetime, streams.Item]] = []
        self.calls: list[tuple[datetime, datetime]] = []

    def add(self, key: str, at: datetime, title: str = "") -> None:
        self.items.append((at, streams.Item(key=key, title=title or key, url=f"/test/{key}/", date=at)))

    def new_items(self, params, since, until):
        self.calls.append((since, until))
        return [
            item
            for at, item in self.items
            if since < at <= until and params.get("colour", "") in ("", "bleu")
        ]


def _params(params):
    colour = params.get("colour", "")
    if colour not in ("", "bleu", "rouge"):
        raise ServiceError("Couleur inconnue.")
    return {"colour": colour} if colour else {}


@pytest.fixture
def feed():
    feed = Feed()
    stream = streams.register(
        streams.Stream(
            key="tests.feed",
            label="Flux de test",
            new_items=feed.new_items,
            validate_params=_params,
            describe=lambda params: f"Flux de test {params.get('colour', '')}".strip(),
        )
    )
    yield feed
    streams.STREAMS.pop(stream.key, None)


@pytest.fixture
def consent():
    return str(CONSENT_TEXT)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate limits are counted in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
