"""The editors' pages: every article (drafts included), writing, programming, publishing and archiving.
Editors, programme staff and administrators only; anyone else: 403 (anonymous: the login page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.core.errors import ServiceError
from tierslieux.core.transitions import transition_history

from .. import selectors, services, workflow
from ..forms import ArticleForm, ScheduleForm
from ..models import Article


def _editor(request) -> None:
    if not selectors.can_edit_news(request.user):
        raise PermissionDenied


def _crumbs(label: str | None = None) -> list[dict]:
    crumbs = [
        {"label": _("Actualités"), "url": reverse("news:list")},
        {"label": _("Rédaction"), "url": reverse("news:manage")},
    ]
    return crumbs + ([{"label": label}] if label else [])


@login_required
@require_GET
def manage(request):
    """Editors and programme staff: every article with its status."""
    _editor(request)
    return render(
        request,
        "news/manage.html",
        {
            "articles": selectors.articles_for_editors(),
            "workflow": workflow.ARTICLE,
            "page_title": _("Rédaction des actualités"),
            "breadcrumb": [*_crumbs()[:1], {"label": _("Rédaction")}],
        },
    )


def _initial(article: Article) -> dict:
    return {
        "title": article.title,
        "standfirst": article.standfirst,
        "body": article.body,
        "cover_alt": article.cover_alt,
        "tags": ", ".join(article.tags.values_list("name", flat=True)),
        "places": ", ".join(article.places.values_list("slug", flat=True)),
        "regions": list(article.regions.values_list("code", flat=True)),
        "departments": list(article.departments.values_list("code", flat=True)),
        "communes": list(article.communes.order_by("sort_name", "insee")),
        "calls": [str(pk) for pk in article.calls.values_list("pk", flat=True)],
        "comments_open": article.comments_open,
    }


def _save(request, form: ArticleForm, article: Article | None) -> Article | None:
    data = form.cleaned_data
    try:
        return services.article_save(
            user=request.user,
            article=article,
            title=data["title"],
            standfirst=data["standfirst"],
            body=data["body"],
            cover=data.get("cover") or None,
            cover_alt=data.get("cover_alt", ""),
            remove_cover=data.get("remove_cover", False),
            tags=data["tags"],
            comments_open=data.get("comments_open", False),
            **form.link_values(),
        )
    except ServiceError as error:
        form.add_error(None, error.message)
        return None


def _form_page(request, form, article: Article | None, status: int = 200, schedule_form=None):
    context = {
        "form": form,
        "article": article,
        "page_title": article.title if article else _("Nouvel article"),
        "breadcrumb": _crumbs(article.title if article else _("Nouvel article")),
    }
    if article is not None:
        roles = {workflow.EDITOR}
        context |= {
            "actions": [
                rule
                for rule in workflow.ARTICLE.available(article.status, roles)
                if rule.action != "schedule"
            ],
            "can_schedule": bool(workflow.ARTICLE.find(article.status, action="schedule")),
            "schedule_form": schedule_form or ScheduleForm(initial={"publish_at": article.publish_at}),
            "versions": article.versions.select_related("saved_by"),
            "history": transition_history(article),
        }
    return render(request, "news/article_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    """Editors and programme staff: write a new article (saved as a draft). Bad input: 400, what was typed
    is kept."""
    _editor(request)
    form = ArticleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        article = _save(request, form, None)
        if article is not None:
            messages.success(request, _("Le brouillon est enregistré."))
            return redirect("news:edit", pk=article.pk)
    return _form_page(request, form, None, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    """Editors and programme staff: change an article; after its publication the previous version is kept.
    Bad input: 400, what was typed is kept."""
    _editor(request)
    article = get_object_or_404(Article, pk=pk)
    form = ArticleForm(
        request.POST or None, request.FILES or None, initial=_initial(article), has_cover=bool(article.cover)
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, article)
        if saved is not None:
            messages.success(request, _("L’article est enregistré."))
            return redirect("news:edit", pk=article.pk)
    return _form_page(request, form, article, status=400 if form.errors else 200)


@login_required
@require_POST
def action(request, pk: int):
    """Editors and programme staff: programme (with a date), cancel the programming, publish now, archive.
    A move the workflow refuses: its status (409/400) with a French message."""
    _editor(request)
    article = get_object_or_404(Article, pk=pk)
    name = request.POST.get("action", "")
    if name == "schedule":
        form = ScheduleForm(request.POST)
        if not form.is_valid():
            edit_form = ArticleForm(initial=_initial(article), has_cover=bool(article.cover))
            return _form_page(request, edit_form, article, status=400, schedule_form=form)
        services.article_schedule(
            article=article, user=request.user, publish_at=form.cleaned_data["publish_at"]
        )
        messages.success(request, _("La publication est programmée."))
    else:
        services.article_transition(article=article, user=request.user, action=name)
        messages.success(
            request, _("Nouveau statut : %(status)s.") % {"status": workflow.ARTICLE.label(article.status)}
        )
    return redirect("news:edit", pk=article.pk)
