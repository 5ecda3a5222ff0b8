"""The moderation queue of the comments: editors, programme staff and administrators only (anyone else:
403; anonymous: the login page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from .. import selectors, services, workflow
from ..models import Article, Comment

QUEUE_LABELS = {
    "pending": gettext_noop("À modérer"),
    "reported": gettext_noop("Signalés"),
    "approved": gettext_noop("Publiés"),
    "rejected": gettext_noop("Refusés"),
    "spam": gettext_noop("Indésirables"),
}


def _moderator(request) -> None:
    if not selectors.can_moderate(request.user):
        raise PermissionDenied


@login_required
@require_GET
def queue(request):
    """Editors and programme staff: the comments of one queue (to moderate, reported, published, refused,
    spam) with the count of each."""
    _moderator(request)
    current = request.GET.get("file", "pending")
    if current not in selectors.QUEUES:
        current = "pending"
    counts = selectors.moderation_counts()
    return render(
        request,
        "news/moderation.html",
        {
            "queues": [
                {"code": code, "label": _(QUEUE_LABELS[code]), "count": counts[code]}
                for code in selectors.QUEUES
            ],
            "current": current,
            "current_label": _(QUEUE_LABELS[current]),
            "comments": selectors.moderation_queue(current)[:200],
            "workflow": workflow.COMMENT,
            "page_title": _("Modération des commentaires"),
            "breadcrumb": [
                {"label": _("Actualités"), "url": reverse("news:list")},
                {"label": _("Modération")},
            ],
        },
    )


@login_required
@require_POST
def moderate(request, pk: int):
    """Editors and programme staff: approve, reject (a reason is required: 400 without), mark as spam, or
    keep a reported comment (dismiss its reports). A move the workflow refuses: 409."""
    _moderator(request)
    comment = get_object_or_404(Comment, pk=pk)
    name = request.POST.get("action", "")
    back = request.POST.get("file", "pending")
    if name == "dismiss":
        services.reports_dismiss(comment=comment, user=request.user)
        messages.success(request, _("Les signalements sont classés ; le commentaire reste publié."))
    else:
        services.comment_moderate(
            comment=comment, user=request.user, action=name, reason=request.POST.get("reason", "")
        )
        messages.success(
            request, _("Commentaire : %(status)s.") % {"status": workflow.COMMENT.label(comment.status)}
        )
    return redirect(f"{reverse('news:moderation')}?file={back if back in selectors.QUEUES else 'pending'}")


@login_required
@require_POST
def comments_toggle(request, pk: int):
    """Editors and programme staff: close (or reopen) the comments of an article."""
    _moderator(request)
    article = get_object_or_404(Article, pk=pk)
    services.article_set_comments_open(
        article=article, user=request.user, open=request.POST.get("open") == "1"
    )
    if article.comments_open:
        messages.success(
            request, _("Les commentaires de « %(title)s » sont ouverts.") % {"title": article.title}
        )
    else:
        messages.success(
            request, _("Les commentaires de « %(title)s » sont fermés.") % {"title": article.title}
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = article.get_absolute_url()
    return redirect(target)
