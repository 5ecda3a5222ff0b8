"""Reads of the news: published articles, what links to a place, a territory or a call, comments and the
moderation queue; who may write and moderate."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_editor

from . import workflow
from .models import Article, Comment, CommentReport, Tag

PAGE_SIZE = 10
EDIT_WINDOW_MINUTES = 15


def can_edit_news(user: User) -> bool:
    """Editors, programme staff and administrators write and publish articles."""
    return is_editor(user)


def can_moderate(user: User) -> bool:
    """The same people moderate comments."""
    return is_editor(user)


# --- Articles -------------------------------------------------------------------------------------------------
def articles_published() -> QuerySet[Article]:
    return (
        Article.objects.filter(status=workflow.PUBLISHED)
        .select_related("author")
        .prefetch_related("tags")
        .order_by("-published_at", "-id")
    )


def articles_published_between(since: datetime, until: datetime, *, tag: str = "") -> QuerySet[Article]:
    """Articles whose publication time is in `since < t <= until` (the news alert stream)."""
    articles = articles_published().filter(published_at__gt=since, published_at__lte=until)
    return articles.filter(tags__slug=tag) if tag else articles


def article_visible(slug: str, user: User) -> Article | None:
    """A published or archived article for everyone; drafts and scheduled ones for editors only."""
    article = Article.objects.select_related("author").prefetch_related("tags").filter(slug=slug).first()
    if article is None:
        return None
    if article.status in (workflow.PUBLISHED, workflow.ARCHIVED) or can_edit_news(user):
        return article
    return None


def articles_for_editors() -> QuerySet[Article]:
    return (
        Article.objects.select_related("author")
        .annotate(
            pending_comments=Count("comments", filter=Q(comments__status=workflow.PENDING), distinct=True)
        )
        .order_by("-updated_at", "-id")
    )


def tags_in_use() -> QuerySet[Tag]:
    return (
        Tag.objects.annotate(
            n=Count("articles", filter=Q(articles__status=workflow.PUBLISHED), distinct=True)
        )
        .filter(n__gt=0)
        .order_by("name")
    )


LINKS = {
    "place": "places",
    "region": "regions",
    "department": "departments",
    "commune": "communes",
    "call": "calls",
}


def articles_linked_to(obj: models.Model | None, *, limit: int = 5) -> list[Article]:
    """The published articles that link `obj` (a place, region, department, commune or call)."""
    relation = LINKS.get(obj._meta.model_name) if obj is not None else None
    if relation is None:
        return []
    return list(articles_published().filter(**{relation: obj})[:limit])


# --- Comments -------------------------------------------------------------------------------------------------
def comments_public(article: Article) -> list[Comment]:
    """The published top-level comments with their published replies, oldest first. A deleted comment that
    has published replies stays as a placeholder so the replies keep their context."""
    replies = Comment.objects.filter(status=workflow.APPROVED).order_by("published_at", "id")
    top = (
        article.comments.filter(parent__isnull=True)
        .filter(Q(status=workflow.APPROVED) | Q(status=workflow.DELETED, replies__status=workflow.APPROVED))
        .distinct()
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="published_replies"))
        .order_by("published_at", "created_at", "id")
    )
    return list(top)


def is_comment_author(
    comment: Comment, user: User | AnonymousUser, session_ids: Iterable[int] | None
) -> bool:
    """The author of a comment: its account, or (anonymous) the browser session that posted it."""
    if comment.author_erased:
        return False
    if comment.user_id is not None:
        return bool(getattr(user, "is_authenticated", False)) and user.pk == comment.user_id
    return comment.pk in set(session_ids or ())


def my_unpublished_comments(
    article: Article, user: User | AnonymousUser, session_ids: Iterable[int] | None
) -> list[Comment]:
    """The author's own comments of `article` still waiting (email confirmation or moderation)."""
    waiting = article.comments.filter(status__in=(workflow.UNCONFIRMED, workflow.PENDING))
    mine = Q(pk__in=list(session_ids or ()))
    if getattr(user, "is_authenticated", False):
        mine |= Q(user=user)
    return list(waiting.filter(mine).order_by("created_at", "id"))


def comment_count(article: Article) -> int:
    return article.comments.filter(status=workflow.APPROVED).count()


def address_has_approved_comment(email: str) -> bool:
    return (
        bool(email) and Comment.objects.filter(author_email__iexact=email, status=workflow.APPROVED).exists()
    )


def user_has_approved_comment(user: User) -> bool:
    return Comment.objects.filter(user=user, status=workflow.APPROVED).exists()


def replies_published_between(comment_id: int, since: datetime, until: datetime) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(parent_id=comment_id, status=workflow.APPROVED)
        .filter(published_at__gt=since, published_at__lte=until)
        .select_related("article")
        .order_by("published_at", "id")
    )


QUEUES = ("pending", "reported", "approved", "rejected", "spam")


def moderation_counts() -> dict[str, int]:
    counts = {code: 0 for code in QUEUES}
    for row in Comment.objects.values("status").annotate(n=Count("id")):
        if row["status"] in counts:
            counts[row["status"]] = row["n"]
    counts["reported"] = (
        Comment.objects.filter(reports__handled_at__isnull=True)
        .exclude(status__in=(workflow.REJECTED, workflow.SPAM, workflow.DELETED))
        .distinct()
        .count()
    )
    return counts


def moderation_queue(queue: str) -> QuerySet[Comment]:
    comments = Comment.objects.select_related("article", "parent", "user").annotate(
        open_reports=Count("reports", filter=Q(reports__handled_at__isnull=True), distinct=True)
    )
    if queue == "reported":
        comments = comments.filter(open_reports__gt=0).exclude(
            status__in=(workflow.REJECTED, workflow.SPAM, workflow.DELETED)
        )
    else:
        comments = comments.filter(status=queue)
    return comments.order_by("created_at", "id")


def open_reports(comment: Comment) -> QuerySet[CommentReport]:
    return comment.reports.filter(handled_at__isnull=True)
