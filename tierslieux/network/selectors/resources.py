"""Reads on the resource library: roles, search and filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.places.text import normalise

from .. import workflows
from ..models import Licence, Resource, ResourceKind


def resource_roles(user: User | AnonymousUser, resource: Resource) -> set[str]:
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return roles
    if resource.created_by_id == user.pk or (
        resource.author_place_id and resource.author_place.managers.filter(pk=user.pk).exists()
    ):
        roles.add(workflows.AUTHOR)
    if is_programme_staff(user):
        roles.add(workflows.STAFF)
    return roles


def resource_can_see(user: User, resource: Resource) -> bool:
    return resource.status == "published" or bool(resource_roles(user, resource))


@dataclass
class ResourceFilters:
    q: str = ""
    kind: str = ""
    licence: str = ""
    tag: str = ""
    errors: list[str] = field(default_factory=list)


def parse_filters(params: Mapping[str, Any]) -> ResourceFilters:
    filters = ResourceFilters(
        q=(params.get("q") or "").strip()[:100], tag=(params.get("tag") or "").strip().lower()[:30]
    )
    for key, choices in (("kind", ResourceKind), ("licence", Licence)):
        value = (params.get(key) or "").strip()
        if value in choices.values:
            setattr(filters, key, value)
        elif value:
            filters.errors.append(_("Filtre inconnu ignoré : « %(value)s ».") % {"value": value[:40]})
    return filters


def resources_filtered(filters: ResourceFilters) -> list[Resource]:
    queryset = (
        Resource.objects.filter(status="published")
        .select_related("author_place")
        .prefetch_related("versions")
    )
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.licence:
        queryset = queryset.filter(licence=filters.licence)
    if filters.q:
        words = normalise(filters.q).split()
        for word in words:
            queryset = queryset.filter(Q(search_text__contains=word))
    resources = list(queryset[:500])
    if filters.tag:
        resources = [r for r in resources if filters.tag in r.tags]
    return resources


def resource_tags() -> list[str]:
    tags: set[str] = set()
    for values in Resource.objects.filter(status="published").values_list("tags", flat=True):
        tags |= set(values or [])
    return sorted(tags)


def resources_of(user: User | AnonymousUser) -> QuerySet[Resource]:
    if not getattr(user, "is_authenticated", False):
        return Resource.objects.none()
    return Resource.objects.filter(Q(created_by=user) | Q(author_place__managers=user)).distinct()
