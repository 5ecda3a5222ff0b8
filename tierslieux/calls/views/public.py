"""Public pages of the calls: the list of calls and their waves, a call's page."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import selectors
from ..text import render_markdown


@require_GET
def index(request):
    """Public: the published calls, their waves (open, upcoming, closed)."""
    now = timezone.now()
    calls = list(selectors.calls_public())
    return render(
        request,
        "calls/index.html",
        {
            "calls": calls,
            "now": now,
            "page_title": _("Appels à manifestation d’intérêt"),
            "breadcrumb": [{"label": _("Appels à manifestation d’intérêt")}],
        },
    )


@require_GET
def detail(request, slug: str):
    """Public: a published call (sanitised Markdown description, envelopes, waves, rules, criteria)."""
    call = get_object_or_404(selectors.calls_public(), slug=slug)
    rules = selectors.call_rules(call)
    return render(
        request,
        "calls/detail.html",
        {
            "call": call,
            "description": render_markdown(call.description),
            "open_wave": call.open_wave(),
            "rules": rules,
            "criteria": call.criteria.all(),
            "now": timezone.now(),
            "page_title": call.title,
            "breadcrumb": [
                {"label": _("Appels à manifestation d’intérêt"), "url": "/appels/"},
                {"label": call.title},
            ],
        },
    )
