"""Brute-force protection: login lockouts (django-axes, failures stored in the database) and the rate limits
of sign-up and password reset (tierslieux.core.ratelimit, in the shared cache)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tierslieux.core.clientip import client_ip


def axes_username(request, credentials) -> str:
    """The account a login attempt counts against: the address typed, lower-cased (the login field is
    `username`; the admin's login form posts the same field)."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()


def retry_at(request, username: str = "") -> datetime:
    """When the lockout of this client IP or account ends: the cool-off time after the last failure."""
    from axes.models import AccessAttempt

    match = Q(ip_address=client_ip(request))
    if username:
        match |= Q(username=username)
    last = AccessAttempt.objects.filter(match).aggregate(last=Max("attempt_time"))["last"] or timezone.now()
    return last + settings.AXES_COOLOFF_TIME


def wait_message(until) -> str:
    """'Réessayez dans N minutes (à HH:MM).' in French."""
    minutes = max(1, math.ceil((until - timezone.now()) / timedelta(minutes=1)))
    return ngettext(
        "Réessayez dans %(minutes)s minute (à %(time)s).",
        "Réessayez dans %(minutes)s minutes (à %(time)s).",
        minutes,
    ) % {"minutes": minutes, "time": formats.time_format(timezone.localtime(until), "H:i")}


def too_many_response(request, *, message: str, until, template: str = "accounts/locked.html"):
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    response = render(
        request,
        template,
        {"page_title": _("Trop de tentatives"), "message": message, "wait": wait_message(until)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def lockout_response(request, original_response=None, credentials=None):
    """django-axes: the answer to a login while the account or the client IP is locked out (429)."""
    until = retry_at(request, axes_username(request, credentials or {}))
    return too_many_response(
        request,
        message=_(
            "Trop de tentatives de connexion ont échoué pour ce compte ou depuis votre connexion : "
            "la connexion est suspendue pour un moment."
        ),
        until=until,
    )


def rate_window_end(window: int = 3600):
    return timezone.now() + timedelta(seconds=window)
