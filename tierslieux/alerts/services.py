"""Writes of the alerts: subscribe (double opt-in), confirm, change, unsubscribe (one click), suppress, expire,
and send what is new, resumably. Every change of a subscription appends one row to the consent ledger."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.core.emails import email_send
from tierslieux.core.errors import ServiceError
from tierslieux.core.services import transition_apply
from tierslieux.core.workflow import SYSTEM

from . import streams, tokens, workflow
from .models import (
    AlertEmail,
    ConsentEvent,
    ConsentText,
    Delivery,
    Frequency,
    Recipient,
    Subscription,
    Suppression,
)
from .selectors import address_hash, address_normalise, is_suppressed, pending_subscriptions

logger = logging.getLogger(__name__)

CONFIRMATION_EXPIRY = timedelta(days=7)
"""An unconfirmed subscription expires after this long."""
EMAIL_INTERVAL = timedelta(hours=1)
"""At most one confirmation (or management-link) email per address in this interval."""
MAX_ITEMS_PER_EMAIL = 50


def lookback() -> timedelta:
    """How far before the last period an alert looks again for items committed late (none is sent twice)."""
    return timedelta(minutes=int(getattr(settings, "ALERTS_LOOKBACK_MINUTES", 60)))


def params_key(params: dict) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def consent_text_record(text: str) -> ConsentText:
    """The ledger's record of a consent text, exactly as shown (one row per distinct text)."""
    text = " ".join(text.split())
    digest = hashlib.sha256(text.encode()).hexdigest()
    record, _created = ConsentText.objects.get_or_create(sha256=digest, defaults={"text": text})
    return record


def _log(
    subscription: Subscription,
    kind: str,
    *,
    now: datetime,
    source: str = "",
    consent: ConsentText | None = None,
    detail: str = "",
) -> ConsentEvent:
    return ConsentEvent.objects.create(
        subscription=subscription,
        email=subscription.recipient.email or "",
        stream=subscription.stream,
        params=subscription.params,
        label=subscription.label[:300],
        kind=kind,
        source=source[:60],
        consent_text=consent,
        detail=detail[:200],
        created_at=now,
    )


def _valid_email(email: str) -> str:
    email = address_normalise(email)
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(
            _("Saisissez une adresse électronique valide, par exemple nom@domaine.fr.")
        ) from None
    return email


@dataclass(frozen=True)
class RequestOutcome:
    subscription: Subscription
    confirmed: bool  # active now (signed-in person, or already active)
    emailed: bool  # a confirmation email was stored


def subscription_request(
    *,
    email: str,
    stream_key: str,
    params: dict,
    frequency: str,
    source: str,
    consent_text: str,
    user: User | AnonymousUser | None = None,
    now: datetime | None = None,
    send_confirmation: bool = True,
) -> RequestOutcome:
    """Ask for alerts of `stream_key` with `params` at `frequency` for `email`, from form `source` that showed
    `consent_text`. Bad input raises ServiceError (400, French).

    Double opt-in: the subscription stays pending until the link of the confirmation email is followed and
    its button pressed — except for a signed-in person subscribing their own confirmed address, which is
    confirmed at once. One confirmation email at most per address and hour (its link confirms every pending
    subscription of the address), none to a suppressed address. A request for a stream and parameters the
    address already follows reuses that subscription (its frequency updated)."""
    now = now or timezone.now()
    stream = streams.get(stream_key)
    canonical = stream.validate_params(dict(params or {}))
    if frequency not in stream.frequencies or frequency not in Frequency.values:
        raise ServiceError(_("Choisissez une fréquence proposée."))
    email = _valid_email(email)
    own_address = (
        user
        if user is not None
        and user.is_authenticated
        and address_normalise(user.email) == email
        and user.is_active
        else None
    )
    with transaction.atomic():
        recipient, _created = Recipient.objects.select_for_update().get_or_create(
            email=email, defaults={"created_at": now}
        )
        if own_address and recipient.user_id is None:
            recipient.user = own_address
            recipient.save(update_fields=["user"])
        consent = consent_text_record(consent_text)
        key = params_key(canonical)
        subscription = (
            Subscription.objects.select_for_update()
            .filter(recipient=recipient, stream=stream.key, params_key=key, status__in=workflow.LIVE)
            .first()
        )
        if subscription is None:
            subscription = Subscription.objects.create(
                recipient=recipient,
                stream=stream.key,
                params=canonical,
                params_key=key,
                label=stream.describe_params(canonical)[:300],
                frequency=frequency,
                source=source[:60],
                consent_text=consent,
                created_at=now,
                expires_at=now + CONFIRMATION_EXPIRY,
            )
            _log(subscription, ConsentEvent.Kind.REQUESTED, now=now, source=source, consent=consent)
        elif subscription.frequency != frequency:
            subscription.frequency = frequency
            subscription.save(update_fields=["frequency"])
            _log(subscription, ConsentEvent.Kind.FREQUENCY, now=now, source=source, detail=frequency)
        if subscription.status == workflow.PENDING and subscription.expires_at <= now:
            subscription.expires_at = now + CONFIRMATION_EXPIRY
            subscription.save(update_fields=["expires_at"])
        if subscription.status == workflow.ACTIVE:
            return RequestOutcome(subscription, confirmed=True, emailed=False)
        if own_address:
            Suppression.objects.filter(address_hash=address_hash(email)).delete()  # a new, explicit consent
            _confirm(subscription, now=now, source=source)
            return RequestOutcome(subscription, confirmed=True, emailed=False)
        emailed = send_confirmation and _send_confirmation(recipient, now=now)
        return RequestOutcome(subscription, confirmed=False, emailed=emailed)


def _throttled(sent_at: datetime | None, now: datetime) -> bool:
    return sent_at is not None and now - sent_at < EMAIL_INTERVAL


def _send_confirmation(recipient: Recipient, *, now: datetime) -> bool:
    if is_suppressed(recipient.email) or _throttled(recipient.confirmation_sent_at, now):
        return False
    Recipient.objects.filter(pk=recipient.pk).update(confirmation_sent_at=now)
    email_send(
        name="alerts-confirm",
        to=[recipient.email],
        context={
            "confirm_url": absolute(reverse("alerts:confirm", args=[tokens.confirm_token(recipient)])),
            "subscriptions": list(pending_subscriptions(recipient, now)),
            "days": CONFIRMATION_EXPIRY.days,
        },
    )
    return True


def _confirm(
    subscription: Subscription, *, now: datetime, source: str, roles: Iterable[str] = (workflow.OWNER,)
) -> None:
    transition_apply(
        instance=subscription,
        workflow=workflow.SUBSCRIPTION,
        action="confirm",
        roles=roles,
        actor=None,
        changes={"confirmed_at": now, "covered_until": now},
    )
    _log(subscription, ConsentEvent.Kind.CONFIRMED, now=now, source=source)


@transaction.atomic
def subscriptions_confirm(
    *, recipient: Recipient, ids: Iterable[int] | None = None, now: datetime | None = None
) -> list[Subscription]:
    """Confirm the pending, unexpired subscriptions of `recipient` (only `ids` when given): the button of the
    page the confirmation email links to."""
    now = now or timezone.now()
    pending = pending_subscriptions(recipient, now).select_for_update()
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    confirmed = []
    for subscription in pending:
        _confirm(subscription, now=now, source="alerts.confirm")
        confirmed.append(subscription)
    if confirmed:  # a new, explicit consent from the address lifts an earlier "unsubscribe from everything"
        Suppression.objects.filter(
            address_hash=address_hash(recipient.email), reason=Suppression.Reason.UNSUBSCRIBED
        ).delete()
    return confirmed


@transaction.atomic
def subscription_confirm_direct(
    *, subscription: Subscription, source: str, now: datetime | None = None
) -> None:
    """Confirm a pending subscription whose address was proven another way (the confirmation of a comment
    that asked for reply notifications)."""
    now = now or timezone.now()
    locked = Subscription.objects.select_for_update().select_related("recipient").get(pk=subscription.pk)
    if locked.status == workflow.PENDING:
        _confirm(locked, now=now, source=source, roles=(SYSTEM,))


@transaction.atomic
def subscription_unsubscribe(
    *,
    subscription: Subscription,
    source: str,
    now: datetime | None = None,
    roles: Iterable[str] = (workflow.OWNER,),
) -> bool:
    """End one subscription at once (the one-click POST). False when it had already ended."""
    now = now or timezone.now()
    locked = Subscription.objects.select_for_update().select_related("recipient").get(pk=subscription.pk)
    if locked.status not in workflow.LIVE:
        return False
    transition_apply(
        instance=locked,
        workflow=workflow.SUBSCRIPTION,
        action="unsubscribe",
        roles=roles,
        actor=None,
        changes={"ended_at": now},
    )
    _log(locked, ConsentEvent.Kind.UNSUBSCRIBED, now=now, source=source)
    subscription.status, subscription.ended_at = locked.status, locked.ended_at
    return True


@transaction.atomic
def recipient_unsubscribe_all(
    *,
    recipient: Recipient,
    source: str,
    now: datetime | None = None,
    reason: str = Suppression.Reason.UNSUBSCRIBED,
) -> int:
    """End every subscription of the address and put it on the suppression list: never mailed again."""
    now = now or timezone.now()
    count = 0
    roles = (workflow.OWNER,) if reason == Suppression.Reason.UNSUBSCRIBED else (SYSTEM,)
    for subscription in Subscription.objects.filter(recipient=recipient, status__in=workflow.LIVE):
        count += subscription_unsubscribe(subscription=subscription, source=source, now=now, roles=roles)
    if recipient.email:
        suppression_add(email=recipient.email, reason=reason)
    return count


def suppression_add(*, email: str, reason: str) -> Suppression:
    suppression, _created = Suppression.objects.get_or_create(
        address_hash=address_hash(email), defaults={"reason": reason}
    )
    return suppression


@transaction.atomic
def address_bounced(*, email: str, now: datetime | None = None) -> None:
    """Mail to `email` bounced permanently: suppress it and end its subscriptions."""
    recipient = Recipient.objects.filter(email=address_normalise(email)).first()
    if recipient is not None:
        recipient_unsubscribe_all(
            recipient=recipient, source="alerts.bounce", now=now, reason=Suppression.Reason.BOUNCED
        )
    else:
        suppression_add(email=email, reason=Suppression.Reason.BOUNCED)


@transaction.atomic
def subscription_set_frequency(
    *, subscription: Subscription, frequency: str, source: str, now: datetime | None = None
) -> None:
    now = now or timezone.now()
    stream = streams.STREAMS.get(subscription.stream)
    allowed = stream.frequencies if stream else Frequency.values
    if frequency not in allowed or frequency not in Frequency.values:
        raise ServiceError(_("Choisissez une fréquence proposée."))
    locked = Subscription.objects.select_for_update().select_related("recipient").get(pk=subscription.pk)
    if locked.status not in workflow.LIVE:
        raise ServiceError(_("Cet abonnement est terminé."), status=409)
    if locked.frequency != frequency:
        locked.frequency = frequency
        locked.save(update_fields=["frequency"])
        _log(locked, ConsentEvent.Kind.FREQUENCY, now=now, source=source, detail=frequency)


def manage_link_request(*, email: str, now: datetime | None = None) -> bool:
    """Email the signed link of the page that manages every subscription of `email` (at most one an hour;
    nothing for an unknown or suppressed address: the page answers the same either way)."""
    now = now or timezone.now()
    email = _valid_email(email)
    with transaction.atomic():
        recipient = Recipient.objects.select_for_update().filter(email=email).first()
        if recipient is None or is_suppressed(email) or _throttled(recipient.manage_link_sent_at, now):
            return False
        if not recipient.subscriptions.filter(status__in=workflow.LIVE).exists():
            return False
        Recipient.objects.filter(pk=recipient.pk).update(manage_link_sent_at=now)
        email_send(name="alerts-manage", to=[email], context={"manage_url": manage_url(recipient)})
        return True


@transaction.atomic
def pending_expire(*, now: datetime) -> int:
    """Unconfirmed subscriptions older than 7 days expire (system), logged in the ledger."""
    count = 0
    for subscription in Subscription.objects.select_related("recipient").filter(
        status=workflow.PENDING, expires_at__lte=now
    ):
        transition_apply(
            instance=subscription,
            workflow=workflow.SUBSCRIPTION,
            action="expire",
            roles=(SYSTEM,),
            actor=None,
            changes={"ended_at": now},
        )
        _log(subscription, ConsentEvent.Kind.EXPIRED, now=now, source="alerts.expire")
        count += 1
    return count


RETENTION = timedelta(days=3 * 365)
"""The ledger keeps the address of an ended subscription this long (proof of consent), then blanks it."""
EXPIRED_RETENTION = timedelta(days=30)


@transaction.atomic
def retention_apply(*, now: datetime) -> int:
    """Blank the address in the ledger and forget the recipient once its retention period ended: 3 years
    after a subscription ended, 30 days after a request that was never confirmed."""
    ended = Subscription.objects.filter(
        status=workflow.UNSUBSCRIBED, ended_at__lt=now - RETENTION
    ) | Subscription.objects.filter(status=workflow.EXPIRED, ended_at__lt=now - EXPIRED_RETENTION)
    ids = list(ended.values_list("pk", flat=True))
    blanked = ConsentEvent.objects.filter(subscription_id__in=ids).exclude(email="").update(email="")
    idle = Recipient.objects.filter(email__isnull=False).exclude(subscriptions__status__in=workflow.LIVE)
    idle = idle.exclude(subscriptions__ended_at__gte=now - RETENTION).exclude(created_at__gte=now - RETENTION)
    idle.update(email=None, user=None)
    return blanked


# --- Sending -------------------------------------------------------------------------------------------------
def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else f"{settings.SITE_URL}{path}"


def manage_url(recipient: Recipient) -> str:
    return absolute(reverse("alerts:manage", args=[tokens.manage_token(recipient)]))


def unsubscribe_url(subscription: Subscription) -> str:
    return absolute(reverse("alerts:unsubscribe", args=[tokens.unsubscribe_token(subscription)]))


def unsubscribe_mailto() -> str:
    configured = getattr(settings, "ALERTS_UNSUBSCRIBE_MAILTO", "")
    if configured:
        return configured
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    return f"desinscription@{domain}"


def list_id(stream: streams.Stream) -> str:
    """`List-Id` (RFC 2919) of a stream: its French label, then `<key.alertes.host>`; the label is encoded
    (RFC 2047) here so the angle-bracketed identifier stays readable by mail systems."""
    host = (urlsplit(settings.SITE_URL).hostname or "localhost").strip(".")
    identifier = f"{stream.key.replace('_', '-').replace('.', '-')}.alertes.{host}"
    phrase = Header(stream.title, "utf-8").encode()
    return f"{phrase} <{identifier}>"


def alert_headers(subscription: Subscription, stream: streams.Stream) -> dict[str, str]:
    """List-Unsubscribe (HTTPS URL and mailto), List-Unsubscribe-Post (RFC 8058 one click) and List-Id."""
    token = tokens.unsubscribe_token(subscription)
    mailto = f"mailto:{unsubscribe_mailto()}?subject={quote('unsubscribe ' + token)}"
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscription)}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": list_id(stream),
        "Auto-Submitted": "auto-generated",
        "Precedence": "bulk",
    }


def subscription_dispatch(*, subscription_id: int, until: datetime) -> str:
    """Send what is new for one subscription up to `until`, in one transaction: the AlertEmail, one Delivery
    per item (unique per address: an item already mailed to the address is left out), the outbox row and
    the new `covered_until`. Run twice, or after a crash, it sends nothing twice and skips nothing."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=subscription_id)
            .first()
        )
        if subscription is None or subscription.status != workflow.ACTIVE:
            return "inactive"
        if subscription.covered_until is not None and subscription.covered_until >= until:
            return "done"
        stream = streams.STREAMS.get(subscription.stream)
        if stream is None:
            return "unknown stream"
        recipient = subscription.recipient
        start = subscription.covered_until or subscription.confirmed_at or until
        Subscription.objects.filter(pk=subscription.pk).update(covered_until=until)
        if not recipient.email or is_suppressed(recipient.email):
            return "suppressed"
        since = max(start - lookback(), subscription.confirmed_at or start)
        items = stream.items(subscription.params, since, until)
        already = set(
            Delivery.objects.filter(
                recipient=recipient, item_key__in=[item.key for item in items]
            ).values_list("item_key", flat=True)
        )
        new = [item for item in items if item.key not in already]
        if not new:
            return "nothing new"
        alert = AlertEmail.objects.create(
            subscription=subscription, period_start=start, period_end=until, item_count=len(new)
        )
        Delivery.objects.bulk_create(
            [Delivery(recipient=recipient, item_key=item.key, alert_email=alert) for item in new]
        )
        shown = new[:MAX_ITEMS_PER_EMAIL]
        outbox = email_send(
            name="alerts-digest",
            to=[recipient.email],
            context={
                "subscription": subscription,
                "stream_title": stream.title,
                "frequency": subscription.get_frequency_display(),
                "items": [
                    {
                        "title": item.title,
                        "url": absolute(item.url),
                        "summary": item.summary,
                        "kind": item.kind,
                    }
                    for item in shown
                ],
                "count": len(new),
                "more": len(new) - len(shown),
                "unsubscribe_url": unsubscribe_url(subscription),
                "manage_url": manage_url(recipient),
            },
            headers=alert_headers(subscription, stream),
        )
        AlertEmail.objects.filter(pk=alert.pk).update(outbox=outbox)
        return "sent"


def alerts_send_batch(*, subscription_ids: Iterable[int], until: datetime) -> dict[str, int]:
    """Dispatch each subscription of a batch in its own transaction. An error in one subscription (a stream
    that fails) is logged and leaves it due for the next run; the others go on."""
    outcomes: dict[str, int] = {}
    for subscription_id in subscription_ids:
        try:
            outcome = subscription_dispatch(subscription_id=subscription_id, until=until)
        except Exception:
            logger.exception("alert of subscription %s not sent", subscription_id)
            outcome = "error"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


# --- Personal data (RGPD) ------------------------------------------------------------------------------------
def _recipients_of(user: User) -> list[Recipient]:
    from .selectors import recipients_of_user

    return list(recipients_of_user(user))


def alerts_export(user: User) -> list[dict]:
    """Subscriptions of the person's addresses, each with its consent ledger."""
    result = []
    for subscription in Subscription.objects.filter(recipient__in=_recipients_of(user)).prefetch_related(
        "events"
    ):
        result.append(
            {
                "email": subscription.recipient.email,
                "stream": subscription.stream,
                "label": subscription.label,
                "params": subscription.params,
                "frequency": subscription.frequency,
                "status": subscription.status,
                "created_at": subscription.created_at.isoformat(),
                "confirmed_at": subscription.confirmed_at.isoformat() if subscription.confirmed_at else None,
                "ended_at": subscription.ended_at.isoformat() if subscription.ended_at else None,
                "consent": [
                    {
                        "event": event.kind,
                        "at": event.created_at.isoformat(),
                        "form": event.source,
                        "consent_text_sha256": event.consent_text_id,
                        "consent_text": event.consent_text.text if event.consent_text_id else None,
                        "detail": event.detail,
                    }
                    for event in subscription.events.select_related("consent_text").order_by(
                        "created_at", "id"
                    )
                ],
            }
        )
    return result


def alerts_erase(user: User) -> None:
    """End the person's subscriptions and anonymise them and their ledger entries (an "erased" entry,
    without the address, records that it happened)."""
    now = timezone.now()
    for recipient in _recipients_of(user):
        for subscription in Subscription.objects.filter(recipient=recipient, status__in=workflow.LIVE):
            subscription_unsubscribe(
                subscription=subscription, source="accounts.erase", now=now, roles=(SYSTEM,)
            )
        ConsentEvent.objects.filter(subscription__recipient=recipient).update(email="")
        Subscription.objects.filter(recipient=recipient).update(label="", params={})
        ConsentEvent.objects.filter(subscription__recipient=recipient).update(params={}, label="")
        for subscription in Subscription.objects.filter(recipient=recipient)[:1]:
            ConsentEvent.objects.create(
                subscription=subscription,
                stream=subscription.stream,
                kind=ConsentEvent.Kind.ERASED,
                source="accounts.erase",
                created_at=now,
            )
        Recipient.objects.filter(pk=recipient.pk).update(email=None, user=None)
