"""The manager's pages: their places, and for one place everything the platform holds about it — its page, its
applications, agreement, tranches, reports, census answers — with what is due next."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import selectors
from .common import crumbs


@login_required
@require_GET
def my_places(request):
    """Signed-in people: the places they manage, and the reports they have to file soon."""
    return render(
        request,
        "followup/my_places.html",
        {
            "places": selectors.managed_places(request.user),
            "reports_due": selectors.reports_due(request.user).select_related("agreement__place"),
            "page_title": _("Mes lieux"),
            "breadcrumb": [{"label": _("Mes lieux")}],
        },
    )


@login_required
@require_GET
def place(request, slug: str):
    """Managers of the place only (others, programme staff included: 404): everything about it in one page."""
    item = get_object_or_404(selectors.managed_places(request.user), slug=slug)
    return render(
        request,
        "followup/place.html",
        {
            "overview": selectors.manager_overview(item, request.user),
            "today": timezone.localdate(),
            "page_title": _("Suivi de %(place)s") % {"place": item.name},
            "breadcrumb": crumbs((item.name, None)),
        },
    )
