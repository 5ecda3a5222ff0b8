"""Subscribing without an account: double opt-in whose email link opens a page with a button (a GET never
confirms), one confirmation email per address and hour, expiry after 7 days, the consent ledger."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from tests.alerts.helpers import links, path_of
from tierslieux.alerts import services, tokens, workflow
from tierslieux.alerts.models import ConsentEvent, ConsentText, Subscription, Suppression
from tierslieux.core.errors import ServiceError
from tierslieux.core.jobs import run_job

pytestmark = pytest.mark.django_db


def _subscribe(client, email="lea@example.org", **extra):
    data = {
        "email": email,
        "frequency": "weekly",
        "consent": "on",
        "stream": "tests.feed",
        "params": '{"colour": "bleu"}',
        "source": "tests.box",
        **extra,
    }
    return client.post("/alertes/abonnement/", data)


def test_subscribing_without_an_account_sends_one_confirmation_and_a_get_never_confirms(
    client, feed, consent, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client)
    assert response.status_code == 302 and response["Location"] == "/alertes/abonnement/envoye/"
    assert "Confirmez votre alerte" in client.get(response["Location"]).content.decode()
    subscription = Subscription.objects.get()
    assert subscription.status == workflow.PENDING and subscription.params == {"colour": "bleu"}
    assert subscription.expires_at - subscription.created_at == timedelta(days=7)
    [message] = mailbox.wait_for("lea@example.org")
    assert message["Subject"] == "Confirmez vos alertes Tiers-Lieux"
    text = mailbox.text(message)
    assert "Flux de test bleu" in text
    [confirm_url] = links(text)
    # A mail scanner opens the link: nothing is confirmed.
    page = Client().get(path_of(confirm_url))
    assert page.status_code == 200 and "Flux de test bleu" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == workflow.PENDING
    # The person presses the button.
    scanner_free = Client()
    scanner_free.get(path_of(confirm_url))
    confirmed = scanner_free.post(path_of(confirm_url))
    assert confirmed.status_code == 200 and "1 alerte confirmée" in confirmed.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == workflow.ACTIVE
    assert subscription.confirmed_at is not None and subscription.covered_until == subscription.confirmed_at
    # The ledger: request (with the form and the hash of the consent text shown), then confirmation.
    requested, confirmation = ConsentEvent.objects.order_by("created_at", "id")
    assert (requested.kind, requested.source, requested.email) == (
        "requested",
        "tests.box",
        "lea@example.org",
    )
    assert requested.consent_text_id == hashlib.sha256(" ".join(consent.split()).encode()).hexdigest()
    assert ConsentText.objects.get(pk=requested.consent_text_id).text == " ".join(consent.split())
    assert (confirmation.kind, confirmation.created_at) == ("confirmed", subscription.confirmed_at)


def test_a_second_request_within_the_hour_sends_no_second_email_and_the_first_link_confirms_both(
    client, feed, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client)
        _subscribe(client, params='{"colour": "rouge"}')
    assert len(mailbox.wait_for("lea@example.org")) == 1
    assert Subscription.objects.filter(status=workflow.PENDING).count() == 2
    [confirm_url] = links(mailbox.text(mailbox.to("lea@example.org")[0]))
    Client().post(path_of(confirm_url))
    assert Subscription.objects.filter(status=workflow.ACTIVE).count() == 2


def test_after_an_hour_a_new_request_sends_a_new_email(
    feed, consent, mailbox, django_capture_on_commit_callbacks
):
    start = timezone.now() - timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.subscription_request(
            email="lea@example.org", stream_key="tests.feed", params={}, frequency="daily", source="t",
            consent_text=consent, now=start,
        )  # fmt: skip
        again = services.subscription_request(
            email="lea@example.org", stream_key="tests.feed", params={}, frequency="daily", source="t",
            consent_text=consent, now=start + timedelta(minutes=59),
        )  # fmt: skip
        later = services.subscription_request(
            email="lea@example.org", stream_key="tests.feed", params={}, frequency="weekly", source="t",
            consent_text=consent, now=start + timedelta(minutes=61),
        )  # fmt: skip
    assert (first.emailed, again.emailed, later.emailed) == (True, False, True)
    assert len(mailbox.wait_for("lea@example.org", count=2)) == 2
    # The same stream and parameters: one subscription, its frequency changed (and logged).
    subscription = Subscription.objects.get()
    assert subscription.frequency == "weekly"
    assert list(subscription.events.values_list("kind", flat=True)) == ["requested", "frequency"]


def test_a_suppressed_address_is_never_mailed(client, feed, mailbox, django_capture_on_commit_callbacks):
    services.suppression_add(email="Lea@Example.org", reason=Suppression.Reason.BOUNCED)
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client)
    assert response.status_code == 302  # the same answer: nothing tells whether the address is known
    assert mailbox.to("lea@example.org") == []
    assert Suppression.objects.get().address_hash == hashlib.sha256(b"lea@example.org").hexdigest()


def test_a_signed_in_person_subscribing_their_own_address_is_confirmed_at_once(
    client_for, plain_user, feed, mailbox, django_capture_on_commit_callbacks
):
    client = client_for(plain_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client, email=plain_user.email)
    assert "Votre alerte est active" in client.get(response["Location"]).content.decode()
    subscription = Subscription.objects.get()
    assert subscription.status == workflow.ACTIVE and subscription.recipient.user == plain_user
    assert mailbox.to(plain_user.email) == []
    assert "Flux de test bleu" in client.get("/alertes/mes-alertes/").content.decode()


def test_another_address_of_a_signed_in_person_still_needs_its_confirmation(
    client_for, plain_user, feed, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client_for(plain_user), email="autre@example.org")
    assert Subscription.objects.get().status == workflow.PENDING
    assert len(mailbox.wait_for("autre@example.org")) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "pas-une-adresse"}, "Saisissez une adresse électronique valide"),
        ({"consent": ""}, "Ce champ est obligatoire"),
        ({"params": '{"colour": "vert"}'}, "Couleur inconnue."),
        ({"frequency": "hourly"}, "Sélectionnez un choix valide"),
        ({"params": "pas du json"}, "Les paramètres de l’alerte sont illisibles"),
    ],
)
def test_bad_input_is_a_400_that_keeps_what_was_typed(client, feed, changes, message):
    response = _subscribe(client, **{"email": "lea@example.org", **changes})
    content = response.content.decode()
    assert response.status_code == 400 and message in content
    assert Subscription.objects.count() == 0
    if "email" in changes:
        assert 'value="pas-une-adresse"' in content


def test_an_unknown_stream_is_a_400(client, feed):
    assert _subscribe(client, stream="tests.inconnu").status_code == 400
    assert client.get("/alertes/abonnement/?stream=tests.inconnu").status_code == 400
    assert client.get("/alertes/abonnement/?stream=tests.feed&colour=vert").status_code == 400


def test_the_subscription_page_describes_the_alert_from_the_query(client, feed):
    response = client.get("/alertes/abonnement/?stream=tests.feed&colour=rouge&source=places.atlas")
    content = response.content.decode()
    assert response.status_code == 200 and "Flux de test rouge" in content
    assert 'value="places.atlas"' in content and "désabonner à tout moment" in content


def test_too_many_requests_from_one_connection_is_a_429(client, feed, settings):
    from tierslieux.alerts import views

    with mock.patch.object(views, "SUBSCRIBE_LIMIT", 2):
        assert _subscribe(client, email="a@example.org").status_code == 302
        assert _subscribe(client, email="b@example.org").status_code == 302
        response = _subscribe(client, email="c@example.org")
    assert response.status_code == 429 and "Trop de demandes" in response.content.decode()


def test_unconfirmed_subscriptions_expire_after_seven_days(feed, consent):
    start = (timezone.now() - timedelta(days=8)).replace(microsecond=0)
    outcome = services.subscription_request(
        email="lea@example.org", stream_key="tests.feed", params={}, frequency="daily", source="t",
        consent_text=consent, now=start, send_confirmation=False,
    )  # fmt: skip
    assert run_job("alerts.expire_pending", now=start + timedelta(days=6)) == "0 demande(s) expirée(s)"
    assert run_job("alerts.expire_pending", now=start + timedelta(days=7)) == "1 demande(s) expirée(s)"
    subscription = Subscription.objects.get()
    assert subscription.status == workflow.EXPIRED
    assert list(subscription.events.values_list("kind", flat=True)) == ["requested", "expired"]
    # Its link confirms nothing any more.
    assert services.subscriptions_confirm(recipient=outcome.subscription.recipient) == []


def test_confirmation_links_are_signed_and_expire_after_seven_days(client, feed, consent):
    outcome = services.subscription_request(
        email="lea@example.org", stream_key="tests.feed", params={}, frequency="daily", source="t",
        consent_text=consent, send_confirmation=False,
    )  # fmt: skip
    token = tokens.confirm_token(outcome.subscription.recipient)
    assert client.get(f"/alertes/confirmer/{token}x/").status_code == 400
    later = timezone.now().timestamp() + 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(f"/alertes/confirmer/{token}/")
    assert response.status_code == 400 and "Lien invalide" in response.content.decode()
    assert Subscription.objects.get().status == workflow.PENDING


def test_the_consent_ledger_is_append_only(feed, consent):
    services.subscription_request(
        email="lea@example.org", stream_key="tests.feed", params={}, frequency="daily", source="t",
        consent_text=consent, send_confirmation=False,
    )  # fmt: skip
    event = ConsentEvent.objects.get()
    event.source = "autre"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_a_stream_refusing_its_parameters_refuses_the_request(feed, consent):
    with pytest.raises(ServiceError, match="Couleur inconnue"):
        services.subscription_request(
            email="lea@example.org", stream_key="tests.feed", params={"colour": "vert"}, frequency="daily",
            source="t", consent_text=consent,
        )  # fmt: skip
