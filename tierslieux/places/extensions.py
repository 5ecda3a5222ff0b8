"""Sections that the apps above `places` add to a place page, without `places` importing them: an app registers
a function `(place, user) -> PlaceSection | None` in `PLACE_PAGE_SECTIONS` (e.g. the follow-up shows the label
of a laureate and the amounts granted and paid). Each function decides what `user` may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .models import Place


@dataclass(frozen=True)
class PlaceSection:
    template: str  # rendered in the place page with `section` = this object
    context: dict[str, Any] = field(default_factory=dict)
    badges: tuple[str, ...] = ()  # extra badges under the place's name


PLACE_PAGE_SECTIONS: list[Callable[[Place, Any], PlaceSection | None]] = []


def place_page_sections(place: Place, user) -> list[PlaceSection]:
    sections = []
    for provider in PLACE_PAGE_SECTIONS:
        section = provider(place, user)
        if section is not None:
            sections.append(section)
    return sections
