"""RSS 2.0 and Atom feeds of the published articles, all and per tag (Django's syndication framework).
Public."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from .. import selectors
from ..models import Tag
from ..text import article_html

FEED_SIZE = 20


class ArticlesFeed(Feed):
    """Public: the latest published articles (RSS 2.0)."""

    feed_type = Rss201rev2Feed
    language = "fr"

    def get_object(self, request, slug: str | None = None):
        return get_object_or_404(Tag, slug=slug) if slug else None

    def title(self, tag):
        if tag is None:
            return _("Actualités — Tiers-Lieux")
        return _("Actualités : %(tag)s — Tiers-Lieux") % {"tag": tag.name}

    def link(self, tag):
        return tag.get_absolute_url() if tag else reverse("news:list")

    def description(self, tag):
        return _("Les actualités des tiers-lieux et du programme Fabriques de territoire.")

    subtitle = description

    def items(self, tag):
        articles = selectors.articles_published()
        if tag is not None:
            articles = articles.filter(tags=tag)
        return articles[:FEED_SIZE]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return f"<p>{escape(article.standfirst)}</p>{article_html(article.body)}"

    def item_link(self, article):
        return article.get_absolute_url()

    def item_guid(self, article):
        return f"tag:tiers-lieux,article:{article.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return article.author_name

    def item_categories(self, article):
        return [tag.name for tag in article.tags.all()]


class ArticlesAtomFeed(ArticlesFeed):
    """Public: the latest published articles (Atom)."""

    feed_type = Atom1Feed
