"""Roles are Django groups. Their names are stable identifiers; labels are what people read."""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy


class Role(StrEnum):
    PLACE_MANAGER = "place_manager"
    APPLICANT = "applicant"
    REVIEWER = "reviewer"
    PROGRAMME_STAFF = "programme_staff"
    ADMINISTRATOR = "administrator"
    EDITOR = "editor"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.PLACE_MANAGER: gettext_lazy("Gestionnaire de lieu"),
    Role.APPLICANT: gettext_lazy("Porteur de projet"),
    Role.REVIEWER: gettext_lazy("Instructeur·rice"),
    Role.PROGRAMME_STAFF: gettext_lazy("Équipe du programme"),
    Role.ADMINISTRATOR: gettext_lazy("Administrateur·rice"),
    Role.EDITOR: gettext_lazy("Rédacteur·rice"),
}


def has_role(user, *roles: Role) -> bool:
    """True when `user` is authenticated and holds one of `roles` (administrators hold every role)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    names = {role.value for role in roles} | {Role.ADMINISTRATOR.value}
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return bool(cached & names)


def is_programme_staff(user) -> bool:
    return has_role(user, Role.PROGRAMME_STAFF)


def is_editor(user) -> bool:
    """Editors write the news; programme staff (and administrators) may edit it too."""
    return has_role(user, Role.EDITOR, Role.PROGRAMME_STAFF)
