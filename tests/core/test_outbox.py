"""Emails go through an outbox (tierslieux/core/emails.py): stored with what caused them, delivered after
commit, kept and retried with backoff while the SMTP server is down, delivered once it is back — none twice."""

from __future__ import annotations

import email as email_lib
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.utils import timezone

from tierslieux.core.emails import email_send
from tierslieux.core.models import OutboxEmail, OutboxStatus
from tierslieux.core.outbox import backoff, outbox_flush

pytestmark = pytest.mark.django_db(transaction=True)


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[email_lib.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email_lib.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def own_smtp(settings):
    """An SMTP server of this test's own, on a port it can stop and start again."""
    inbox = _Inbox()
    port = _free_port()
    settings.EMAIL_PORT = port
    controllers: list[Controller] = []

    class Server:
        messages = inbox.messages

        def start(self):
            controller = Controller(inbox, hostname="127.0.0.1", port=port)
            controller.start()
            controllers.append(controller)

        def stop(self):
            controllers.pop().stop()

    server = Server()
    server.start()
    yield server
    while controllers:
        controllers.pop().stop()


def _send(name_suffix: str, to: str) -> OutboxEmail:
    with transaction.atomic():
        return email_send(
            name="signup-confirmation",
            to=[to],
            context={"confirmation_path": f"/c/{name_suffix}", "user": {"first_name": "Ana"}},
        )


def test_an_email_is_stored_then_delivered_after_commit(own_smtp):
    row = _send("a", "a@example.org")
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 1 and row.sent_at is not None
    assert [m["To"] for m in own_smtp.messages] == ["a@example.org"]
    assert own_smtp.messages[0]["Message-ID"].startswith(f"<outbox-{row.pk}-")


def test_a_rolled_back_action_stores_and_sends_nothing(own_smtp):
    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012 (our raise rolls the block back)
        email_send(
            name="signup-confirmation",
            to=["b@example.org"],
            context={"confirmation_path": "/c", "user": {"first_name": "Ana"}},
        )
        raise RuntimeError
    assert not OutboxEmail.objects.exists() and not own_smtp.messages


def test_smtp_down_then_back_every_email_arrives_once(own_smtp):
    own_smtp.stop()
    rows = [_send(str(n), f"person{n}@example.org") for n in range(3)]
    for row in rows:
        row.refresh_from_db()
        assert row.status == OutboxStatus.PENDING and row.attempts == 1 and "Error" in row.last_error
    # Still down at the next flush, once the first retry is due: a second attempt, a longer wait.
    first_retry = timezone.now() + backoff(1) + timedelta(seconds=1)
    outbox_flush(now=first_retry)
    assert set(OutboxEmail.objects.values_list("attempts", flat=True)) == {2}
    own_smtp.start()
    # Before the retry time nothing is sent; after it, everything, once.
    assert outbox_flush(now=first_retry + timedelta(seconds=1)) == "nothing due"
    assert outbox_flush(now=first_retry + backoff(2) + timedelta(seconds=1)) == "sent: 3"
    assert outbox_flush(now=first_retry + timedelta(hours=7)) == "nothing due"
    assert sorted(m["To"] for m in own_smtp.messages) == [f"person{n}@example.org" for n in range(3)]
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_a_worker_that_died_mid_send_leaves_a_lease_that_expires(own_smtp):
    own_smtp.stop()
    row = _send("lease", "lease@example.org")
    own_smtp.start()
    now = timezone.now()
    # A worker claimed it and was killed before finishing: another flush leaves it alone until the lease ends.
    OutboxEmail.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING, lease_until=now + timedelta(minutes=5)
    )
    assert outbox_flush(now=now + timedelta(hours=1) - timedelta(minutes=56)) == "nothing due"
    assert outbox_flush(now=now + timedelta(minutes=6)) == "sent: 1"
    assert [m["To"] for m in own_smtp.messages] == ["lease@example.org"]


def test_an_email_is_abandoned_after_the_last_attempt(own_smtp, settings):
    settings.EMAIL_OUTBOX_MAX_ATTEMPTS = 2
    own_smtp.stop()
    row = _send("x", "x@example.org")
    outbox_flush(now=timezone.now() + timedelta(hours=1))
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and row.attempts == 2
    own_smtp.start()
    assert outbox_flush(now=timezone.now() + timedelta(days=1)) == "nothing due"
    assert not own_smtp.messages


def test_extra_headers_reach_the_message(own_smtp):
    with transaction.atomic():
        email_send(
            name="signup-confirmation",
            to=["h@example.org"],
            context={"confirmation_path": "/c", "user": {"first_name": "Ana"}},
            headers={"List-Id": "Actualités <actualites.tiers-lieux.example>"},
        )
    assert own_smtp.messages[0]["List-Id"] == "Actualités <actualites.tiers-lieux.example>"


def test_backoff_grows_and_is_capped():
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(30) == timedelta(hours=6)
