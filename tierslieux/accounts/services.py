"""Writes on accounts: sign-up, confirmation, profile, roles."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from tierslieux.core.emails import email_send

from .models import SignUpRequest, User
from .roles import Role
from .tokens import email_confirmation_token


def confirmation_path(signup_request: SignUpRequest) -> str:
    uid = urlsafe_base64_encode(force_bytes(signup_request.pk))
    return reverse("accounts:confirm", args=[uid, email_confirmation_token.make_token(signup_request)])


@transaction.atomic
def user_sign_up(
    *, email: str, password: str, first_name: str = "", last_name: str = "", organisation: str = ""
) -> None:
    """Sign up `email`; the answer is the same whether the address has an account or not (nothing is
    revealed). A new address gets an inactive account; a new or not yet confirmed one gets a sign-up request
    (the password hashed, the names) and its confirmation link by email — the account's password and names
    change only when that link is opened. An active account gets an email saying it exists (log in or reset
    the password) and is left untouched."""
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    password=None,
                    first_name=first_name,
                    last_name=last_name,
                    organisation=organisation,
                    is_active=False,
                )
        except IntegrityError:  # signed up at the same moment by another request
            user = User.objects.get(email__iexact=email)
    if user.is_active:
        email_send(
            name="signup-existing",
            to=[user.email],
            context={
                "login_path": reverse("accounts:login"),
                "reset_path": reverse("accounts:password_reset"),
            },
        )
        return
    signup_request = SignUpRequest.objects.create(
        user=user,
        password=make_password(password),
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
    )
    email_send(
        name="signup-confirmation",
        to=[user.email],
        context={"user": user, "confirmation_path": confirmation_path(signup_request)},
    )


def signup_request_for_link(uidb64: str, token: str) -> SignUpRequest | None:
    """The sign-up request of a confirmation link, or None (forged, used or expired)."""
    try:
        signup_request = SignUpRequest.objects.select_related("user").get(
            pk=force_str(urlsafe_base64_decode(uidb64))
        )
    except (SignUpRequest.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    if signup_request.user.is_active or not email_confirmation_token.check_token(signup_request, token):
        return None
    return signup_request


@transaction.atomic
def user_confirm_email(*, signup_request: SignUpRequest) -> User:
    """The owner of the address opened this request's link: the account takes its password and names, becomes
    active, and every other pending request of the address is dropped."""
    user = signup_request.user
    user.password = signup_request.password
    for name in ("first_name", "last_name", "organisation"):
        if getattr(signup_request, name):
            setattr(user, name, getattr(signup_request, name))
    user.is_active = True
    user.email_confirmed_at = timezone.now()
    user.save(
        update_fields=[
            "password",
            "first_name",
            "last_name",
            "organisation",
            "is_active",
            "email_confirmed_at",
        ]
    )
    SignUpRequest.objects.filter(user=user).delete()
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
    if role == Role.ADMINISTRATOR:  # the Django admin is for administrators only (docs/security.md)
        user.is_staff = True
        user.save(update_fields=["is_staff"])
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
