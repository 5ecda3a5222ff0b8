"""Public API of the atlas, mounted under /api/v1/places (OpenAPI at /api/v1/docs).

Responses are GeoJSON (WGS 84) built directly from the in-memory index and the export rows: the same
fields as the CSV export (Table Schema at /donnees/schema-tiers-lieux.json), never any personal data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from tierslieux.core.cache import cached_json, cached_json_hit
from tierslieux.geo.resolution import commune_resolve

from . import exports, selectors
from .index import get_index

router = Router(tags=["Tiers-lieux"])
MAX_PAGE_SIZE = 500
_NUMBER = r"-?[0-9]+(\.[0-9]+)?"
BBOX_PATTERN = rf"^({_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER})?$"
INSEE_PATTERN = r"^([0-9][0-9AB][0-9]{3})?$"
FILTERS_DOC = (
    "Filtres (répétables) : `type`, `service`, `label`, `status` ; `open_now=1` ; `region`, `department`, "
    "`epci`, `commune` (codes) ; `q` (recherche tolérante aux accents et fautes) ; `lat`+`lon`, `around` "
    "(nom de commune, code postal ou code INSEE ; un nom que portent plusieurs communes désigne la plus "
    "peuplée) ou `around_insee` (code INSEE, celui qu’a choisi l’autocomplétion des communes) pour trier par "
    "distance, `radius` (km) ; `mediation=1` ajoute la couche des "
    "lieux de médiation numérique (liste d’une seule région, comptée à part des tiers-lieux)."
)


def _geojson(data: dict, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        content_type="application/geo+json; charset=utf-8",
        status=status,
    )


def _unknown_parameter(name: str, message: str) -> HttpResponse:
    """400 in the API's error shape (`tierslieux/api/api.py::ERROR_SCHEMA`) for a well-formed value that
    names nothing."""
    body = {
        "detail": _("Paramètres invalides."),
        "errors": [{"parameter": name, "in": "query", "type": "unknown", "message": message}],
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8", status=400
    )


@router.get(
    "/places", url_name="places_list", summary="Lieux filtrés (GeoJSON paginé)", description=FILTERS_DOC
)
def places_list(
    request,
    q: str = "",
    type: list[str] = Query(None),  # noqa: B008 (ninja idiom)
    service: list[str] = Query(None),  # noqa: B008
    label: list[str] = Query(None),  # noqa: B008
    status: list[str] = Query(None),  # noqa: B008
    open_now: bool = False,
    region: str = "",
    department: str = "",
    epci: str = "",
    commune: str = "",
    lat: float | None = None,
    lon: float | None = None,
    around: str = "",
    around_insee: str = Query(
        "",
        pattern=INSEE_PATTERN,
        description=(
            "Code INSEE de la commune autour de laquelle trier, par exemple 29019 (Brest). Seul, il désigne "
            "cette commune ; avec `around`, comme dans l’atlas, il compte tant que `around` nomme encore "
            "cette commune (sinon `around` décide). Un code qu’aucune commune ne porte : 400."
        ),
    ),
    radius: float | None = None,
    mediation: bool = False,
    page: int = Query(1, ge=1),
    page_size: int = Query(20, ge=1, le=MAX_PAGE_SIZE),
):
    """A FeatureCollection of one page of places (`count`, `page`, `pages`, `next`); an unknown `around_insee`:
    400 in the API's error shape."""
    if around_insee and (match := commune_resolve(insee=around_insee)).commune is None:
        return _unknown_parameter("around_insee", match.message)
    return cached_json(request, _vary(request), lambda: _places_list(request, page, page_size))


def memory_first(ninja_view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A Django view in front of one of django-ninja's views of the two routes the map asks on every pan
    (`places_list`, `places_clusters`): an answer this process keeps (`cached_json`) is served at once, without
    django-ninja's resolution and its validation of the query parameters again (an answer is kept only once they
    were valid, under a key holding all of them); anything else goes to django-ninja. Mounted before the API in
    config/urls.py; the same access as the API (public)."""

    @wraps(ninja_view)  # with its csrf_exempt, as django-ninja's views
    def view(request, *args, **kwargs) -> HttpResponse:
        kept = cached_json_hit(request, _vary(request))
        return kept if kept is not None else ninja_view(request, *args, **kwargs)

    return view


def _vary(request) -> tuple:
    """What an answer depends on besides the places and geography versions: its parameters, the index it was
    read from (rebuilt in the background after a change), the scheme and host (absolute `next` links) and, for "open
    now", the minute."""
    minute = timezone.localtime().strftime("%H%M") if "open_now" in request.GET else ""
    return (sorted(request.GET.lists()), get_index().signature, request.build_absolute_uri("/"), minute)


def _places_list(request, page: int, page_size: int) -> HttpResponse:
    filters = selectors.parse_filters(request.GET)
    result = selectors.places_filtered(filters)
    start = (page - 1) * page_size
    page_rows = result.rows[start : start + page_size]
    features = [
        exports.feature_from_row(row) for row in exports.rows_for_ids(result.index.ids[page_rows].tolist())
    ]
    if result.distances_km is not None:
        for item, distance in zip(
            features, result.distances_km[start : start + page_size].tolist(), strict=False
        ):
            item["properties"]["distance_km"] = round(distance, 2)
    pages = max(1, -(-result.count // page_size))
    following = None
    if page < pages:
        params = request.GET.copy()
        params["page"] = str(page + 1)
        following = request.build_absolute_uri(request.path) + "?" + params.urlencode()
    return _geojson(
        {
            "type": "FeatureCollection",
            "count": result.count,
            "page": page,
            "pages": pages,
            "next": following,
            "warnings": filters.errors,
            "features": features,
        }
    )


@router.get(
    "/places/clusters",
    url_name="places_clusters",
    summary="Regroupements pour la carte",
    description="`bbox=ouest,sud,est,nord` (degrés) et `zoom` (0–20). " + FILTERS_DOC,
)
def places_clusters(
    request,
    bbox: str = Query("", pattern=BBOX_PATTERN, description="ouest,sud,est,nord (degrés WGS 84, sud ≤ nord)"),
    zoom: int = Query(5, ge=0, le=22),
):
    """Clusters computed on the server: each feature has `count`; a cluster has `bounds` and
    `expansion_zoom`, a single place has `id`, `name` and `type`."""
    box = None
    if bbox:
        try:
            box = tuple(float(v) for v in bbox.split(","))
        except ValueError:
            box = ()
        if len(box) != 4 or not (-90 <= box[1] <= box[3] <= 90):
            raise HttpError(400, "bbox attendu : ouest,sud,est,nord en degrés (WGS 84).")
    if not 0 <= zoom <= 22:
        raise HttpError(400, "zoom attendu entre 0 et 22.")
    return cached_json(
        request, _vary(request), lambda: _geojson(selectors.places_clusters(request.GET, bbox=box, zoom=zoom))
    )


@router.get("/places/{place_id}", url_name="places_detail", summary="Un lieu (Feature GeoJSON)")
def places_detail(request, place_id: int):
    """A published place (a project place waiting for moderation is not public: 404)."""
    place = get_object_or_404(selectors.places_with_territory().published(), pk=place_id)
    return _geojson(exports.feature(place))
