"""Sections that apps above `places` add to a place page (events, mentoring…), without `places` importing them.

An app registers, in its `AppConfig.ready()`, a function `(request, place) -> str` returning safe HTML
(rendered from its own template); the place page shows every section in registration order."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString

PlaceSection = Callable[..., SafeString | str]
PLACE_SECTIONS: list[PlaceSection] = []


def register_place_section(section: PlaceSection) -> None:
    if section not in PLACE_SECTIONS:
        PLACE_SECTIONS.append(section)


def place_sections(request, place) -> list[SafeString | str]:
    return [html for html in (section(request, place) for section in PLACE_SECTIONS) if html]
