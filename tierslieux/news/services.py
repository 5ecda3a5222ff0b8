"""Writes of the news: articles (with their versions and their workflow) and comments (posting, email
confirmation, author's edits, reports and moderation)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.alerts import services as alerts
from tierslieux.alerts.models import Frequency
from tierslieux.core.emails import email_send
from tierslieux.core.errors import ServiceError
from tierslieux.core.services import transition_apply
from tierslieux.core.workflow import SYSTEM

from . import selectors, workflow
from .images import cover_process
from .models import Article, ArticleVersion, Comment, CommentReport, Tag
from .text import count_links

RESERVED_SLUGS = {"redaction", "moderation", "etiquette", "commentaires", "rss", "atom"}
MAX_LINKS = 2
EDIT_WINDOW = timedelta(minutes=selectors.EDIT_WINDOW_MINUTES)
CONFIRM_SALT = "tierslieux.news.comment.confirm"
CONFIRM_MAX_AGE = timedelta(days=7)
FILE_NAME_ALT = re.compile(r"(?i)(\.(jpe?g|png|webp|gif)$)|^(img|dsc|dscn|image|photo|pxl)[ _-]?\d+$")


def _editor_roles(user: User) -> set[str]:
    return {workflow.EDITOR} if selectors.can_edit_news(user) else set()


def _moderator_roles(user: User) -> set[str]:
    return {workflow.MODERATOR} if selectors.can_moderate(user) else set()


# --- Articles -------------------------------------------------------------------------------------------------
def _unique_slug(title: str, *, exclude: int | None = None) -> str:
    base = slugify(title)[:200].strip("-") or "article"
    if base in RESERVED_SLUGS:
        base = f"{base}-article"
    slug, number = base, 2
    while Article.objects.filter(slug=slug).exclude(pk=exclude).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in dict.fromkeys(" ".join(name.split())[:60] for name in names if name.strip()):
        slug = slugify(name)[:70] or "etiquette"
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.create(name=name, slug=slug)
        tags.append(tag)
    return tags


def cover_alt_check(alt: str) -> str:
    """A cover's alternative text must describe the image: required, not a file name."""
    alt = " ".join((alt or "").split())
    if not alt:
        raise ServiceError(_("Décrivez l’image de couverture dans son texte alternatif (obligatoire)."))
    if len(alt) < 5 or FILE_NAME_ALT.search(alt):
        raise ServiceError(
            _("Le texte alternatif doit décrire ce que montre l’image, pas donner le nom du fichier.")
        )
    return alt


def _snapshot(article: Article, user: User | AnonymousUser) -> None:
    ArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        standfirst=article.standfirst,
        body=article.body,
        cover_alt=article.cover_alt,
        tags=sorted(article.tags.values_list("name", flat=True)),
        saved_by=user if user is not None and user.is_authenticated else None,
    )


@transaction.atomic
def article_save(
    *,
    user: User,
    article: Article | None = None,
    title: str,
    standfirst: str,
    body: str,
    cover: UploadedFile | None = None,
    cover_alt: str = "",
    remove_cover: bool = False,
    tags: Iterable[str] = (),
    places: Iterable = (),
    regions: Iterable = (),
    departments: Iterable = (),
    communes: Iterable = (),
    calls: Iterable = (),
    comments_open: bool = True,
) -> Article:
    """Create or change an article (editors and programme staff). An edit of a published or archived article
    first keeps its previous content as an `ArticleVersion`. A cover needs an alternative text; the image is
    checked by its content and re-encoded (`images.cover_process`). Refusals: ServiceError (400/403)."""
    if not selectors.can_edit_news(user):
        raise ServiceError(
            _("Seuls les rédacteurs et l’équipe du programme écrivent les actualités."), status=403
        )
    title, standfirst, body = " ".join(title.split()), " ".join(standfirst.split()), body.strip()
    if not title or not standfirst or not body:
        raise ServiceError(_("Le titre, le chapô et le texte sont obligatoires."))
    image = cover_process(cover) if cover else None
    has_cover = image is not None or bool(article and article.cover and not remove_cover)
    cover_alt = cover_alt_check(cover_alt) if has_cover else ""
    tag_objects = _tags(tags)
    if article is None:
        article = Article(author=user, slug=_unique_slug(title))
    else:
        article = Article.objects.select_for_update().get(pk=article.pk)
        changed = (
            (article.title, article.standfirst, article.body, article.cover_alt)
            != (title, standfirst, body, cover_alt)
            or sorted(t.name for t in tag_objects) != sorted(article.tags.values_list("name", flat=True))
            or image is not None
            or (remove_cover and bool(article.cover))
        )
        if changed and article.status in (workflow.PUBLISHED, workflow.ARCHIVED):
            _snapshot(article, user)
            article.version += 1
    article.title, article.standfirst, article.body = title, standfirst, body
    article.cover_alt, article.comments_open = cover_alt, comments_open
    if remove_cover and article.cover and image is None:
        article.cover = ""
    if image is not None:
        article.cover.save(image.name, image, save=False)
    article.save()
    article.tags.set(tag_objects)
    article.places.set(list(places))
    article.regions.set(list(regions))
    article.departments.set(list(departments))
    article.communes.set(list(communes))
    article.calls.set(list(calls))
    return article


def article_schedule(
    *, article: Article, user: User, publish_at: datetime, now: datetime | None = None
) -> Article:
    """Programme the publication at `publish_at` (in the future): the job `news.publish_scheduled` publishes
    it then."""
    now = now or timezone.now()
    if publish_at <= now:
        raise ServiceError(_("Choisissez une date et une heure de publication à venir."))
    transition_apply(
        instance=article,
        workflow=workflow.ARTICLE,
        action="schedule",
        roles=_editor_roles(user),
        actor=user,
        changes={"publish_at": publish_at},
    )
    return article


def article_transition(*, article: Article, user: User, action: str, now: datetime | None = None) -> Article:
    """Publish now, cancel the programming or archive (editors)."""
    now = now or timezone.now()
    if action not in ("publish", "unschedule", "archive"):
        raise ServiceError(_("Cette action n’existe pas."))
    changes = {"published_at": now} if action == "publish" else {}
    transition_apply(
        instance=article, workflow=workflow.ARTICLE, action=action, roles=_editor_roles(user), actor=user,
        changes=changes,
    )  # fmt: skip
    return article


def articles_publish_due(*, now: datetime) -> int:
    """Publish every programmed article whose time has come (the periodic job); its publication time is the
    time it was programmed for."""
    count = 0
    for article in Article.objects.filter(status=workflow.SCHEDULED, publish_at__lte=now).order_by(
        "publish_at"
    ):
        transition_apply(
            instance=article, workflow=workflow.ARTICLE, action="publish", roles={SYSTEM}, actor=None,
            changes={"published_at": article.publish_at},
        )  # fmt: skip
        count += 1
    return count


# --- Comments -------------------------------------------------------------------------------------------------
def confirm_token(comment: Comment) -> str:
    return signing.dumps({"c": comment.pk}, salt=CONFIRM_SALT)


def read_confirm_token(comment: Comment, token: str) -> bool:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return isinstance(data, dict) and data.get("c") == comment.pk


def _check_links(body: str) -> None:
    if count_links(body) > MAX_LINKS:
        raise ServiceError(
            _("Un commentaire contient au plus %(count)s liens : retirez-en pour l’envoyer.")
            % {"count": MAX_LINKS}
        )


@transaction.atomic
def comment_post(
    *,
    article: Article,
    user: User | AnonymousUser,
    name: str,
    email: str,
    website: str = "",
    body: str,
    parent_id: int | None = None,
    notify_replies: bool = False,
    consent_text: str = "",
    now: datetime | None = None,
) -> Comment:
    """Post a comment (or a reply, one level deep: a reply to a reply answers its top-level comment).

    First state: a signed-in author with an approved comment publishes at once; another signed-in author
    waits for moderation; an anonymous comment is first confirmed by email (link → button), then published
    if its address already has an approved comment, else held for moderation. `notify_replies` subscribes
    the address to the replies (an alert, confirmed with the comment)."""
    now = now or timezone.now()
    if not article.is_public:
        raise ServiceError(_("Cet article n’est pas publié."), status=404)
    if not article.comments_open:
        raise ServiceError(_("Les commentaires de cet article sont fermés."), status=403)
    body = body.strip()
    if not body:
        raise ServiceError(_("Écrivez votre commentaire."))
    _check_links(body)
    parent = None
    if parent_id:
        parent = article.comments.filter(pk=parent_id, status=workflow.APPROVED).first()
        if parent is None:
            raise ServiceError(_("Le commentaire auquel vous répondez n’est plus publié."))
        parent = parent.parent or parent
    signed = user if user is not None and user.is_authenticated and user.is_active else None
    if signed is not None:
        email, name = signed.email, (name or "").strip() or signed.display_name
        status = workflow.APPROVED if selectors.user_has_approved_comment(signed) else workflow.PENDING
    else:
        email, name, status = alerts.address_normalise(email), (name or "").strip(), workflow.UNCONFIRMED
    if not name or not email:
        raise ServiceError(_("Le nom et l’adresse électronique sont obligatoires."))
    comment = Comment.objects.create(
        article=article,
        parent=parent,
        user=signed,
        author_name=name[:100],
        author_email=email,
        website=(website or "").strip()[:300],
        body=body,
        status=status,
        created_at=now,
        confirmed_at=now if signed else None,
        published_at=now if status == workflow.APPROVED else None,
    )
    if notify_replies:
        outcome = alerts.subscription_request(
            email=email,
            stream_key="news.comment_replies",
            params={"comment": comment.pk},
            frequency=Frequency.IMMEDIATE,
            source="news.comment",
            consent_text=consent_text,
            user=signed,
            now=now,
            send_confirmation=False,
        )
        Comment.objects.filter(pk=comment.pk).update(reply_subscription=outcome.subscription)
        comment.reply_subscription = outcome.subscription
    if not signed:
        email_send(
            name="news-comment-confirm",
            to=[email],
            context={
                "comment": comment,
                "article": article,
                "confirm_url": alerts.absolute(
                    reverse("news:comment_confirm", args=[comment.pk, confirm_token(comment)])
                ),
                "days": CONFIRM_MAX_AGE.days,
            },
        )
    return comment


@transaction.atomic
def comment_confirm(*, comment: Comment, now: datetime | None = None) -> Comment:
    """The button of the confirmation page: the comment enters the moderation queue, or is published at once
    when its address already has an approved comment. Confirming twice changes nothing."""
    now = now or timezone.now()
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != workflow.UNCONFIRMED:
        return comment
    trusted = selectors.address_has_approved_comment(comment.author_email)
    transition_apply(
        instance=comment,
        workflow=workflow.COMMENT,
        action="confirm_trusted" if trusted else "confirm",
        roles={workflow.AUTHOR},
        actor=None,
        changes={"confirmed_at": now, **({"published_at": now} if trusted else {})},
    )
    if comment.reply_subscription_id:
        alerts.subscription_confirm_direct(
            subscription=comment.reply_subscription, source="news.comment", now=now
        )
    return comment


def within_edit_window(comment: Comment, now: datetime | None = None) -> bool:
    return (now or timezone.now()) - comment.created_at <= EDIT_WINDOW and comment.status in (
        workflow.UNCONFIRMED,
        workflow.PENDING,
        workflow.APPROVED,
    )


def _check_window(comment: Comment, now: datetime) -> None:
    if not within_edit_window(comment, now):
        raise ServiceError(
            _("Un commentaire se modifie ou se supprime dans les %(minutes)s minutes qui suivent son envoi.")
            % {"minutes": selectors.EDIT_WINDOW_MINUTES},
            status=403,
        )


@transaction.atomic
def comment_edit(
    *, comment: Comment, name: str, website: str, body: str, now: datetime | None = None
) -> Comment:
    """The author changes their comment within 15 minutes of sending it (the caller checked authorship)."""
    now = now or timezone.now()
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    _check_window(comment, now)
    body = body.strip()
    if not body or not name.strip():
        raise ServiceError(_("Le nom et le commentaire sont obligatoires."))
    _check_links(body)
    comment.author_name, comment.website, comment.body = name.strip()[:100], website.strip()[:300], body
    comment.edited_at = now
    comment.save(update_fields=["author_name", "website", "body", "edited_at"])
    return comment


def _end_reply_alert(comment: Comment) -> None:
    if comment.reply_subscription_id:
        alerts.subscription_unsubscribe(
            subscription=comment.reply_subscription, source="news.comment_closed", roles=(SYSTEM,)
        )


@transaction.atomic
def comment_delete(*, comment: Comment, now: datetime | None = None) -> Comment:
    """The author deletes their comment within 15 minutes of sending it."""
    now = now or timezone.now()
    _check_window(comment, now)
    transition_apply(
        instance=comment, workflow=workflow.COMMENT, action="delete", roles={workflow.AUTHOR}, actor=None
    )
    _end_reply_alert(comment)
    return comment


@transaction.atomic
def comment_moderate(
    *, comment: Comment, user: User, action: str, reason: str = "", now: datetime | None = None
) -> Comment:
    """Approve, reject (with a reason) or mark as spam (editors and programme staff); the open reports of
    the comment are handled at the same time."""
    now = now or timezone.now()
    if action not in workflow.MODERATION_ACTIONS:
        raise ServiceError(_("Cette action n’existe pas."))
    changes = {"moderated_at": now, "moderation_reason": reason.strip()}
    if action == "approve":
        changes["published_at"] = now
    transition_apply(
        instance=comment, workflow=workflow.COMMENT, action=action, roles=_moderator_roles(user), actor=user,
        reason=reason, changes=changes,
    )  # fmt: skip
    CommentReport.objects.filter(comment=comment, handled_at__isnull=True).update(handled_at=now)
    if action != "approve":
        _end_reply_alert(comment)
    return comment


@transaction.atomic
def reports_dismiss(*, comment: Comment, user: User, now: datetime | None = None) -> int:
    """Keep a reported comment published and close its reports (moderators)."""
    if not selectors.can_moderate(user):
        raise ServiceError(_("Seuls les modérateurs traitent les signalements."), status=403)
    return CommentReport.objects.filter(comment=comment, handled_at__isnull=True).update(
        handled_at=now or timezone.now()
    )


@transaction.atomic
def comment_report(*, comment: Comment, reason: str, message: str = "") -> CommentReport:
    """Anyone reports a published comment to the moderators."""
    if comment.status != workflow.APPROVED:
        raise ServiceError(_("Ce commentaire n’est pas publié."), status=404)
    if reason not in CommentReport.Reason.values:
        raise ServiceError(_("Choisissez le motif du signalement."))
    return CommentReport.objects.create(comment=comment, reason=reason, message=message.strip()[:500])


@transaction.atomic
def article_set_comments_open(*, article: Article, user: User, open: bool) -> Article:
    """Open or close the comments of an article (moderators)."""
    if not selectors.can_moderate(user):
        raise ServiceError(_("Seuls les modérateurs ouvrent ou ferment les commentaires."), status=403)
    Article.objects.filter(pk=article.pk).update(comments_open=open)
    article.comments_open = open
    return article


@transaction.atomic
def comments_expire_unconfirmed(*, now: datetime) -> int:
    """Anonymous comments never confirmed within 7 days expire, and their address is forgotten."""
    count = 0
    for comment in Comment.objects.filter(status=workflow.UNCONFIRMED, created_at__lte=now - CONFIRM_MAX_AGE):
        transition_apply(
            instance=comment, workflow=workflow.COMMENT, action="expire", roles={SYSTEM}, actor=None,
            changes={"author_email": ""},
        )  # fmt: skip
        count += 1
    return count


# --- Personal data (RGPD) ------------------------------------------------------------------------------------
def _comments_of(user: User) -> QuerySet[Comment]:
    from django.db.models import Q

    return Comment.objects.filter(Q(user=user) | Q(author_email__iexact=user.email)).select_related("article")


def news_export(user: User) -> dict:
    """The person's comments (with their private address) and the articles they wrote."""
    return {
        "comments": [
            {
                "article": comment.article.title,
                "url": settings.SITE_URL + comment.article.get_absolute_url(),
                "name": comment.author_name,
                "email": comment.author_email,
                "website": comment.website,
                "comment": comment.body,
                "status": comment.status,
                "created_at": comment.created_at.isoformat(),
                "published_at": comment.published_at.isoformat() if comment.published_at else None,
            }
            for comment in _comments_of(user)
        ],
        "articles": [
            {"title": article.title, "status": article.status, "created_at": article.created_at.isoformat()}
            for article in Article.objects.filter(author=user)
        ],
    }


def news_erase(user: User) -> None:
    """Comments stay (the conversation keeps its sense) but show "Auteur supprimé": name, address and
    website are erased; articles keep their text and show the same."""
    _comments_of(user).update(author_name="", author_email="", website="", user=None, author_erased=True)
