"""The home page and the static pages of the platform. Every view here is public."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
def home(request):
    """Public: presents the platform with live figures."""
    return render(
        request, "www/home.html", {"figures": selectors.home_figures(), "sources": selectors.home_sources()}
    )


@require_GET
def about(request):
    """Public."""
    return render(
        request, "www/about.html", {"page_title": _("À propos"), "breadcrumb": [{"label": _("À propos")}]}
    )


@require_GET
def accessibility(request):
    """Public: the accessibility statement (RGAA)."""
    return render(
        request,
        "www/accessibility.html",
        {"page_title": _("Déclaration d’accessibilité"), "breadcrumb": [{"label": _("Accessibilité")}]},
    )


@require_GET
def legal(request):
    """Public: legal notice and personal data."""
    return render(
        request,
        "www/legal.html",
        {"page_title": _("Mentions légales"), "breadcrumb": [{"label": _("Mentions légales")}]},
    )


@require_GET
def open_data(request):
    """Public: what the platform publishes and how to reuse it."""
    return render(
        request,
        "www/open_data.html",
        {"page_title": _("Données ouvertes"), "breadcrumb": [{"label": _("Données ouvertes")}]},
    )
