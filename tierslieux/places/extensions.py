"""Sections that the apps above `places` add to a place page (the follow-up's label and amounts, the network's
events and mentoring…), without `places` importing them.

An app registers, in its `AppConfig.ready()`, a provider `(request, place) -> PlaceSection | None` with
`register_place_section`; the place page includes each section's template (with `section` in its context) in
registration order, and shows its badges under the place's name. Each provider decides what `request.user` may
see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from .models import Place


@dataclass(frozen=True)
class PlaceSection:
    template: str  # included in the place page with `section` = this object
    context: dict[str, Any] = field(default_factory=dict)
    badges: tuple[str, ...] = ()  # extra badges under the place's name


PlaceSectionProvider = Callable[[HttpRequest, Place], PlaceSection | None]
PLACE_SECTIONS: list[PlaceSectionProvider] = []


def register_place_section(provider: PlaceSectionProvider) -> None:
    if provider not in PLACE_SECTIONS:
        PLACE_SECTIONS.append(provider)


def place_sections(request: HttpRequest, place: Place) -> list[PlaceSection]:
    sections = []
    for provider in PLACE_SECTIONS:
        section = provider(request, place)
        if section is not None:
            sections.append(section)
    return sections
