"""PDF documents of the platform (a submitted dossier, its receipt), rendered from HTML templates by WeasyPrint.

The templates are self-contained (their CSS inline, no external resource is fetched: `url_fetcher` refuses
everything), so a PDF renders the same on any machine, offline. Fonts: those of the system (DejaVu on Debian;
`.ci/run` installs fonts-dejavu-core and the Pango libraries WeasyPrint needs).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"PDF: external resource refused ({url[:80]})")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs time, only PDF views need it

    # PDF/UA-1: a tagged PDF (structure tree, language, title) that screen readers can read.
    pdf: bytes = HTML(string=html, url_fetcher=_no_fetch).write_pdf(pdf_variant="pdf/ua-1")
    return pdf


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], *, filename: str
) -> HttpResponse:
    """A PDF rendered from `template`, served inline with `filename` (private: never cached by proxies)."""
    html = render_to_string(template, context, request=request)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
