"""Comments: name, email (never shown), optional website; anti-spam without a third party; a first comment
of an address held for moderation, an anonymous one confirmed by email first, trusted authors published at
once; replies one level deep; edits for 15 minutes; reports; the moderation queue by role; reply
notifications through the alerts, with the same one-click unsubscribe."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from tests.alerts.helpers import path_of
from tests.factories.news import CommentFactory
from tierslieux.alerts import workflow as alert_workflow
from tierslieux.core.jobs import run_job
from tierslieux.news import services, workflow
from tierslieux.news.forms import STARTED_SALT
from tierslieux.news.models import Comment, CommentReport

pytestmark = pytest.mark.django_db
CONFIRM = re.compile(r"https?://\S+/actualites/commentaires/\d+/confirmer/\S+/")


def _form(client, article, **changes):
    page = client.get(article.get_absolute_url()).content.decode()
    found = re.search(r'name="started" value="([^"]+)"', page)
    started = found.group(1) if found else signing.dumps(time.time() - 60, salt=STARTED_SALT)
    return {
        "name": "Léa",
        "email": "lea@example.org",
        "website": "",
        "body": "Un commentaire.",
        "started": started,
        **changes,
    }


def _post(client, article, **changes):
    return client.post(f"{article.get_absolute_url()}commentaires/", _form(client, article, **changes))


def _confirm_link(mailbox, address="lea@example.org") -> str:
    [message] = mailbox.wait_for(address)
    return path_of(CONFIRM.search(mailbox.text(message)).group(0))


def test_an_anonymous_comment_is_confirmed_by_email_then_held_for_moderation_then_approved(
    client, article, editor, client_for, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, article, website="https://lea.example.org")
    assert response.status_code == 302 and response["Location"].endswith("#commentaires")
    comment = Comment.objects.get()
    assert comment.status == workflow.UNCONFIRMED
    message = mailbox.to("lea@example.org")[0]
    assert message["Subject"].strip() == "Confirmez votre commentaire sur « Les Fabriques de territoire »"
    link = _confirm_link(mailbox)
    assert Client().get(link).status_code == 200  # a mail scanner: nothing confirmed
    comment.refresh_from_db()
    assert comment.status == workflow.UNCONFIRMED
    assert "Merci : votre commentaire est confirmé" in Client().post(link).content.decode()
    comment.refresh_from_db()
    assert comment.status == workflow.PENDING  # a first comment from this address
    assert (
        "Un commentaire."
        not in client.get(article.get_absolute_url()).content.decode().split('id="my-waiting"')[0]
    )
    queue = client_for(editor).get("/actualites/moderation/").content.decode()
    assert "Un commentaire." in queue and "À modérer (1)" in queue
    assert "lea@example.org" not in queue  # never shown, not even to moderators
    client_for(editor).post(f"/actualites/moderation/{comment.pk}/", {"action": "approve"})
    page = client_for(None).get(article.get_absolute_url()).content.decode()
    assert "Un commentaire." in page and "lea@example.org" not in page
    assert '<a href="https://lea.example.org" rel="nofollow ugc noopener">Léa</a>' in page
    assert "1 commentaire publié." in page


def test_an_address_with_an_approved_comment_publishes_after_its_confirmation(
    client, article, mailbox, django_capture_on_commit_callbacks
):
    CommentFactory(article=article, author_email="lea@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, article, body="Deuxième commentaire.")
    Client().post(_confirm_link(mailbox))
    assert Comment.objects.get(body="Deuxième commentaire.").status == workflow.APPROVED


def test_signed_in_authors_wait_for_their_first_approval_then_publish_at_once(
    client_for, plain_user, article, editor, mailbox
):
    client = client_for(plain_user)
    form = _form(client, article)
    assert 'name="email"' not in client.get(article.get_absolute_url()).content.decode()
    client.post(f"{article.get_absolute_url()}commentaires/", form)
    first = Comment.objects.get()
    assert (first.status, first.author_email, first.user) == (workflow.PENDING, plain_user.email, plain_user)
    assert mailbox.to(plain_user.email) == []  # no confirmation email: the account's address is confirmed
    services.comment_moderate(comment=first, user=editor, action="approve")
    response = _post(client, article, body="Et un autre.")
    assert response.status_code == 302 and "#commentaire-" in response["Location"]
    assert Comment.objects.get(body="Et un autre.").status == workflow.APPROVED


def test_the_honeypot_refuses_robots_and_keeps_the_text(client, article):
    response = _post(client, article, remarque="https://spam.example", body="Texte gardé")
    assert response.status_code == 400 and Comment.objects.count() == 0
    content = response.content.decode()
    assert "n’a pas pu être enregistré" in content and "Texte gardé" in content


def test_a_form_sent_too_fast_is_refused(client, article, settings):
    settings.NEWS_COMMENT_MIN_SECONDS = 3
    response = _post(client, article)
    assert response.status_code == 400 and "envoyé trop vite" in response.content.decode()
    later = timezone.now().timestamp() + 5
    form = _form(client, article)
    with mock.patch("tierslieux.news.forms.time.time", return_value=later):
        assert client.post(f"{article.get_absolute_url()}commentaires/", form).status_code == 302


def test_a_forged_start_time_is_refused(client, article):
    response = _post(client, article, started="123.0")
    assert response.status_code == 400 and "Le formulaire a expiré" in response.content.decode()


def test_comments_are_rate_limited_per_address_and_per_client_ip(client, article):
    for number in range(5):
        assert _post(client, article, email=f"p{number}@example.org").status_code == 302
    response = _post(client, article, email="p9@example.org")
    assert response.status_code == 429 and "Trop de commentaires" in response.content.decode()
    other_ip = Client(REMOTE_ADDR="10.0.0.2")
    for number in range(5):
        assert _post(other_ip, article, email="meme@example.org", body=f"n°{number}").status_code == 302
    assert _post(Client(REMOTE_ADDR="10.0.0.3"), article, email="meme@example.org").status_code == 429


def test_links_are_limited_and_marked_nofollow_ugc(client, article, editor):
    three = "https://a.example https://b.example https://c.example"
    response = _post(client, article, body=three)
    assert response.status_code == 400 and "au plus 2 liens" in response.content.decode()
    comment = CommentFactory(article=article, body="Voir https://a.example et <b>www.b.example</b>")
    page = client.get(article.get_absolute_url()).content.decode()
    html = page.split(f'id="commentaire-{comment.pk}"')[1].split("</div>")[1]
    assert '<a href="https://a.example" rel="nofollow ugc noopener">https://a.example</a>' in page
    assert "&lt;b&gt;" in page and "<b>www" not in html


def test_replies_are_one_level_deep(client, article, mailbox, django_capture_on_commit_callbacks):
    parent = CommentFactory(article=article)
    reply = CommentFactory(article=article, parent=parent)
    _post(client, article, parent=reply.pk, body="Réponse à une réponse")
    assert Comment.objects.get(body="Réponse à une réponse").parent == parent
    pending = CommentFactory(article=article, status=workflow.PENDING, published_at=None)
    response = _post(client, article, parent=pending.pk, body="Réponse impossible")
    assert response.status_code == 400 and "n’est plus publié" in response.content.decode()
    page = client.get(f"{article.get_absolute_url()}?reponse={parent.pk}").content.decode()
    assert f'value="{parent.pk}"' in page and "Répondre à " in page


def test_the_author_edits_or_deletes_within_15_minutes_and_nobody_else(client, article):
    _post(client, article)
    comment = Comment.objects.get()
    other = Client()
    assert other.get(f"/actualites/commentaires/{comment.pk}/modifier/").status_code == 403
    assert other.post(f"/actualites/commentaires/{comment.pk}/supprimer/").status_code == 403
    assert "Modifier" in client.get(article.get_absolute_url()).content.decode().split('id="my-waiting"')[1]
    response = client.post(
        f"/actualites/commentaires/{comment.pk}/modifier/", {"name": "Léa", "website": "", "body": "Corrigé."}
    )
    comment.refresh_from_db()
    assert response.status_code == 302 and comment.body == "Corrigé." and comment.edited_at is not None
    assert (
        client.post(f"/actualites/commentaires/{comment.pk}/modifier/", {"name": "", "body": ""}).status_code
        == 400
    )
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    assert client.get(f"/actualites/commentaires/{comment.pk}/modifier/").status_code == 403
    assert client.post(f"/actualites/commentaires/{comment.pk}/supprimer/").status_code == 403
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now())
    client.post(f"/actualites/commentaires/{comment.pk}/supprimer/")
    comment.refresh_from_db()
    assert comment.status == workflow.DELETED


def test_anyone_reports_a_comment_and_moderators_see_it(client, article, client_for, editor):
    comment = CommentFactory(article=article, body="Achetez mes produits")
    assert client.get(f"/actualites/commentaires/{comment.pk}/signaler/").status_code == 200
    assert (
        client.post(f"/actualites/commentaires/{comment.pk}/signaler/", {"reason": "inconnu"}).status_code
        == 400
    )
    client.post(
        f"/actualites/commentaires/{comment.pk}/signaler/", {"reason": "spam", "message": "Publicité"}
    )
    assert CommentReport.objects.get().reason == "spam"
    queue = client_for(editor).get("/actualites/moderation/?file=reported").content.decode()
    assert "Signalés (1)" in queue and "Achetez mes produits" in queue and "1 signalement" in queue
    client_for(editor).post(
        f"/actualites/moderation/{comment.pk}/", {"action": "dismiss", "file": "reported"}
    )
    assert "Signalés (0)" in client_for(editor).get("/actualites/moderation/").content.decode()
    pending = CommentFactory(article=article, status=workflow.PENDING, published_at=None)
    assert client.get(f"/actualites/commentaires/{pending.pk}/signaler/").status_code == 404


def test_moderators_reject_with_a_reason_mark_spam_and_close_comments(
    client_for, editor, plain_user, article
):
    first = CommentFactory(article=article, status=workflow.PENDING, published_at=None)
    second = CommentFactory(article=article, status=workflow.PENDING, published_at=None)
    moderator = client_for(editor)
    assert (
        client_for(plain_user).post(f"/actualites/moderation/{first.pk}/", {"action": "approve"}).status_code
        == 403
    )
    assert (
        moderator.post(f"/actualites/moderation/{first.pk}/", {"action": "reject", "reason": " "}).status_code
        == 400
    )
    moderator.post(f"/actualites/moderation/{first.pk}/", {"action": "reject", "reason": "Hors sujet"})
    moderator.post(f"/actualites/moderation/{second.pk}/", {"action": "spam"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.moderation_reason, second.status) == (
        workflow.REJECTED,
        "Hors sujet",
        workflow.SPAM,
    )
    assert moderator.post(f"/actualites/moderation/{first.pk}/", {"action": "approve"}).status_code == 409
    counts = moderator.get("/actualites/moderation/?file=rejected").content.decode()
    assert "Refusés (1)" in counts and "Indésirables (1)" in counts and "Hors sujet" in counts
    assert (
        client_for(plain_user)
        .post(f"/actualites/moderation/article/{article.pk}/commentaires/", {"open": "0"})
        .status_code
        == 403
    )
    moderator.post(
        f"/actualites/moderation/article/{article.pk}/commentaires/",
        {"open": "0", "next": "https://evil.example/"},
    )
    article.refresh_from_db()
    assert not article.comments_open
    page = Client().get(article.get_absolute_url()).content.decode()
    assert 'id="comment-form"' not in page and "Les commentaires sont fermés" in page
    assert _post(Client(), article).status_code == 403


def test_the_form_marks_required_fields_and_shows_the_count_and_policy_below(client, article):
    CommentFactory(article=article)
    page = client.get(article.get_absolute_url()).content.decode()
    assert (
        "Votre adresse de messagerie ne sera pas publiée. Les champs obligatoires sont indiqués avec *"
        in page
    )
    for label in ("Nom", "Adresse électronique", "Commentaire"):
        assert f'{label}<span class="fr-required-marker" aria-hidden="true"> *</span>' in page
    assert "Site web</label>" in page.replace("\n", "")
    form_end = page.index("</form>", page.index('id="comment-form"'))
    assert form_end < page.index("1 commentaire publié.") and form_end < page.index(
        "Les commentaires sont modérés"
    )


def test_unconfirmed_comments_expire_after_seven_days_and_their_address_is_forgotten(article):
    old = CommentFactory(
        article=article,
        status=workflow.UNCONFIRMED,
        published_at=None,
        created_at=timezone.now() - timedelta(days=8),
    )
    assert (
        run_job("news.expire_comments", now=timezone.now().replace(microsecond=0))
        == "1 commentaire(s) expiré(s)"
    )
    old.refresh_from_db()
    assert (old.status, old.author_email) == (workflow.EXPIRED, "")


def test_reply_notifications_are_opt_in_and_unsubscribe_in_one_click(
    client, article, mailbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://tiers-lieux.example"
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, article, notify_replies="on")
    comment = Comment.objects.get()
    subscription = comment.reply_subscription
    assert subscription.stream == "news.comment_replies" and subscription.status == alert_workflow.PENDING
    assert subscription.events.get().source == "news.comment"
    CommentFactory(
        article=article, author_email="lea@example.org"
    )  # the address is trusted: published at once
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(_confirm_link(mailbox))
    subscription.refresh_from_db()
    assert subscription.status == alert_workflow.ACTIVE
    CommentFactory(article=article, parent=comment, author_name="Sam", body="Je vous réponds.")
    with django_capture_on_commit_callbacks(execute=True):
        run_job("alerts.send_immediate", now=timezone.now().replace(microsecond=0) + timedelta(minutes=1))
    notification = mailbox.wait_for("lea@example.org", count=2)[1]
    assert "Réponse de Sam sur « Les Fabriques de territoire »" in mailbox.text(notification)
    assert notification["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<news-comment-replies.alertes.tiers-lieux.example>" in notification["List-Id"]
    url = notification["List-Unsubscribe"].split(",")[0].strip().strip("<>")
    response = Client(enforce_csrf_checks=True).post(
        path_of(url), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == alert_workflow.UNSUBSCRIBED


def test_without_the_opt_in_no_reply_is_notified(
    client, article, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, article)
    assert Comment.objects.get().reply_subscription is None


def test_the_rate_limit_counts_the_client_ip_given_by_the_trusted_proxy(article, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    for number in range(5):
        visitor = Client(HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.5")
        assert _post(visitor, article, email=f"p{number}@example.org").status_code == 302
    assert (
        _post(Client(HTTP_X_FORWARDED_FOR="203.0.113.5"), article, email="q@example.org").status_code == 429
    )
    # The client cannot escape by writing its own value on the left: the proxy's entry counts.
    assert (
        _post(
            Client(HTTP_X_FORWARDED_FOR="10.1.1.1, 203.0.113.5"), article, email="r@example.org"
        ).status_code
        == 429
    )
    assert (
        _post(Client(HTTP_X_FORWARDED_FOR="203.0.113.77"), article, email="s@example.org").status_code == 302
    )
