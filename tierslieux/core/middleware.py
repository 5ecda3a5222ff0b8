"""Platform-wide request guards."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from .uploads import UploadTooLarge


def too_large(request):
    limit = settings.UPLOAD_MAX_FILE_SIZE // (1024 * 1024)
    return render(
        request,
        "413.html",
        {
            "message": _(
                "Votre envoi dépasse %(limit)s Mo : rien n’a été enregistré (%(limit)s Mo au plus par fichier)."
            )
            % {"limit": limit}
        },
        status=413,
    )


class RequestSizeLimitMiddleware:
    """Refuses (413, French page) a request whose declared body exceeds UPLOAD_MAX_REQUEST_SIZE before
    anything reads it (the CSRF check reads POST data, so this runs first), and turns the streaming upload
    handler's UploadTooLarge into the same page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.UPLOAD_MAX_REQUEST_SIZE:
            return too_large(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UploadTooLarge):
            return too_large(request)
        return None
