"""The news: articles written by editors (with their previous versions), tags, and moderated comments.

Commenters' email addresses are private: never published nor shown to anyone (not even moderators)."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tierslieux.calls.models import Call
from tierslieux.core.transitions import status_field
from tierslieux.geo.models import Commune, Department, Region
from tierslieux.places.models import Place

from . import workflow


def cover_upload_name(instance, filename: str) -> str:
    """`news/<year>/<random>.<ext>`: the stored name tells nothing about the uploaded file."""
    suffix = Path(filename).suffix.lower()[:6] or ".jpg"
    return f"news/{timezone.now():%Y}/{secrets.token_urlsafe(16)}{suffix}"


class Tag(models.Model):
    name = models.CharField(_("nom"), max_length=60, unique=True)
    slug = models.SlugField(_("identifiant d’URL"), max_length=70, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("étiquette")
        verbose_name_plural = _("étiquettes")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("news:tag", args=[self.slug])


class Article(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant d’URL"), max_length=220, unique=True)
    standfirst = models.CharField(_("chapô"), max_length=400)
    body = models.TextField(_("texte (Markdown)"))
    cover = models.ImageField(
        _("image de couverture"), upload_to=cover_upload_name, blank=True, max_length=200
    )
    cover_alt = models.CharField(_("texte alternatif de l’image"), max_length=300, blank=True, default="")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("étiquettes"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_articles",
        verbose_name=_("auteur·rice"),
    )
    status = status_field(workflow.ARTICLE)
    publish_at = models.DateTimeField(_("publication programmée le"), null=True, blank=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True, db_index=True)
    comments_open = models.BooleanField(_("commentaires ouverts"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    places = models.ManyToManyField(
        Place, blank=True, related_name="news_articles", verbose_name=_("lieux liés")
    )
    regions = models.ManyToManyField(
        Region, blank=True, related_name="news_articles", verbose_name=_("régions liées")
    )
    departments = models.ManyToManyField(
        Department, blank=True, related_name="news_articles", verbose_name=_("départements liés")
    )
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="news_articles", verbose_name=_("communes liées")
    )
    calls = models.ManyToManyField(
        Call, blank=True, related_name="news_articles", verbose_name=_("appels liés")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.status == workflow.PUBLISHED

    @property
    def author_name(self) -> str:
        from tierslieux.accounts.personal_data import ERASED_AUTHOR

        if self.author is None:
            return str(_("La rédaction"))
        if self.author.erased_at:
            return str(_(ERASED_AUTHOR))
        return self.author.display_name


class ArticleVersion(models.Model):
    """The content of an article as it was before an edit made after its publication."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("titre"), max_length=200)
    standfirst = models.CharField(_("chapô"), max_length=400)
    body = models.TextField(_("texte (Markdown)"))
    cover_alt = models.CharField(_("texte alternatif de l’image"), max_length=300, blank=True, default="")
    tags = models.JSONField(_("étiquettes"), default=list, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "-number"]
        verbose_name = _("version d’un article")
        verbose_name_plural = _("versions des articles")
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="news_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("réponse à"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_comments",
    )
    author_name = models.CharField(_("nom"), max_length=100)
    author_email = models.EmailField(_("adresse électronique (jamais publiée)"), blank=True, default="")
    website = models.URLField(_("site web"), max_length=300, blank=True, default="")
    body = models.TextField(_("commentaire"), max_length=5000)
    status = status_field(workflow.COMMENT)
    author_erased = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.TextField(_("motif"), blank=True, default="")
    reply_subscription = models.ForeignKey(
        "alerts.Subscription", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        indexes = [models.Index(fields=["article", "status"])]

    def __str__(self) -> str:
        return f"{self.article_id} #{self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#commentaire-{self.pk}"

    @property
    def shown_name(self) -> str:
        from tierslieux.accounts.personal_data import ERASED_AUTHOR

        return str(_(ERASED_AUTHOR)) if self.author_erased else self.author_name


class CommentReport(models.Model):
    """Anyone may report a comment; moderators see the open reports in their queue."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Publicité ou indésirable")
        ABUSE = "abuse", _("Propos injurieux ou haineux")
        PERSONAL = "personal", _("Données personnelles d’un tiers")
        OTHER = "other", _("Autre motif")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)
    message = models.CharField(_("précision"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("signalement de commentaire")
        verbose_name_plural = _("signalements de commentaires")

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.reason}"
