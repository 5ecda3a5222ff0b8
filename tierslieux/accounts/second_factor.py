"""Second factor (django-otp) for the accounts with power over the calls and public money: programme staff
and administrators. A TOTP app (RFC 6238) and single-use recovery codes; the session is "verified" once a
code is accepted after the password (tierslieux.accounts.middleware keeps unverified sessions on these pages).
"""

from __future__ import annotations

import base64

import segno
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import Role, has_role

RECOVERY_CODES = 10
TOTP_NAME = "application"
RECOVERY_NAME = "codes de secours"


def requires_second_factor(user) -> bool:
    return has_role(user, Role.PROGRAMME_STAFF)


def has_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp(user) -> TOTPDevice:
    """The TOTP device being enrolled (unconfirmed), created on first call; its key is shown once."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI of `device` as an SVG QR code in a data: URI (no inline style, no network)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#161616", light="#ffffff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def secret_groups(device: TOTPDevice) -> str:
    """The base32 key in groups of four, for typing into an app without the QR code."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """Replace the recovery codes of `user` with RECOVERY_CODES new single-use ones (returned, shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def totp_confirm(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Enrolment: the first code of the app confirms `device` (other TOTP devices of the person are removed),
    verifies the session and returns new recovery codes; None when the code is wrong."""
    if device.confirmed or device.user_id != request.user.pk or not device.verify_token(code.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
    otp_login(request, device)
    return recovery_codes_renew(user=request.user)


def throttled(user) -> bool:
    """True while django-otp makes this person wait after wrong codes (the delay doubles at each failure)."""
    devices = [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]
    return any(not device.verify_is_allowed()[0] for device in devices)


def second_factor_verify(*, request, code: str) -> bool:
    """Login step: a code of the app or an unused recovery code verifies the session (django-otp throttles
    repeated failures and refuses a TOTP code already used)."""
    code = "".join(code.split())
    if not code:
        return False
    # Six digits: the app (TOTP); anything else: a recovery code. A code is tried on one kind of device only,
    # so a recovery code never counts as a wrong app code (and the reverse).
    if len(code) == 6 and code.isdigit():
        devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.filter(user=request.user, confirmed=True))
    with transaction.atomic():
        for device in devices:
            if device.verify_is_allowed()[0] and device.verify_token(code):
                otp_login(request, device)
                return True
    return False
