"""Endpoints of the locating widgets (geo/forms.py): the commune autocomplete's suggestions and the optional
address geocoder. JSON, public (they serve the public place proposal form)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .coordinates import in_france
from .geocoding import GeocoderUnavailable, geocode, geocoder_enabled
from .resolution import commune_resolve, commune_suggestions

GEOCODE_PER_MINUTE = 30


@require_GET
def suggestions(request):
    """Public: communes matching ?q= (name, postcode or INSEE code), best first, for the commune combobox."""
    q = (request.GET.get("q") or "").strip()[:100]
    results = [
        {
            "insee": s.insee,
            "name": s.name,
            "label": s.label,
            "detail": s.detail,
            "lon": s.lon,
            "lat": s.lat,
        }
        for s in commune_suggestions(q)
    ]
    response = JsonResponse(results, safe=False, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    return response


def _client_key(request) -> str:
    return "geo:geocode:" + (request.META.get("REMOTE_ADDR") or "?")


@require_GET
def geocode_address(request):
    """Public, when the geocoder is enabled (404 otherwise): addresses in France for ?q= (and the commune or
    postcode typed), for the map picker. More than 30 requests a minute from one address: 429."""
    if not geocoder_enabled():
        raise Http404(_("La recherche d’adresse n’est pas activée."))
    key = _client_key(request)
    count = cache.get_or_set(key, 0, 60)
    if count >= GEOCODE_PER_MINUTE:
        return JsonResponse(
            {"error": _("Trop de recherches d’adresse : réessayez dans une minute.")}, status=429
        )
    cache.incr(key)
    query = (request.GET.get("q") or "").strip()[:200]
    if len(query) < 3:
        return JsonResponse({"error": _("Indiquez une adresse."), "results": []}, status=400)
    insee = (request.GET.get("insee") or "").strip()[:5]
    commune_text = (request.GET.get("commune") or "").strip()[:150]
    postcode = (request.GET.get("postcode") or "").strip()[:5]
    if not insee and commune_text:
        match = commune_resolve(text=commune_text)
        insee = match.commune.pk if match.commune else ""
    try:
        found = geocode(query, postcode=postcode, insee=insee)
    except GeocoderUnavailable as error:
        return JsonResponse({"error": str(error), "results": []}, status=503)
    results = [
        {
            "label": a.label,
            "lon": a.lon,
            "lat": a.lat,
            "kind": a.kind,
            "score": round(a.score, 3),
            "insee": a.insee,
        }
        for a in found
        if in_france(a.lon, a.lat)
    ]
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
