"""Comment pages: post (public, anti-spam), confirm by email (public, signed link), edit or delete within
15 minutes (the author: same account or same browser session), report (public)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tierslieux.core.errors import ServiceError
from tierslieux.core.ratelimit import rate_hit, rate_limited

from .. import selectors, services, workflow
from ..forms import REPLY_CONSENT, CommentEditForm, CommentForm, ReportForm
from ..models import Article, Comment
from .public import article_context

COMMENT_LIMIT = 5  # comments per client IP, session and address in COMMENT_WINDOW
COMMENT_WINDOW = 600
REPORT_LIMIT = 10


def _crumbs(comment: Comment, label: str) -> list[dict]:
    return [
        {"label": _("Actualités"), "url": reverse("news:list")},
        {"label": comment.article.title, "url": comment.article.get_absolute_url()},
        {"label": label},
    ]


def _remember(request, comment: Comment) -> None:
    mine = request.session.get("news_comments", [])
    request.session["news_comments"] = [*mine[-19:], comment.pk]


def is_author(request, comment: Comment) -> bool:
    return selectors.is_comment_author(comment, request.user, request.session.get("news_comments", []))


def _article_page(request, article, form, status):
    form.fresh_started()
    return render(request, "news/detail.html", article_context(request, article, form=form), status=status)


@require_POST
def post(request, slug: str):
    """Public (signed-in or not) on a published article with open comments. Anti-spam without a third
    party: a honeypot field, a minimum fill time, a rate limit per client IP, session and address, two links
    at most. Bad input: 400, the article page with what was typed; too many: 429."""
    article = get_object_or_404(Article, slug=slug, status=workflow.PUBLISHED)
    form = CommentForm(request.POST, user=request.user)
    if not form.is_valid():
        return _article_page(request, article, form, 400)
    data = form.cleaned_data
    email = request.user.email if request.user.is_authenticated else data["email"]
    extra = {"email": email}
    if rate_limited(request, "news.comment", limit=COMMENT_LIMIT, extra=extra):
        form.add_error(
            None, _("Trop de commentaires envoyés en peu de temps : réessayez dans quelques minutes.")
        )
        return _article_page(request, article, form, 429)
    try:
        comment = services.comment_post(
            article=article,
            user=request.user,
            name=data["name"],
            email=email,
            website=data.get("website", ""),
            body=data["body"],
            parent_id=data.get("parent"),
            notify_replies=data.get("notify_replies", False),
            consent_text=str(REPLY_CONSENT),
        )
    except ServiceError as error:
        form.add_error(None, error.message)
        return _article_page(request, article, form, error.status)
    rate_hit(request, "news.comment", window=COMMENT_WINDOW, extra=extra)
    _remember(request, comment)
    if comment.status == workflow.APPROVED:
        messages.success(request, _("Votre commentaire est publié."))
        return redirect(comment.get_absolute_url())
    if comment.status == workflow.PENDING:
        messages.info(request, _("Merci ! Votre commentaire sera publié après relecture par la modération."))
    else:
        messages.info(
            request,
            _(
                "Merci ! Pour publier votre commentaire, ouvrez le lien du courriel que nous venons de vous "
                "envoyer et appuyez sur « Confirmer » ; il sera ensuite relu par la modération."
            ),
        )
    return redirect(f"{article.get_absolute_url()}#commentaires")


@require_http_methods(["GET", "POST"])
def confirm(request, pk: int, token: str):
    """Public (signed link of the email sent to an anonymous commenter): the page shows the comment and a
    button; only the button (POST) confirms it, so mail scanners confirm nothing. Bad or expired link: 400."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    if not services.read_confirm_token(comment, token):
        return render(
            request, "news/comment_link_invalid.html", {"page_title": _("Lien invalide")}, status=400
        )
    if request.method == "POST":
        comment = services.comment_confirm(comment=comment)
        _remember(request, comment)
    return render(
        request,
        "news/comment_confirm.html",
        {
            "comment": comment,
            "article": comment.article,
            "page_title": _("Confirmer mon commentaire"),
            "breadcrumb": _crumbs(comment, _("Confirmer mon commentaire")),
        },
    )


def _own_comment(request, pk: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    if not is_author(request, comment):
        raise PermissionDenied
    return comment


@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    """The author of the comment (same account, or the browser session that posted it), within 15 minutes;
    anyone else: 403. Bad input: 400 with what was typed."""
    comment = _own_comment(request, pk)
    if not services.within_edit_window(comment):
        raise ServiceError(
            _("Un commentaire se modifie ou se supprime dans les %(minutes)s minutes qui suivent son envoi.")
            % {"minutes": selectors.EDIT_WINDOW_MINUTES},
            status=403,
        )
    initial = {"name": comment.author_name, "website": comment.website, "body": comment.body}
    form = CommentEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(comment=comment, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Votre commentaire est modifié."))
            return redirect(
                comment.get_absolute_url()
                if comment.status == workflow.APPROVED
                else comment.article.get_absolute_url()
            )
    return render(
        request,
        "news/comment_edit.html",
        {
            "form": form,
            "comment": comment,
            "page_title": _("Modifier mon commentaire"),
            "breadcrumb": _crumbs(comment, _("Modifier mon commentaire")),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def delete(request, pk: int):
    """The author of the comment, within 15 minutes; anyone else: 403."""
    comment = _own_comment(request, pk)
    services.comment_delete(comment=comment)
    messages.success(request, _("Votre commentaire est supprimé."))
    return redirect(f"{comment.article.get_absolute_url()}#commentaires")


@require_http_methods(["GET", "POST"])
def report(request, pk: int):
    """Public: report a published comment to the moderators (rate-limited per client IP: 429)."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    if comment.status != workflow.APPROVED:
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "news.report", limit=REPORT_LIMIT):
            raise ServiceError(
                _("Trop de signalements depuis cette connexion : réessayez dans une heure."), status=429
            )
        services.comment_report(comment=comment, **form.cleaned_data)
        rate_hit(request, "news.report")
        messages.success(request, _("Merci : la modération va examiner ce commentaire."))
        return redirect(comment.get_absolute_url())
    return render(
        request,
        "news/comment_report.html",
        {
            "form": form,
            "comment": comment,
            "page_title": _("Signaler un commentaire"),
            "breadcrumb": _crumbs(comment, _("Signaler un commentaire")),
        },
        status=400 if form.errors else 200,
    )
