"""Territory pages of the reference geography. Every view here is public."""

from __future__ import annotations

import gzip
import json

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tierslieux.core.cache import cached, cached_page

from . import selectors
from .models import Commune, Department, Epci, Region

SEARCH_PAGE_SIZE = 50
SUGGESTIONS = 8
COMMUNES_PER_PAGE = 50


def _crumbs(*items: tuple[str, str | None]) -> list[dict]:
    return [{"label": _("Territoires"), "url": reverse("geo:index")}] + [
        {"label": label, "url": url} for label, url in items
    ]


@require_GET
def index(request):
    """Public: regions and departments of France, and the territory search box."""
    return render(
        request,
        "geo/index.html",
        {
            "page_title": _("Territoires"),
            "breadcrumb": [{"label": _("Territoires")}],
            "regions": selectors.regions_with_departments(),
            "q": "",  # the search box, empty
        },
    )


def _query(request) -> str:
    return (request.GET.get("q") or "").strip()[:100]


@require_GET
def search(request):
    """Public: full results of the territory search (works without JavaScript)."""
    q = _query(request)
    results = selectors.territory_search(q, limit=SEARCH_PAGE_SIZE + 1) if q else []
    return render(
        request,
        "geo/search.html",
        {
            "page_title": _("Recherche « %(q)s »") % {"q": q} if q else _("Rechercher un territoire"),
            "breadcrumb": _crumbs((_("Recherche"), None)),
            "q": q,
            "results": results[:SEARCH_PAGE_SIZE],
            "truncated": len(results) > SEARCH_PAGE_SIZE,
        },
    )


@require_GET
def suggestions(request):
    """Public: htmx fragment listing the first matches for the header search box."""
    q = _query(request)
    results = selectors.territory_search(q, limit=SUGGESTIONS) if len(q) >= 2 else []
    return render(request, "geo/_suggestions.html", {"q": q, "results": results})


@require_GET
@cached_page()
def commune(request, insee: str):
    """Public: facts, classification, parent and child territories and map of a commune."""
    try:
        item = selectors.commune_get(insee)
    except Commune.DoesNotExist as exc:
        raise Http404(_("Commune inconnue.")) from exc
    context = {
        "page_title": f"{item.name} ({item.insee})",
        "breadcrumb": _crumbs(
            (item.region.name, item.region.get_absolute_url()),
            (item.department.name, item.department.get_absolute_url()),
            (item.name, None),
        ),
        "commune": item,
        "density": selectors.density(item.population, item.area_km2),
        # The geography changes only when it is reloaded: cached until then (core/cache.py).
        **cached(("geo:commune", item.insee), lambda: _commune_extras(item), namespaces=("geo",)),
    }
    return render(request, "geo/commune.html", context)


def _commune_extras(item) -> dict:
    return {
        "classification": selectors.commune_classification(item),
        "qpvs": list((item.parent or item).qpvs.order_by("name")),
        "arrondissements": list(item.arrondissements.order_by("insee")),
        "outline": selectors.commune_outline(item),
        "context_url": selectors.context_outline_urls([item.department_id]),
    }


@require_GET
def epci(request, siren: str):
    """Public: an EPCI, its communes and map."""
    item = get_object_or_404(Epci, siren=siren)
    communes = selectors.epci_communes(item).select_related("department")
    context = {
        "page_title": item.name,
        "breadcrumb": _crumbs((item.name, None)),
        "epci": item,
        "totals": selectors.territory_totals(item.communes.all()),
        "communes": list(communes),
        "departments": Department.objects.filter(communes__epci=item).distinct().order_by("code"),
        "outline": selectors.epci_outline(item),
    }
    context["context_url"] = selectors.context_outline_urls(d.code for d in context["departments"])
    return render(request, "geo/epci.html", context)


@require_GET
def department(request, code: str):
    """Public: a department, its EPCI, its communes (paginated, most populous first) and map."""
    item = get_object_or_404(Department.objects.select_related("region"), code=code.upper())
    page = Paginator(selectors.department_communes(item).select_related("epci"), COMMUNES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_title": f"{item.name} ({item.code})",
        "breadcrumb": _crumbs((item.region.name, item.region.get_absolute_url()), (item.name, None)),
        "department": item,
        "totals": selectors.territory_totals(item.communes.all()),
        "epcis": selectors.department_epcis(item),
        "page_obj": page,
        "outline": json.loads(item.outline) if item.outline else None,
        "context_url": selectors.context_outline_urls([item.code]),
    }
    return render(request, "geo/department.html", context)


@require_GET
def region(request, code: str):
    """Public: a region, its departments and map."""
    item = get_object_or_404(Region, code=code)
    context = {
        "page_title": item.name,
        "breadcrumb": _crumbs((item.name, None)),
        "region": item,
        "totals": selectors.territory_totals(item.communes.all()),
        "departments": selectors.region_departments(item),
        "outline": json.loads(item.outline) if item.outline else None,
    }
    return render(request, "geo/region.html", context)


@require_GET
def outlines(request, level: str):
    """Public: GeoJSON outlines of every region ("regions") or department ("departements"), cacheable."""
    if level not in selectors.OUTLINE_LEVELS:
        raise Http404(_("Contours inconnus."))
    return geojson_response(request, selectors.outlines_geojson_bytes(level), max_age=3600)


@require_GET
def commune_outlines(request, code: str):
    """Public: GeoJSON outlines of the communes of one department (context layer of local maps), cacheable."""
    payload = selectors.commune_outlines_geojson_bytes(code.upper())
    if payload is None:
        raise Http404(_("Département inconnu."))
    return geojson_response(request, payload, max_age=3600)


def geojson_response(request, payload: bytes, *, max_age: int) -> HttpResponse:
    """A public, cacheable GeoJSON response, gzipped when the client accepts it."""
    response = HttpResponse(content_type="application/geo+json")
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response.content = gzip.compress(payload, compresslevel=6, mtime=0)
        response["Content-Encoding"] = "gzip"
    else:
        response.content = payload
    patch_vary_headers(response, ["Accept-Encoding"])
    patch_cache_control(response, public=True, max_age=max_age)
    return response
