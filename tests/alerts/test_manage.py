"""Managing every subscription of an address: a signed link emailed on request (one an hour, nothing to an
unknown address — the page answers the same), then change a frequency, end one, or delete them all; a
signed-in person finds theirs under "Mes alertes"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.alerts.helpers import active_subscription, links, path_of
from tierslieux.alerts import streams, workflow
from tierslieux.alerts.models import Subscription, Suppression

pytestmark = pytest.mark.django_db
# What differs between two answers of the same page by design: the CSP nonce and the masked CSRF token.
PER_RESPONSE = re.compile(rb'(nonce="|name="csrf-token" content="|name="csrfmiddlewaretoken" value=")[^"]*"')


def _page(response) -> bytes:
    return PER_RESPONSE.sub(rb'\1-"', response.content)


def _manage_link(client, mailbox, captured, email="lea@example.org") -> str:
    with captured(execute=True):
        response = client.post("/alertes/gerer/", {"email": email})
    assert response.status_code == 200 and "Lien envoyé" in response.content.decode()
    [message] = mailbox.wait_for(email)
    [url] = links(mailbox.text(message))
    return path_of(url)


def test_the_management_link_lists_every_subscription_of_the_address(
    client, feed, mailbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    first = active_subscription("lea@example.org", at=now)
    second = active_subscription("lea@example.org", at=now, params={"colour": "rouge"}, frequency="daily")
    active_subscription("autre@example.org", at=now)
    path = _manage_link(client, mailbox, django_capture_on_commit_callbacks)
    page = Client().get(path)
    content = page.content.decode()
    assert page.status_code == 200 and "lea@example.org" in content
    assert "Flux de test rouge" in content and content.count("Me désabonner") == 2
    visitor = Client()
    visitor.get(path)
    visitor.post(path, {"action": "frequency", "subscription": first.pk, "frequency": "immediate"})
    first.refresh_from_db()
    assert first.frequency == "immediate"
    assert first.events.last().kind == "frequency"
    visitor.post(path, {"action": "unsubscribe", "subscription": second.pk})
    second.refresh_from_db()
    assert second.status == workflow.UNSUBSCRIBED
    # A subscription of another address cannot be reached through this link.
    other = Subscription.objects.get(recipient__email="autre@example.org")
    assert visitor.post(path, {"action": "unsubscribe", "subscription": other.pk}).status_code == 404
    visitor.post(path, {"action": "unsubscribe_all"})
    first.refresh_from_db()
    assert first.status == workflow.UNSUBSCRIBED
    assert Suppression.objects.filter(reason=Suppression.Reason.UNSUBSCRIBED).count() == 1
    other.refresh_from_db()
    assert other.status == workflow.ACTIVE


def test_the_management_link_is_sent_once_an_hour_and_never_to_an_unknown_address(
    client, feed, mailbox, django_capture_on_commit_callbacks
):
    active_subscription("lea@example.org", at=timezone.now())
    _manage_link(client, mailbox, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/alertes/gerer/", {"email": "lea@example.org"})
        unknown = client.post("/alertes/gerer/", {"email": "inconnue@example.org"})
    assert _page(again) == _page(unknown)  # the same answer either way
    assert len(mailbox.to("lea@example.org")) == 1 and mailbox.to("inconnue@example.org") == []


def test_a_bad_address_on_the_request_form_is_a_400(client):
    response = client.post("/alertes/gerer/", {"email": "pas-une-adresse"})
    assert response.status_code == 400 and 'value="pas-une-adresse"' in response.content.decode()


def test_a_forged_or_expired_management_link_is_a_400(client, feed):
    from unittest import mock

    from tierslieux.alerts import tokens

    subscription = active_subscription("lea@example.org", at=timezone.now())
    token = tokens.manage_token(subscription.recipient)
    assert client.get(f"/alertes/gerer/{token}/").status_code == 200
    assert client.get(f"/alertes/gerer/{token[:-2]}xx/").status_code == 400
    later = timezone.now().timestamp() + 31 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.get(f"/alertes/gerer/{token}/").status_code == 400


def test_my_alerts_needs_an_account_and_shows_only_mine(client_for, plain_user, feed):
    active_subscription(plain_user.email, at=timezone.now())
    active_subscription("autre@example.org", at=timezone.now(), params={"colour": "rouge"})
    anonymous = client_for(None).get("/alertes/mes-alertes/")
    assert anonymous.status_code == 302 and "/comptes/connexion/" in anonymous["Location"]
    content = client_for(plain_user).get("/alertes/mes-alertes/").content.decode()
    assert "Flux de test" in content and "Flux de test rouge" not in content


def test_the_alerts_index_lists_the_public_streams(client, feed):
    content = client.get("/alertes/").content.decode()
    assert "Flux de test" in content and "Nouveaux articles" in content
    assert "Réponses à mon commentaire" not in content  # not offered: created by the comment form
    assert {"news.articles", "places.saved_search", "calls.calls", "calls.territory"} <= set(streams.STREAMS)


def test_old_ledger_addresses_are_blanked_after_the_retention_period(feed):
    from tierslieux.alerts import services
    from tierslieux.alerts.models import ConsentEvent

    long_ago = timezone.now() - timedelta(days=4 * 365)
    subscription = active_subscription("lea@example.org", at=long_ago)
    services.subscription_unsubscribe(subscription=subscription, source="t", now=long_ago + timedelta(days=1))
    recent = active_subscription("recent@example.org", at=timezone.now())
    services.retention_apply(now=timezone.now())
    assert set(ConsentEvent.objects.filter(subscription=subscription).values_list("email", flat=True)) == {""}
    assert ConsentEvent.objects.filter(subscription=recent).exclude(email="").count() == 2
    subscription.recipient.refresh_from_db()
    assert subscription.recipient.email is None
