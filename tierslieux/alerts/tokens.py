"""Signed links of the alerts: confirm (7 days), manage every subscription of an address (30 days) and
unsubscribe from one subscription (no expiry: RFC 8058 asks the link of an old email to keep working).

Each token names the recipient and a fragment of the hash of its address, so a token stops working once the
address is erased. Forged or expired tokens are refused (None)."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

from .models import Recipient, Subscription

CONFIRM_SALT = "tierslieux.alerts.confirm"
MANAGE_SALT = "tierslieux.alerts.manage"
UNSUBSCRIBE_SALT = "tierslieux.alerts.unsubscribe"
CONFIRM_MAX_AGE = timedelta(days=7)
MANAGE_MAX_AGE = timedelta(days=30)


def _fingerprint(recipient: Recipient) -> str:
    from .selectors import address_hash

    return address_hash(recipient.email or "")[:12] if recipient.email else ""


def _recipient(max_age: timedelta | None, salt: str, token: str) -> Recipient | None:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    recipient = Recipient.objects.filter(pk=data.get("r"), email__isnull=False).first()
    if recipient is None or _fingerprint(recipient) != data.get("h"):
        return None
    return recipient


def confirm_token(recipient: Recipient) -> str:
    return signing.dumps({"r": recipient.pk, "h": _fingerprint(recipient)}, salt=CONFIRM_SALT)


def read_confirm_token(token: str) -> Recipient | None:
    return _recipient(CONFIRM_MAX_AGE, CONFIRM_SALT, token)


def manage_token(recipient: Recipient) -> str:
    return signing.dumps({"r": recipient.pk, "h": _fingerprint(recipient)}, salt=MANAGE_SALT)


def read_manage_token(token: str) -> Recipient | None:
    return _recipient(MANAGE_MAX_AGE, MANAGE_SALT, token)


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(
        f"{subscription.pk}.{_fingerprint(subscription.recipient)}"
    )


def read_unsubscribe_token(token: str) -> Subscription | None:
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token.strip())
        pk, fingerprint = value.split(".", 1)
        subscription = Subscription.objects.select_related("recipient").get(pk=int(pk))
    except (signing.BadSignature, ValueError, Subscription.DoesNotExist):
        return None
    if not subscription.recipient.email or _fingerprint(subscription.recipient) != fingerprint:
        return None
    return subscription
