"""Keeps the role groups and their Django-admin permissions in step with the installed models."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from .roles import Role

# Apps whose data the programme staff manage in the Django admin.
STAFF_APPS = ("places", "calls", "selection", "network")
STAFF_VIEW_ONLY_APPS = ("geo", "accounts")


def sync_role_groups(sender=None, **kwargs) -> None:
    """post_migrate: create every role group; give administrators all permissions and staff theirs."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    administrators = Group.objects.get(name=Role.ADMINISTRATOR.value)
    administrators.permissions.set(Permission.objects.all())
    staff = Group.objects.get(name=Role.PROGRAMME_STAFF.value)
    staff_permissions = Permission.objects.filter(
        content_type__app_label__in=STAFF_APPS
    ) | Permission.objects.filter(
        content_type__app_label__in=STAFF_VIEW_ONLY_APPS, codename__startswith="view_"
    )
    staff.permissions.set(staff_permissions)
