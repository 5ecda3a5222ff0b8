"""Territory pages of the reference geography. Every view here is public."""

from __future__ import annotations

import gzip

from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from . import selectors


@require_GET
def outlines(request, level: str):
    """Public: GeoJSON outlines of every region ("regions") or department ("departements"), cacheable."""
    if level not in selectors.OUTLINE_LEVELS:
        raise Http404("Contours inconnus.")
    payload = selectors.outlines_geojson_bytes(level)
    response = HttpResponse(content_type="application/geo+json")
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response.content = gzip.compress(payload, compresslevel=6, mtime=0)
        response["Content-Encoding"] = "gzip"
    else:
        response.content = payload
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, public=True, max_age=3600)
    return response
