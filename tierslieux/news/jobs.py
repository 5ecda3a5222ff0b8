"""Periodic jobs of the news: publish programmed articles at their time; expire unconfirmed comments."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_noop

from tierslieux.core.jobs import periodic

from . import services


@periodic(
    "* * * * *",
    name="news.publish_scheduled",
    description=gettext_noop("Publication des articles programmés"),
)
def publish_scheduled(*, now: datetime) -> str:
    return f"{services.articles_publish_due(now=now)} article(s) publié(s)"


@periodic(
    "10 * * * *",
    name="news.expire_comments",
    description=gettext_noop("Expiration des commentaires non confirmés"),
)
def expire_comments(*, now: datetime) -> str:
    return f"{services.comments_expire_unconfirmed(now=now)} commentaire(s) expiré(s)"
