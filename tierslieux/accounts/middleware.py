"""Session rules of programme staff and administrators (docs/security.md):

- until a second factor is verified in the session, every page but the second-factor pages and logout
  redirects there (enrolment when the person has no TOTP device yet);
- the session ends after STAFF_SESSION_IDLE_SECONDS without a request (a sliding expiry).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .second_factor import has_totp, requires_second_factor

OPEN_PREFIXES = ("/static/", "/media/", "/securite/csp/")


class StaffSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and requires_second_factor(user):
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
            if not user.is_verified() and not self._open(request.path):
                return self._second_factor_needed(request, user)
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        allowed = (
            reverse("accounts:otp_verify"),
            reverse("accounts:otp_setup"),
            reverse("accounts:logout"),
        )
        return path in allowed or path.startswith(OPEN_PREFIXES)

    @staticmethod
    def _second_factor_needed(request, user):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("La double authentification est requise pour ce compte.")}, status=403
            )
        target = reverse("accounts:otp_verify" if has_totp(user) else "accounts:otp_setup")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
