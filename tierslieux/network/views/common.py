"""Helpers shared by the network's views: one form page, service calls that keep what was typed."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from tierslieux.core.errors import ServiceError


def submit(form, action: Callable[[dict], object]) -> tuple[object | None, int]:
    """Validate `form` and call `action(cleaned_data)`; (result, 200) or (None, 4xx) with the service's French
    message on the form (what was typed stays)."""
    if not form.is_valid():
        return None, 400
    try:
        return action(form.cleaned_data), 200
    except ServiceError as error:
        form.add_error(None, error.message)
        return None, error.status


def form_page(
    request,
    *,
    form,
    title: str,
    submit_label: str,
    access: str,
    crumbs: list[dict],
    status: int = 200,
    intro: str = "",
    multipart: bool = False,
    back_url: str = "",
    extra: dict | None = None,
):
    context = {
        "form": form,
        "page_title": title,
        "submit_label": submit_label,
        "access": access,
        "intro": intro,
        "multipart": multipart,
        "back_url": back_url,
        "breadcrumb": crumbs,
    } | (extra or {})
    return render(request, "network/form.html", context, status=status)


def require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied
