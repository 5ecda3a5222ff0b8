"""The places' part of a person's data (accounts/personal_data.py): the places they manage."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from tierslieux.accounts import personal_data


def managed_places_export(user) -> list[dict]:
    return [
        {"name": place.name, "url": place.get_absolute_url()}
        for place in user.managed_places.order_by("name").only("name", "slug")
    ]


def managed_places_erase(user) -> None:
    """An erased account manages no place any more."""
    user.managed_places.clear()


def register() -> None:
    personal_data.register(
        "places",
        label=gettext_noop("Lieux gérés"),
        export=managed_places_export,
        erase=managed_places_erase,
    )
