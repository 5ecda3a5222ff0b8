"""What waits for a person, counted for the header entry "À traiter" (reviewers, programme staff, laureates).

A small registry: each app registers its counters from its `AppConfig.ready()`, for example

    from tierslieux.core.counters import Counter, register
    register(Counter("moderation", gettext_noop("Contributions à modérer"), "contributions:moderation",
                     count=lambda user: …, visible=lambda user: is_programme_staff(user)))

`visible(user)` says whether the person may have such work at all (their role); `count(user)` counts it (cheap:
one query). The header shows the total and links to the page listing each counter (`core:todo`). Registered:
calls (files to review, files to assign), contributions (moderation), followup (annual reports to file).

A person's counts are kept in this process's memory (core/cache.py, namespace "todo") for the day and until a
write to a model of the apps a counter `watches` (or to accounts and their groups, which decide roles, or to the transition log of any workflow): a signed-in
page then reads them without a query of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .cache import LOCAL, cached, watch_models

# Watched for every counter: accounts and their groups, which decide roles (the many-to-many rows belong to
# accounts; the role groups themselves are created and kept by code), and the transition log, written by every
# workflow change (core.services.transition_apply moves a status with an UPDATE, which sends no post_save).
ALWAYS_WATCHED = ("accounts", "core.TransitionLog")


@dataclass(frozen=True)
class Counter:
    key: str
    label: str  # marked with gettext_noop; translated when shown
    url_name: str
    # Any: each app's functions take its own user model (core imports no app to name it).
    count: Callable[[Any], int]
    visible: Callable[[Any], bool]
    order: int = 100
    # App or model labels whose writes may change a count or who sees it ("calls", "places.Place").
    watches: tuple[str, ...] = ()


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
    watch_models("todo", (*counter.watches, *ALWAYS_WATCHED))
    return counter


def registered() -> list[Counter]:
    return sorted(_REGISTRY.values(), key=lambda c: (c.order, c.key))


def counts_for(user: AbstractBaseUser | AnonymousUser | None) -> list[Count]:
    """The counters `user` may see, with their values (empty for anonymous people and plain accounts)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    counters = registered()
    return cached(
        ("todo", user.pk, get_language(), timezone.localdate().isoformat(), tuple(c.key for c in counters)),
        lambda: [
            Count(c.key, _(c.label), reverse(c.url_name), int(c.count(user)))
            for c in counters
            if c.visible(user)
        ],
        namespaces=("todo",),
        store=LOCAL,
    )
