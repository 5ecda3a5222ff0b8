"""Read one inbound email on stdin (a mail-server pipe, e.g. a Postfix alias
`desinscription: "|/srv/tierslieux/.venv/bin/python /srv/tierslieux/manage.py alerts_inbound"`):

- an unsubscribe request sent to the `mailto:` of `List-Unsubscribe` (its subject holds the signed token):
  the subscription ends;
- a delivery status notification (RFC 3464, `multipart/report; report-type=delivery-status`) with a permanent
  failure (`Action: failed`, status 5.x.x): the address is put on the suppression list.

Anything else is ignored. Prints what it did (operator output)."""

from __future__ import annotations

import email
import email.policy
import re
import sys

from django.core.management.base import BaseCommand

from tierslieux.alerts import services, tokens

TOKEN = re.compile(r"unsubscribe\s+(\S+)", re.IGNORECASE)


def failed_recipients(message) -> list[str]:
    """Final recipients of the permanent failures of a delivery status notification."""
    if message.get_content_type() != "multipart/report":
        return []
    found = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in part.get_payload():
            action = str(block.get("Action", "")).strip().lower()
            status = str(block.get("Status", "")).strip()
            recipient = str(block.get("Final-Recipient", "")).split(";")[-1].strip()
            if action == "failed" and status.startswith("5") and "@" in recipient:
                found.append(recipient)
    return found


class Command(BaseCommand):
    help = "Traite un courriel entrant (désabonnement par mailto, rebond permanent) lu sur l’entrée standard."

    def handle(self, *args, **options):
        message = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
        bounced = failed_recipients(message)
        for address in bounced:
            services.address_bounced(email=address)
            self.stdout.write(f"rebond : adresse exclue ({address})")
        if bounced:
            return
        match = TOKEN.search(str(message.get("Subject", "")))
        subscription = tokens.read_unsubscribe_token(match.group(1)) if match else None
        if subscription is None:
            self.stdout.write("ignoré : ni désabonnement ni rebond reconnu")
            return
        services.subscription_unsubscribe(subscription=subscription, source="alerts.mailto")
        self.stdout.write(f"désabonnement : abonnement {subscription.pk}")
