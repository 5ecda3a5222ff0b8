"""The optional address geocoder: one provider, the Base Adresse Nationale search API (api-adresse.data.gouv.fr,
or its successor on the Géoplateforme, same answer format), called only when `GEOCODER_URL` is set
(docs/environment.md); off by default, so that nothing leaves the platform unless an operator says so.

    geocoder_enabled()                                  # GEOCODER_URL is set
    geocode("2 quai Carnot", postcode="29900")          # [GeocodedAddress(label, lon, lat, score, kind, …)]

Errors of the network or of the service raise GeocoderUnavailable (French message); the forms then simply
keep the map and the coordinates. Standard library only (urllib): one GET per request, with a timeout.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

KINDS = ("housenumber", "street", "locality", "municipality")


class GeocoderUnavailable(Exception):
    """The geocoder is off, unreachable or answered something unreadable; the message is French."""


@dataclass(frozen=True)
class GeocodedAddress:
    label: str
    lon: float
    lat: float
    score: float
    kind: str  # housenumber, street, locality, municipality
    postcode: str = ""
    insee: str = ""


def geocoder_enabled() -> bool:
    return bool(getattr(settings, "GEOCODER_URL", ""))


def geocode(query: str, *, postcode: str = "", insee: str = "", limit: int = 5) -> list[GeocodedAddress]:
    """Addresses matching `query` (best first), restricted to a postcode or an INSEE code when given."""
    if not geocoder_enabled():
        raise GeocoderUnavailable(_("La recherche d’adresse n’est pas activée sur cette plateforme."))
    query = " ".join((query or "").split())[:200]
    if len(query) < 3:
        return []
    params = {"q": query, "limit": str(max(1, min(limit, 10)))}
    if insee:
        params["citycode"] = insee
    elif postcode:
        params["postcode"] = postcode
    url = (
        settings.GEOCODER_URL
        + ("&" if "?" in settings.GEOCODER_URL else "?")
        + urllib.parse.urlencode(params)
    )
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "tiers-lieux"})  # noqa: S310 (operator's URL)
    try:
        with urllib.request.urlopen(request, timeout=settings.GEOCODER_TIMEOUT) as response:  # noqa: S310 (operator's URL)
            payload = json.loads(response.read(1_000_000).decode("utf-8"))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError, UnicodeDecodeError):
        raise GeocoderUnavailable(
            _("La recherche d’adresse ne répond pas : placez le point sur la carte.")
        ) from None
    results = []
    for feature in payload.get("features", []) if isinstance(payload, dict) else []:
        try:
            lon, lat = (float(v) for v in feature["geometry"]["coordinates"][:2])
            properties = feature.get("properties") or {}
            results.append(
                GeocodedAddress(
                    label=str(properties.get("label", ""))[:300],
                    lon=lon,
                    lat=lat,
                    score=float(properties.get("score") or 0),
                    kind=str(properties.get("type", "")),
                    postcode=str(properties.get("postcode", "")),
                    insee=str(properties.get("citycode", "")),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return results
