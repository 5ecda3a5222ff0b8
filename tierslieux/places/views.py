"""Pages of the atlas: map + list, place page, history, exports, Table Schema."""

from __future__ import annotations

import json

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tierslieux.core.cache import LOCAL, cached, cached_page

from . import exports, extensions, selectors, services
from .forms import AtlasFilterForm
from .hours import week_table
from .index import TYPE_CODES, get_index
from .models import (
    Accessibility,
    EquipmentCategory,
    Label,
    Place,
    PlacePhoto,
    PlaceType,
    PlaceVersion,
    Publication,
    Service,
)

TYPE_COLOURS = {
    "coworking": "#000091",
    "fablab": "#ce0500",
    "makerspace": "#a94645",
    "atelier_partage": "#716043",
    "repair_cafe": "#18753c",
    "living_lab": "#6e445a",
    "culturel": "#8d533e",
    "nourricier": "#447049",
    "campus_connecte": "#0063cb",
    "micro_folie": "#a558a0",
    "france_services": "#3558a2",
    "mediation_numerique": "#00786c",
    "garage_solidaire": "#b34000",
    "autre": "#3a3a3a",
}


def _labels(choices, codes: list[str]) -> list[str]:
    """The labels of choice codes (an unknown code is shown as is)."""
    labels = dict(choices.choices)
    return [labels.get(code, code) for code in codes]


def _legend() -> list[dict]:
    """The colours of the types that have at least one place on the atlas."""
    present = int(np.bitwise_or.reduce(get_index().types)) if len(get_index()) else 0
    return [
        {"code": t.value, "label": t.label, "colour": TYPE_COLOURS[t.value]}
        for t in PlaceType
        if present & (1 << TYPE_CODES.index(t.value))
    ]


def _atlas_context(request) -> dict:
    filters = selectors.parse_filters(request.GET)
    result = selectors.places_filtered(filters)
    paginator = Paginator(range(result.count), selectors.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    places = selectors.places_for_rows(
        result, page.start_index() - 1 if result.count else 0, page.end_index()
    )
    params = request.GET.copy()
    params.pop("page", None)
    labels = dict(PlaceType.choices)
    for place in places:
        place.type_labels = [labels.get(code, code) for code in place.types]
        place.colour = TYPE_COLOURS.get(place.types[0] if place.types else "autre", "#3a3a3a")
    hidden_layer = 0 if filters.shows_digital_inclusion else selectors.digital_inclusion_count(filters)
    with_layer = params.copy()
    with_layer["mediation"] = "1"
    return {
        "filters": filters,
        "hidden_layer_count": hidden_layer,
        "with_layer_query": with_layer.urlencode(),
        "result_count": result.count,
        "page_obj": page,
        "places": places,
        "query": params.urlencode(),
        "territory": selectors.territory_label(filters),
    }


def _filter_form_html(request) -> str:
    """The filter form, rendered once per distinct query in each process (DSFR widgets are slow to render; the
    form only depends on the query string, on the list of regions and departments and on the active
    language), for signed-in people too (core/cache.py; the key carries all it depends on)."""
    choices = selectors.territory_choices()
    key = (
        "atlas:form",
        sorted((k, request.GET.getlist(k)) for k in request.GET if k != "page"),
        hash((tuple(choices["regions"]), tuple(choices["departments"]))),
        get_language(),
        get_index().signature,  # the counts of each value change with the places
    )

    def render_form() -> str:
        form = AtlasFilterForm(
            request.GET or None,
            regions=choices["regions"],
            departments=choices["departments"],
            facets=selectors.atlas_facets(selectors.parse_filters(request.GET)),
        )
        return mark_safe(str(form))  # noqa: S308 (the form's own rendering, escaped by its templates)

    return cached(key, render_form, store=LOCAL, timeout=None)


@require_GET
@cached_page(per_minute=True, vary=lambda: get_index().signature)  # "open now"; the index read
def atlas(request):
    """Public: the map and the list of places, driven by the same filters (works without JavaScript)."""
    context = _atlas_context(request)
    if request.htmx:
        return render(request, "places/_results.html", context)
    initial_view = {"bbox": (-5.5, 41.2, 9.8, 51.2), "zoom": 5}
    context |= {
        "form": _filter_form_html(request),
        "form_media": AtlasFilterForm().media,  # the commune combobox of "Autour de"
        "initial_clusters": selectors.places_clusters(context["filters"], **initial_view),
        "legend": _legend(),
        "type_colours": TYPE_COLOURS,
        "type_codes": TYPE_CODES,
        "page_title": _("Atlas des tiers-lieux"),
        "breadcrumb": [{"label": _("Atlas des tiers-lieux")}],
    }
    return render(request, "places/atlas.html", context)


def _json_ld(place: Place, request) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": place.name,
        "url": request.build_absolute_uri(place.get_absolute_url()),
        "description": place.short_description or place.description[:300],
        "address": {
            "@type": "PostalAddress",
            "streetAddress": place.address,
            "postalCode": place.postcode,
            "addressLocality": place.commune.name,
            "addressCountry": "FR",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": place.lat, "longitude": place.lon},
    }
    if place.website:
        data["sameAs"] = [place.website, *place.social_links]
    if place.opening_hours:
        data["openingHours"] = exports.osm_hours(place.opening_hours)
    # json_script-like escaping: nothing in the data can close the <script> element.
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


@require_GET
@cached_page(per_minute=True, vary=lambda: get_index().signature)  # open now, upcoming events; nearest places
def detail(request, slug: str):
    """Public: everything about one place (never its private contacts), mini-map, nearest places. A place
    waiting for moderation (or refused): its managers, the account that created it and programme staff only
    (404 for anyone else)."""
    place = get_object_or_404(
        selectors.places_with_territory(),
        slug=slug,
    )
    if not selectors.place_can_see(place, request.user):
        raise Http404(_("Lieu inconnu."))
    point = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
        "properties": {"name": place.name},
    }
    return render(
        request,
        "places/detail.html",
        {
            "place": place,
            "type_labels": _labels(PlaceType, place.types),
            "service_labels": _labels(Service, place.services),
            "label_labels": _labels(Label, place.labels),
            "accessibility_labels": _labels(Accessibility, place.accessibility),
            "equipment": [
                (dict(EquipmentCategory.choices).get(e["category"], e["category"]), e["name"])
                for e in place.equipment
            ],
            "week": week_table(place.opening_hours) if place.opening_hours else [],
            "open_now": selectors.place_is_open_now(place) if place.opening_hours else None,
            "upcoming_exceptions": [
                e for e in place.opening_exceptions if e["end"] >= timezone.localdate().isoformat()
            ],
            "nearest": selectors.places_nearest(place),
            "photos": list(place.photos.all()),
            "point": point,
            "json_ld": _json_ld(place, request),
            "can_edit": selectors.place_can_edit(place, request.user),
            "sections": extensions.place_sections(request, place),
            "is_manager": selectors.place_is_managed_by(place, request.user),
            "provenance": selectors.place_provenance(place),
            "page_title": place.name,
            "breadcrumb": [
                {"label": _("Atlas des tiers-lieux"), "url": reverse("places:atlas")},
                {"label": place.name},
            ],
        },
    )


@require_GET
def photo(request, slug: str, pk: int):
    """Public: one photo of a place (re-encoded at upload: JPEG or PNG, no metadata), cacheable. A photo of a
    place waiting for moderation (or refused): the same people as its page (404 for anyone else), not cached."""
    item = get_object_or_404(PlacePhoto.objects.select_related("place"), pk=pk, place__slug=slug)
    if not selectors.place_can_see(item.place, request.user):
        raise Http404(_("Lieu inconnu."))
    try:
        handle = item.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = "image/png" if item.image.name.endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    public = item.place.publication == Publication.PUBLISHED
    response["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    return response


@login_required
@require_POST
def verify(request, slug: str):
    """Managers of this place only: "Ces informations sont à jour" (sets the verification date)."""
    place = get_object_or_404(Place, slug=slug)
    if not selectors.place_is_managed_by(place, request.user):
        raise PermissionDenied(_("Seul·es les gestionnaires du lieu peuvent confirmer sa fiche."))
    place = services.place_verify(place=place, user=request.user)
    messages.success(
        request,
        _("Merci : la fiche est indiquée vérifiée le %(date)s.")
        % {"date": date_format(place.last_verified_at, "j F Y")},
    )
    return redirect("places:detail", slug=slug)


@login_required
@require_GET
def history(request, slug: str):
    """Managers of this place and programme staff: every change (who, when, what); staff can undo one."""
    place = get_object_or_404(Place, slug=slug)
    if not selectors.place_can_see_history(place, request.user):
        raise PermissionDenied
    return _history_page(request, place)


def _history_page(request, place: Place, status: int = 200):
    return render(
        request,
        "places/history.html",
        {
            "place": place,
            "versions": [
                (version, selectors.version_changes(version)) for version in selectors.place_versions(place)
            ],
            "can_revert": selectors.place_can_revert(request.user),
            "page_title": _("Historique — %(place)s") % {"place": place.name},
            "breadcrumb": [
                {"label": _("Atlas des tiers-lieux"), "url": reverse("places:atlas")},
                {"label": place.name, "url": place.get_absolute_url()},
                {"label": _("Historique")},
            ],
        },
        status=status,
    )


@login_required
@require_POST
def revert(request, slug: str, version_id: int):
    """Programme staff only: undo one change of the place. A change that cannot be undone: 409, the history
    again with the reason."""
    version = get_object_or_404(PlaceVersion.objects.select_related("place"), pk=version_id, place__slug=slug)
    if not selectors.place_can_revert(request.user):
        raise PermissionDenied
    try:
        services.place_revert(version=version, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _history_page(request, version.place, status=409)
    messages.success(request, _("La modification a été annulée."))
    return redirect("places:history", slug=slug)


def _export_places(request):
    return exports.rows(selectors.places_queryset(request.GET).order_by("name", "id"))


def _filename(extension: str) -> str:
    return f"tiers-lieux-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_GET
def export_csv(request):
    """Public: the filtered list as CSV (UTF-8, comma; Table Schema at /donnees/schema-tiers-lieux.json)."""
    response = StreamingHttpResponse(
        exports.csv_lines(_export_places(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@require_GET
def export_xlsx(request):
    """Public: the filtered list as an Excel workbook."""
    response = HttpResponse(
        exports.xlsx_bytes(_export_places(request)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response


@require_GET
def export_geojson(request):
    """Public: the filtered list as GeoJSON (WGS 84)."""
    response = StreamingHttpResponse(
        exports.geojson_chunks(_export_places(request)), content_type="application/geo+json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("geojson")}"'
    return response


def _export_mediation(request):
    return exports.mediation_rows(selectors.places_queryset(request.GET).order_by("name", "id"))


@require_GET
def export_mediation_csv(request):
    """Public: the filtered list in the national schema of the "lieux de médiation numérique" (CSV)."""
    response = StreamingHttpResponse(
        exports.mediation_csv_lines(_export_mediation(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="lieux-mediation-numerique-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    return response


@require_GET
def export_mediation_json(request):
    """Public: the filtered list in the national schema of the "lieux de médiation numérique" (JSON)."""
    response = StreamingHttpResponse(
        exports.mediation_json_chunks(_export_mediation(request)),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="lieux-mediation-numerique-{timezone.localdate():%Y-%m-%d}.json"'
    )
    return response


@require_GET
def table_schema(request):
    """Public: the Table Schema (frictionless) of the exports."""
    return JsonResponse(exports.table_schema(), json_dumps_params={"ensure_ascii": False, "indent": 2})
