"""What waits for a person, counted for the header entry "À traiter" (reviewers, programme staff, laureates).

A small registry: each app registers its counters from its `AppConfig.ready()`, for example

    from tierslieux.core.counters import Counter, register
    register(Counter("moderation", gettext_noop("Contributions à modérer"), "contributions:moderation",
                     count=lambda user: …, visible=lambda user: is_programme_staff(user)))

`visible(user)` says whether the person may have such work at all (their role); `count(user)` counts it (cheap:
one query). The header shows the total and links to the page listing each counter (`core:todo`). Registered:
calls (files to review, files to assign), contributions (moderation), followup (annual reports to file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Counter:
    key: str
    label: str  # marked with gettext_noop; translated when shown
    url_name: str
    # Any: each app's functions take its own user model (core imports no app to name it).
    count: Callable[[Any], int]
    visible: Callable[[Any], bool]
    order: int = 100


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    url: str
    value: int


_REGISTRY: dict[str, Counter] = {}


def register(counter: Counter) -> Counter:
    """Add (or replace, by key) a counter."""
    _REGISTRY[counter.key] = counter
    return counter


def registered() -> list[Counter]:
    return sorted(_REGISTRY.values(), key=lambda c: (c.order, c.key))


def counts_for(user: AbstractBaseUser | AnonymousUser | None) -> list[Count]:
    """The counters `user` may see, with their values (empty for anonymous people and plain accounts)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        Count(c.key, _(c.label), reverse(c.url_name), int(c.count(user)))
        for c in registered()
        if c.visible(user)
    ]
