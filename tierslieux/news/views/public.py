"""Public pages of the news: the list (all, by tag) and the article page with its comments."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import selectors, workflow
from ..forms import CommentForm
from ..models import Tag
from ..text import article_html


def _feeds(tag: Tag | None = None) -> list[dict]:
    if tag is None:
        return [
            {
                "type": "application/rss+xml",
                "title": _("Actualités Tiers-Lieux (RSS)"),
                "url": reverse("news:rss"),
            },
            {
                "type": "application/atom+xml",
                "title": _("Actualités Tiers-Lieux (Atom)"),
                "url": reverse("news:atom"),
            },
        ]
    return [
        {
            "type": "application/rss+xml",
            "title": _("Actualités Tiers-Lieux : %(tag)s (RSS)") % {"tag": tag.name},
            "url": reverse("news:tag_rss", args=[tag.slug]),
        },
        {
            "type": "application/atom+xml",
            "title": _("Actualités Tiers-Lieux : %(tag)s (Atom)") % {"tag": tag.name},
            "url": reverse("news:tag_atom", args=[tag.slug]),
        },
    ]


def _list(request, tag: Tag | None):
    articles = selectors.articles_published()
    if tag is not None:
        articles = articles.filter(tags=tag)
    page = Paginator(articles, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    crumbs = [{"label": _("Actualités"), "url": reverse("news:list")}]
    if tag is not None:
        crumbs.append({"label": tag.name})
    return render(
        request,
        "news/list.html",
        {
            "page_obj": page,
            "tag": tag,
            "tags": selectors.tags_in_use(),
            "feeds": _feeds(tag) + ([] if tag is None else _feeds()),
            "can_edit": selectors.can_edit_news(request.user),
            "page_title": _("Actualités : %(tag)s") % {"tag": tag.name} if tag else _("Actualités"),
            "breadcrumb": crumbs if tag else [{"label": _("Actualités")}],
        },
    )


@require_GET
def article_list(request):
    """Public: the published articles, newest first, 10 a page."""
    return _list(request, None)


@require_GET
def tag_list(request, slug: str):
    """Public: the published articles of one tag."""
    return _list(request, get_object_or_404(Tag, slug=slug))


def json_ld(article, request) -> str:
    """schema.org NewsArticle of the page, escaped so nothing can close its <script> element."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": article.standfirst,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "mainEntityOfPage": request.build_absolute_uri(article.get_absolute_url()),
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": article.updated_at.isoformat(),
        "author": {"@type": "Person", "name": article.author_name},
        "publisher": {"@type": "Organization", "name": "Tiers-Lieux", "url": request.build_absolute_uri("/")},
        "keywords": [tag.name for tag in article.tags.all()],
        "inLanguage": "fr",
    }
    if article.cover:
        data["image"] = [request.build_absolute_uri(article.cover.url)]
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def article_context(request, article, *, form=None) -> dict:
    user = request.user
    mine = request.session.get("news_comments", [])
    comments = selectors.comments_public(article)
    return {
        "article": article,
        "body": article_html(article.body),
        "json_ld": json_ld(article, request),
        "absolute_url": request.build_absolute_uri(article.get_absolute_url()),
        "comments": comments,
        "comment_count": selectors.comment_count(article),
        "form": form or CommentForm(user=user, initial={"parent": request.GET.get("reponse") or None}),
        "replying_to": _replying_to(article, request.GET.get("reponse")),
        "my_waiting": selectors.my_unpublished_comments(article, user, mine),
        "edit_minutes": selectors.EDIT_WINDOW_MINUTES,
        "can_edit": selectors.can_edit_news(user),
        "can_moderate": selectors.can_moderate(user),
        "feeds": _feeds(),
        "linked": {
            "places": article.places.all(),
            "territories": [*article.regions.all(), *article.departments.all(), *article.communes.all()],
            "calls": article.calls.filter(is_published=True),
        },
        "page_title": article.title,
        "breadcrumb": [{"label": _("Actualités"), "url": reverse("news:list")}, {"label": article.title}],
    }


def _replying_to(article, value):
    try:
        return article.comments.filter(pk=int(value), status=workflow.APPROVED).first() if value else None
    except (TypeError, ValueError):
        return None


@require_GET
def detail(request, slug: str):
    """Public for published and archived articles; drafts and programmed ones: editors and programme staff
    only (a preview), 404 for everyone else."""
    article = selectors.article_visible(slug, request.user)
    if article is None:
        raise Http404
    return render(request, "news/detail.html", article_context(request, article))
