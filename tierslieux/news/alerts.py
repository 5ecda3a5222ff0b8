"""The news streams of the alerts (tierslieux/alerts/streams.py): new articles (all or one tag) and replies
to one's comment (created by the comment form, not offered on the alerts page)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tierslieux.alerts.streams import Item, Stream, register
from tierslieux.core.errors import ServiceError

from . import selectors
from .models import Comment, Tag
from .text import plain_excerpt


def _articles_params(params: dict) -> dict:
    tag = str(params.get("tag") or "").strip()
    if not tag:
        return {}
    if not Tag.objects.filter(slug=tag).exists():
        raise ServiceError(_("Cette étiquette n’existe pas."))
    return {"tag": tag}


def _articles_label(params: dict) -> str:
    tag = Tag.objects.filter(slug=params.get("tag", "")).first()
    if tag is None:
        return _("Nouveaux articles")
    return _("Nouveaux articles : « %(tag)s »") % {"tag": tag.name}


def new_articles(params: dict, since, until) -> list[Item]:
    return [
        Item(
            key=f"article:{article.pk}",
            title=article.title,
            url=article.get_absolute_url(),
            summary=article.standfirst,
            date=article.published_at,
            kind=_("Nouvel article"),
        )
        for article in selectors.articles_published_between(since, until, tag=params.get("tag", ""))
    ]


def _replies_params(params: dict) -> dict:
    try:
        comment_id = int(params.get("comment"))
    except (TypeError, ValueError):
        raise ServiceError(_("Ce commentaire n’existe pas.")) from None
    if not Comment.objects.filter(pk=comment_id).exists():
        raise ServiceError(_("Ce commentaire n’existe pas."))
    return {"comment": comment_id}


def _replies_label(params: dict) -> str:
    comment = Comment.objects.select_related("article").filter(pk=params.get("comment")).first()
    if comment is None:
        return _("Réponses à mon commentaire")
    return _("Réponses à mon commentaire sur « %(title)s »") % {"title": comment.article.title}


def new_replies(params: dict, since, until) -> list[Item]:
    return [
        Item(
            key=f"comment:{reply.pk}",
            title=_("Réponse de %(name)s sur « %(title)s »")
            % {"name": reply.shown_name, "title": reply.article.title},
            url=reply.get_absolute_url(),
            summary=plain_excerpt(reply.body, 300),
            date=reply.published_at,
            kind=_("Réponse"),
        )
        for reply in selectors.replies_published_between(params["comment"], since, until)
    ]


register(
    Stream(
        key="news.articles",
        label=gettext_noop("Nouveaux articles"),
        description=gettext_noop(
            "Un courriel quand un article est publié dans les actualités, pour toutes les étiquettes ou une seule."
        ),
        new_items=new_articles,
        validate_params=_articles_params,
        describe=_articles_label,
    )
)
register(
    Stream(
        key="news.comment_replies",
        label=gettext_noop("Réponses à mon commentaire"),
        new_items=new_replies,
        validate_params=_replies_params,
        describe=_replies_label,
        public=False,
        frequencies=("immediate",),
    )
)
