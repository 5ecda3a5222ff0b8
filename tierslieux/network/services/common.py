"""Helpers shared by the network's services: who may act, where a thing is, tags, dates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.core.errors import ServiceError
from tierslieux.geo.models import Commune
from tierslieux.places.models import Place

TAG = re.compile(r"[^\w\- \u2019']+", re.UNICODE)


def require_signed_in(user: User | AnonymousUser) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ServiceError(_("Connectez-vous pour faire cette action."), status=403)


def manages(user: User | AnonymousUser, place: Place | None) -> bool:
    if place is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return place.managers.filter(pk=user.pk).exists()


def require_manager(user: User, place: Place) -> None:
    """Managers of `place` and programme staff may act for it."""
    require_signed_in(user)
    if not (manages(user, place) or is_programme_staff(user)):
        raise ServiceError(_("Seuls les gestionnaires de ce lieu peuvent faire cette action."), status=403)


def location(*, place: Place | None, commune: Commune | None) -> tuple[Commune, float, float]:
    """(commune, lon, lat) of a thing located at a place, or at the town hall of a commune."""
    if place is not None:
        return place.commune, place.lon, place.lat
    if commune is None:
        raise ServiceError(_("Indiquez une commune ou un lieu."))
    point = commune.point
    if point is None:
        raise ServiceError(
            _("La commune « %(name)s » n’a pas de coordonnées connues.") % {"name": commune.name}
        )
    return commune, point[0], point[1]


def clean_tags(value: str | Iterable[str] | None) -> list[str]:
    """Free tags: a list or a comma-separated text, lowercased, at most 10 of at most 30 characters."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    tags: list[str] = []
    for item in items:
        tag = " ".join(TAG.sub(" ", str(item)).split()).lower()[:30]
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > 10:
        raise ServiceError(_("Dix mots-clés au plus."))
    return tags


def clean_codes(
    values: Iterable[Any] | None, choices: type[models.Choices], *, label: str, required: bool = False
) -> list[str]:
    codes = [str(v) for v in (values or [])]
    unknown = [c for c in codes if c not in choices.values]
    if unknown:
        raise ServiceError(
            _("%(label)s inconnu : « %(value)s ».") % {"label": label, "value": unknown[0][:40]}
        )
    if required and not codes:
        raise ServiceError(
            _("Choisissez au moins un élément dans la liste « %(label)s ».") % {"label": label}
        )
    return list(dict.fromkeys(codes))


def today() -> dt.date:
    return timezone.localdate()


def setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)
