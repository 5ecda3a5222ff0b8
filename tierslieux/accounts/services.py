"""Writes on accounts: sign-up, confirmation, profile, roles."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tierslieux.core.emails import email_send

from .models import User
from .roles import Role
from .tokens import email_confirmation_token


def confirmation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:confirm", args=[uid, email_confirmation_token.make_token(user)])


@transaction.atomic
def user_sign_up(
    *, email: str, password: str, first_name: str = "", last_name: str = "", organisation: str = ""
) -> User:
    """Create an inactive account and email its confirmation link."""
    user = User.objects.create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        is_active=False,
    )
    email_send(
        name="signup-confirmation",
        to=[user.email],
        context={"user": user, "confirmation_path": confirmation_path(user)},
    )
    return user


@transaction.atomic
def user_confirm_email(*, user: User) -> User:
    user.is_active = True
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["is_active", "email_confirmed_at"])
    return user


PROFILE_FIELDS = ("first_name", "last_name", "organisation", "phone")


@transaction.atomic
def user_update_profile(
    *, user: User, first_name: str, last_name: str, organisation: str, phone: str
) -> User:
    """Save the person's own details (surrounding spaces dropped). Too long a value raises ValidationError
    (French messages, per field) and saves nothing."""
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "organisation": organisation,
        "phone": phone,
    }
    previous = {name: getattr(user, name) for name in PROFILE_FIELDS}
    for name, value in values.items():
        setattr(user, name, value.strip())
    try:
        user.clean_fields(exclude=[f.name for f in User._meta.fields if f.name not in PROFILE_FIELDS])
    except ValidationError:
        for name, value in previous.items():
            setattr(user, name, value)
        raise
    user.save(update_fields=list(PROFILE_FIELDS))
    return user


def role_group(role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=role.value)
    return group


@transaction.atomic
def user_grant_role(*, user: User, role: Role) -> None:
    user.groups.add(role_group(role))
    if role in (Role.PROGRAMME_STAFF, Role.ADMINISTRATOR):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_role_names", None)


@transaction.atomic
def user_revoke_role(*, user: User, role: Role) -> None:
    user.groups.remove(role_group(role))
    user.__dict__.pop("_role_names", None)


# --- Personal data (RGPD) ------------------------------------------------------------------------------------
def account_export(user: User) -> dict:
    """The account section of the person's data export."""
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "organisation": user.organisation,
        "phone": user.phone,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_confirmed_at": user.email_confirmed_at.isoformat() if user.email_confirmed_at else None,
        "roles": sorted(user.groups.values_list("name", flat=True)),
    }


def erased_email(user: User) -> str:
    """The address an erased account keeps (unique, reserved `.invalid` domain: never deliverable)."""
    return f"compte-supprime-{user.pk}@supprime.invalid"


@transaction.atomic
def user_erase(*, user: User) -> User:
    """Erase the person's account (RGPD): every registered section erases or pseudonymises its own data
    (`personal_data.register(erase=…)`), then the account row is anonymised in place — kept so that what the
    law keeps (submitted applications for public grants, decisions) still points to a pseudonymous author.
    The password becomes unusable, which also ends every other session of the account."""
    from . import personal_data

    original = User.objects.select_for_update().get(pk=user.pk)
    for section in personal_data.sections():
        if section.erase is not None:
            section.erase(original)
    original.email = erased_email(original)
    original.first_name = original.last_name = original.organisation = original.phone = ""
    original.is_active = original.is_staff = original.is_superuser = False
    original.email_confirmed_at = None
    original.erased_at = timezone.now()
    original.set_unusable_password()
    original.save()
    original.groups.clear()
    original.user_permissions.clear()
    return original
