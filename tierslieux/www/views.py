"""The home page, the static pages of the platform and "À traiter". Every view here is public, except "À
traiter" (signed-in people)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tierslieux.core import rgaa
from tierslieux.core.cache import cached_page
from tierslieux.core.counters import counts_for

from . import selectors


@require_GET
@cached_page(per_minute=True)  # the open calls open and close with time
def home(request):
    """Public: presents the platform with live figures."""
    return render(
        request, "www/home.html", {"figures": selectors.home_figures(), "sources": selectors.home_sources()}
    )


@login_required
@require_GET
def todo(request):
    """Signed-in people: what waits for them, by kind (reviewers and programme staff; nothing for others)."""
    return render(
        request,
        "www/todo.html",
        {
            "counts": counts_for(request.user),
            "page_title": _("À traiter"),
            "breadcrumb": [{"label": _("À traiter")}],
        },
    )


@require_GET
def about(request):
    """Public."""
    return render(
        request, "www/about.html", {"page_title": _("À propos"), "breadcrumb": [{"label": _("À propos")}]}
    )


@require_GET
def accessibility(request):
    """Public: the accessibility statement, built from the RGAA self-audit of docs/accessibility.md."""
    return render(
        request,
        "www/accessibility.html",
        {
            "audit": rgaa_audit(),
            "page_title": _("Déclaration d’accessibilité"),
            "breadcrumb": [{"label": _("Accessibilité")}],
        },
    )


def rgaa_audit():
    """The self-audit (None when docs/accessibility.md is missing or malformed: the page says so)."""
    try:
        return rgaa.load()
    except (OSError, rgaa.AuditError):
        return None


@require_GET
def legal(request):
    """Public: legal notice and personal data."""
    return render(
        request,
        "www/legal.html",
        {
            "security_contact": settings.SECURITY_CONTACT_EMAIL,
            "page_title": _("Mentions légales"),
            "breadcrumb": [{"label": _("Mentions légales")}],
        },
    )


@require_GET
def open_data(request):
    """Public: what the platform publishes and how to reuse it."""
    return render(
        request,
        "www/open_data.html",
        {"page_title": _("Données ouvertes"), "breadcrumb": [{"label": _("Données ouvertes")}]},
    )
