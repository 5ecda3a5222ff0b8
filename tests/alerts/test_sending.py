"""Sending alerts: digests by frequency with only what is new since the last email to the address, nothing
when nothing is new, batches from the scheduler, resumable after a crash, and the headers of every alert
email (List-Unsubscribe with an HTTPS URL and a mailto, RFC 8058 one click, List-Id per stream)."""

from __future__ import annotations

import email.utils
import re
from datetime import datetime, timedelta
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from tests.alerts.helpers import active_subscription, path_of
from tierslieux.alerts import services, workflow
from tierslieux.alerts.models import AlertEmail, ConsentEvent, Delivery, Subscription, Suppression
from tierslieux.core.jobs import run_job

pytestmark = pytest.mark.django_db(transaction=True)

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 3, 2, 7, 0, tzinfo=PARIS)  # a Monday: the weekly digest


def _titles(mailbox, message) -> list[str]:
    return re.findall(r"^(item-[\w-]+)\s*$", mailbox.text(message), flags=re.MULTILINE)


def test_a_weekly_digest_sends_only_what_is_new_since_the_last_email_and_nothing_when_nothing_is(
    feed, mailbox
):
    active_subscription("lea@example.org", at=MONDAY - timedelta(days=10))
    feed.add("item-a", MONDAY - timedelta(days=12))  # before the subscription: never sent
    feed.add("item-b", MONDAY - timedelta(days=3))
    feed.add("item-c", MONDAY - timedelta(hours=1))
    assert run_job("alerts.send_weekly", now=MONDAY) == "1 abonnement(s) en 1 lot(s)"
    [first] = mailbox.wait_for("lea@example.org")
    assert _titles(mailbox, first) == ["item-b", "item-c"]
    assert first["Subject"] == "2 nouveautés — Flux de test"
    feed.add("item-d", MONDAY + timedelta(days=2))
    run_job("alerts.send_weekly", now=MONDAY + timedelta(days=7))
    second = mailbox.wait_for("lea@example.org", count=2)[1]
    assert _titles(mailbox, second) == ["item-d"] and second["Subject"] == "1 nouveauté — Flux de test"
    run_job("alerts.send_weekly", now=MONDAY + timedelta(days=14))  # nothing new: no email
    assert len(mailbox.to("lea@example.org")) == 2
    assert AlertEmail.objects.count() == 2
    assert Subscription.objects.get().covered_until == MONDAY + timedelta(days=14)


def test_each_frequency_has_its_job(feed, mailbox):
    active_subscription("jour@example.org", at=MONDAY - timedelta(days=2), frequency="daily")
    active_subscription("semaine@example.org", at=MONDAY - timedelta(days=2), frequency="weekly")
    active_subscription("vite@example.org", at=MONDAY - timedelta(days=2), frequency="immediate")
    feed.add("item-a", MONDAY - timedelta(minutes=3))
    assert run_job("alerts.send_immediate", now=MONDAY) == "1 abonnement(s) en 1 lot(s)"
    mailbox.wait_for("vite@example.org")
    assert mailbox.to("jour@example.org") == [] and mailbox.to("semaine@example.org") == []
    run_job("alerts.send_daily", now=MONDAY)
    mailbox.wait_for("jour@example.org")
    assert mailbox.to("semaine@example.org") == []


def test_an_item_found_by_two_subscriptions_of_an_address_is_mailed_once(feed, mailbox):
    active_subscription("lea@example.org", at=MONDAY - timedelta(days=2), frequency="immediate")
    active_subscription(
        "lea@example.org", at=MONDAY - timedelta(days=2), frequency="daily", params={"colour": "bleu"}
    )
    feed.add("item-a", MONDAY - timedelta(minutes=3))
    run_job("alerts.send_immediate", now=MONDAY)
    run_job("alerts.send_daily", now=MONDAY + timedelta(minutes=1))
    assert len(mailbox.wait_for("lea@example.org")) == 1
    assert Delivery.objects.filter(item_key="item-a").count() == 1


def test_an_item_committed_late_is_still_sent_once(feed, mailbox):
    """A run covers up to its time, but an item dated just before may become visible only after it (a long
    transaction): the next run looks back `ALERTS_LOOKBACK_MINUTES` and sends it, once."""
    active_subscription("lea@example.org", at=MONDAY - timedelta(days=1), frequency="immediate")
    feed.add("item-a", MONDAY - timedelta(minutes=2))
    run_job("alerts.send_immediate", now=MONDAY)
    feed.add("item-late", MONDAY - timedelta(minutes=1))  # dated before the first run, seen after it
    run_job("alerts.send_immediate", now=MONDAY + timedelta(minutes=5))
    messages = mailbox.wait_for("lea@example.org", count=2)
    assert [_titles(mailbox, m) for m in messages] == [["item-a"], ["item-late"]]


class SimulatedCrash(BaseException):
    """The worker dies (not an error a batch would catch)."""


def test_a_crash_mid_batch_never_sends_twice_nor_skips(feed, mailbox, monkeypatch):
    for name in ("un", "deux", "trois"):
        active_subscription(f"{name}@example.org", at=MONDAY - timedelta(days=3), frequency="daily")
    feed.add("item-a", MONDAY - timedelta(days=1))
    feed.add("item-b", MONDAY - timedelta(hours=2))
    ids = list(Subscription.objects.order_by("pk").values_list("pk", flat=True))
    real_send, sent = services.email_send, []

    def crashing_send(**kwargs):
        if len(sent) == 1:
            raise SimulatedCrash
        sent.append(kwargs["to"])
        return real_send(**kwargs)

    monkeypatch.setattr(services, "email_send", crashing_send)
    with pytest.raises(SimulatedCrash):
        services.alerts_send_batch(subscription_ids=ids, until=MONDAY)
    assert len(mailbox.wait_for("un@example.org")) == 1
    assert mailbox.to("deux@example.org") == [] and mailbox.to("trois@example.org") == []
    # The crashed subscription kept nothing of its half-done work.
    assert not Delivery.objects.filter(recipient__email="deux@example.org").exists()
    assert Subscription.objects.get(recipient__email="deux@example.org").covered_until < MONDAY
    monkeypatch.setattr(services, "email_send", real_send)
    # The batch is retried (the task's retry) and the next day's job runs: each item reaches each address once.
    services.alerts_send_batch(subscription_ids=ids, until=MONDAY)
    feed.add("item-c", MONDAY + timedelta(hours=3))
    run_job("alerts.send_daily", now=MONDAY + timedelta(days=1))
    for name in ("un", "deux", "trois"):
        messages = mailbox.wait_for(f"{name}@example.org", count=2)
        assert [_titles(mailbox, m) for m in messages] == [["item-a", "item-b"], ["item-c"]]
    assert Delivery.objects.count() == 9


def test_due_subscriptions_are_enqueued_in_batches(feed, mailbox, settings):
    settings.ALERTS_BATCH_SIZE = 2
    for number in range(5):
        active_subscription(f"p{number}@example.org", at=MONDAY - timedelta(days=1), frequency="daily")
    feed.add("item-a", MONDAY - timedelta(hours=1))
    assert run_job("alerts.send_daily", now=MONDAY) == "5 abonnement(s) en 3 lot(s)"
    for number in range(5):
        mailbox.wait_for(f"p{number}@example.org")


def test_a_suppressed_address_gets_no_alert(feed, mailbox):
    active_subscription("lea@example.org", at=MONDAY - timedelta(days=1), frequency="daily")
    services.suppression_add(email="lea@example.org", reason=Suppression.Reason.BOUNCED)
    feed.add("item-a", MONDAY - timedelta(hours=1))
    run_job("alerts.send_daily", now=MONDAY)
    assert mailbox.to("lea@example.org") == []
    assert Subscription.objects.get().covered_until == MONDAY


def _alert_email(feed, mailbox, settings):
    settings.SITE_URL = "https://tiers-lieux.example"
    subscription = active_subscription("lea@example.org", at=MONDAY - timedelta(days=1), frequency="daily")
    feed.add("item-a", MONDAY - timedelta(hours=1))
    run_job("alerts.send_daily", now=MONDAY)
    [message] = mailbox.wait_for("lea@example.org")
    return subscription, message


def test_every_alert_email_carries_the_unsubscribe_headers_and_a_list_id(feed, mailbox, settings):
    _subscription, message = _alert_email(feed, mailbox, settings)
    https, mailto = [part.strip().strip("<>") for part in message["List-Unsubscribe"].split(",")]
    assert https.startswith("https://tiers-lieux.example/alertes/desinscription/")
    assert mailto.startswith("mailto:desinscription@tiers-lieux.example?subject=unsubscribe%20")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "Flux de test <tests-feed.alertes.tiers-lieux.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert https in mailbox.text(message)  # the same link in the body


def test_a_mail_provider_unsubscribes_with_one_post_without_cookie_nor_csrf_token(feed, mailbox, settings):
    subscription, message = _alert_email(feed, mailbox, settings)
    url = message["List-Unsubscribe"].split(",")[0].strip().strip("<>")
    provider = Client(enforce_csrf_checks=True)  # no session, no cookie, no CSRF token: only the URL
    response = provider.post(
        path_of(url), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and not response.cookies.get("csrftoken")
    subscription.refresh_from_db()
    assert subscription.status == workflow.UNSUBSCRIBED and subscription.ended_at is not None
    event = ConsentEvent.objects.filter(subscription=subscription).last()
    assert (event.kind, event.source) == ("unsubscribed", "alerts.one_click")
    # Posting again is harmless.
    assert (
        provider.post(
            path_of(url), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )


def test_opening_the_unsubscribe_link_only_shows_the_button(feed, mailbox, settings):
    subscription, message = _alert_email(feed, mailbox, settings)
    url = message["List-Unsubscribe"].split(",")[0].strip().strip("<>")
    response = Client().get(path_of(url))
    assert response.status_code == 200 and "Me désabonner" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == workflow.ACTIVE


def test_a_forged_or_altered_unsubscribe_token_is_refused(feed, mailbox, settings):
    subscription, message = _alert_email(feed, mailbox, settings)
    url = message["List-Unsubscribe"].split(",")[0].strip().strip("<>")
    forged = url.replace(f"/desinscription/{subscription.pk}.", f"/desinscription/{subscription.pk + 1}.")
    assert (
        Client()
        .post(path_of(forged), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        .status_code
        == 400
    )
    assert Client().post("/alertes/desinscription/n-importe-quoi/").status_code == 400
    subscription.refresh_from_db()
    assert subscription.status == workflow.ACTIVE


def test_unsubscribing_from_everything_suppresses_the_address(feed, mailbox, settings):
    _subscription, message = _alert_email(feed, mailbox, settings)
    url = message["List-Unsubscribe"].split(",")[0].strip().strip("<>")
    response = Client().post(path_of(url), {"all": "1"})
    assert "toutes les alertes" in response.content.decode()
    assert Suppression.objects.get().reason == Suppression.Reason.UNSUBSCRIBED
    # A new request from a form sends nothing to it any more.
    services.subscription_request(
        email="lea@example.org", stream_key="tests.feed", params={"colour": "rouge"}, frequency="daily",
        source="t", consent_text="texte",
    )  # fmt: skip
    assert len(mailbox.to("lea@example.org")) == 1


def test_the_mailto_unsubscribes_through_the_inbound_command(feed, mailbox, settings):
    import io
    import sys
    from email.message import EmailMessage

    from django.core.management import call_command

    subscription, message = _alert_email(feed, mailbox, settings)
    mailto = message["List-Unsubscribe"].split(",")[1].strip().strip("<>")
    address, query = mailto.removeprefix("mailto:").split("?", 1)
    request = EmailMessage()
    request["From"], request["To"] = "lea@example.org", address
    request["Subject"] = unquote(query.removeprefix("subject="))
    request.set_content("")
    stdin = io.TextIOWrapper(io.BytesIO(request.as_bytes()))
    out = io.StringIO()
    original, sys.stdin = sys.stdin, stdin
    try:
        call_command("alerts_inbound", stdout=out)
    finally:
        sys.stdin = original
    assert "désabonnement" in out.getvalue()
    subscription.refresh_from_db()
    assert subscription.status == workflow.UNSUBSCRIBED
    assert subscription.events.last().source == "alerts.mailto"


def test_a_permanent_bounce_suppresses_the_address(feed, mailbox, settings):
    import io
    import sys

    from django.core.management import call_command

    subscription, _message = _alert_email(feed, mailbox, settings)
    dsn = (
        "From: MAILER-DAEMON@mx.example.org\r\nTo: desinscription@tiers-lieux.example\r\n"
        f"Date: {email.utils.formatdate()}\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n"
        "Final-Recipient: rfc822; lea@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--B--\r\n"
    )
    original, sys.stdin = sys.stdin, io.TextIOWrapper(io.BytesIO(dsn.encode()))
    try:
        call_command("alerts_inbound", stdout=io.StringIO())
    finally:
        sys.stdin = original
    subscription.refresh_from_db()
    assert subscription.status == workflow.UNSUBSCRIBED
    assert Suppression.objects.get().reason == Suppression.Reason.BOUNCED
