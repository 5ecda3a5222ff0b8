"""Helpers shared by the contribution views."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tierslieux.core import ratelimit
from tierslieux.places.models import Place
from tierslieux.places.selectors import place_can_see

from ..forms import add_service_error, bot_detected

RATE_LIMIT_MESSAGE = gettext_lazy(
    "Vous avez envoyé beaucoup de messages en peu de temps : réessayez dans une heure."
)


def get_place(slug: str, user=None) -> Place:
    """The place of `slug`; a place not yet public exists only for those who may see it (else 404)."""
    place = get_object_or_404(Place.objects.select_related("commune"), slug=slug)
    if not place_can_see(place, user):
        raise Http404(_("Lieu inconnu."))
    return place


def place_crumbs(place: Place, label: str) -> list[dict]:
    return [
        {"label": _("Atlas des tiers-lieux"), "url": reverse("places:atlas")},
        {"label": place.name, "url": place.get_absolute_url()},
        {"label": label},
    ]


def form_page(
    request,
    *,
    form,
    title: str,
    submit: str,
    place=None,
    intro: str = "",
    status: int = 200,
    honeypot: bool = True,
    crumbs=None,
    extra=None,
):
    context = {
        "form": form,
        "page_title": title,
        "submit_label": submit,
        "intro": intro,
        "place": place,
        "place_url": place.get_absolute_url() if place else "",
        "honeypot": honeypot,
        "breadcrumb": crumbs or (place_crumbs(place, title) if place else [{"label": title}]),
    } | (extra or {})
    return render(request, "contributions/form_page.html", context, status=status)


def guard_public_post(request, scope: str, form) -> str:
    """For a public POST: "bot" (honeypot filled: pretend success), "limited" (too many: error on the form)
    or "" (go on)."""
    if bot_detected(request):
        return "bot"
    if ratelimit.rate_limited(request, scope):
        form.add_error(None, RATE_LIMIT_MESSAGE)
        return "limited"
    return ""


def submit_public_form(request, scope: str, form, submit, success: str):
    """Handle the POST of a public form: honeypot, rate limit, validation, the service call `submit(data)`.
    Returns a redirect when done, else the HTTP status to re-render the form with (400 or 429)."""
    guard = guard_public_post(request, scope, form)
    if guard == "bot":
        return redirect("contributions:thanks")
    if guard == "limited":
        return 429
    if form.is_valid():
        try:
            submit(form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            ratelimit.rate_hit(request, scope)
            messages.success(request, success)
            return redirect("contributions:thanks")
    return 400
