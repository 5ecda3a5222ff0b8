"""Pages of the territorial diagnostic. Every page is public except the what-if preview (programme staff)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tierslieux.accounts.roles import is_programme_staff
from tierslieux.geo.views import geojson_response

from . import charts, exports, selectors
from .forms import WhatIfForm, place_filter_from
from .inputs import DEFAULT_FILTER, LABELLED_NETWORK, fingerprint_scope

COMMUNES_PER_PAGE = 50
KINDS = ("region", "departement", "epci", "commune")


def _territory(kind: str | None, code: str | None) -> selectors.Territory:
    if kind is None:
        return selectors.FRANCE
    if kind not in KINDS:
        raise Http404(_("Type de territoire inconnu."))
    try:
        return selectors.territory_get(kind, code or "")
    except selectors.TerritoryNotFound as exc:
        raise Http404(_("Territoire inconnu.")) from exc


def _crumbs(territory: selectors.Territory) -> list[dict]:
    items = [{"label": _("Diagnostic territorial"), "url": reverse("diagnostic:france")}]
    items += [{"label": label, "url": url} for label, url in territory.parents]
    if territory.kind != "france":
        items.append({"label": territory.title})
    else:
        items[-1] = {"label": _("Diagnostic territorial")}
    return items


def _table_territory(territory: selectors.Territory) -> selectors.Territory | None:
    """The territory whose communes the map shows (and the table repeats); None: the map shows departments."""
    if selectors.map_level(territory) == "departement":
        return None
    if territory.kind == "commune" and territory.epci_code:
        return selectors.territory_get("epci", territory.epci_code)
    return territory


@require_GET
@fingerprint_scope()  # the data fingerprints are read once per request
def territory(request, kind: str | None = None, code: str | None = None):
    """Public: key figures, map, white zones and charts of France or of one territory; GET filters."""
    item = _territory(kind, code)
    form, place_filter = place_filter_from(request.GET)
    context = {
        "page_title": _("Diagnostic territorial — %(territory)s") % {"territory": item.title},
        "breadcrumb": _crumbs(item),
        "territory": item,
        "form": form,
        "place_filter": place_filter,
        "legend": selectors.map_legend(),
        "can_what_if": is_programme_staff(request.user),
    }
    if place_filter is None:
        return render(request, "diagnostic/territory.html", context, status=400)
    diagnostic = selectors.territory_diagnostic(item, place_filter)
    query = place_filter.query()
    context.update(
        diagnostic=diagnostic,
        query=query,
        histogram_svg=charts.bar_chart(
            diagnostic.histogram, title=_("Nombre de communes par distance au tiers-lieu le plus proche")
        ),
        children_svg=charts.bar_chart(
            diagnostic.children,
            title=_("Part de la population à moins de %(km)s km d’un tiers-lieu, par subdivision")
            % {"km": f"{diagnostic.summary.white_zone_km:g}"},
            max_value=1.0,
        ),
        map_url=item.url("map") + (f"?{query}" if query else ""),
        export_csv=item.url("export_csv") + (f"?{query}" if query else ""),
        export_xlsx=item.url("export_xlsx") + (f"?{query}" if query else ""),
        what_if_form=WhatIfForm() if context["can_what_if"] else None,
        **_network_link(item, place_filter),
    )
    table_territory = _table_territory(item)
    if table_territory is not None:
        rows = selectors.commune_rows(table_territory, place_filter)
        context["table_territory"] = table_territory
        context["page_obj"] = Paginator(rows, COMMUNES_PER_PAGE).get_page(request.GET.get("page"))
        context["page_query"] = query
    return render(request, "diagnostic/territory.html", context)


def _network_link(territory: selectors.Territory, place_filter) -> dict:
    """The other count of the same page: the labelled network (the optimiser's default existing network) when the
    page counts something else, and back to the default count otherwise."""
    if place_filter == LABELLED_NETWORK:
        return {
            "network_url": territory.url(),
            "network_label": _("Revenir à tous les tiers-lieux ouverts."),
        }
    return {
        "network_url": f"{territory.url()}?{LABELLED_NETWORK.query()}",
        "network_label": _(
            "Voir la couverture du seul réseau labellisé, celui que l’optimiseur de sélection compte par défaut."
        ),
    }


def _filter_or_400(request):
    _form, place_filter = place_filter_from(request.GET)
    if place_filter is None:
        return None, HttpResponse(
            _("Filtre invalide : cochez au moins un statut connu."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return place_filter, None


@require_GET
def map_data(request, kind: str | None = None, code: str | None = None):
    """Public: GeoJSON of the choropleth (departments for France and regions, communes below), cacheable."""
    item = _territory(kind, code)
    place_filter, error = _filter_or_400(request)
    if error:
        return error
    return geojson_response(request, selectors.choropleth_geojson(item, place_filter), max_age=300)


@fingerprint_scope()  # the data fingerprints are read once per request
def _export(request, fmt: str, kind: str | None, code: str | None):
    item = _territory(kind, code)
    place_filter, error = _filter_or_400(request)
    if error:
        return error
    rows = selectors.commune_rows(item, place_filter)
    name = f"couverture-{slugify(item.title) or 'territoire'}"
    if fmt == "csv":
        response = HttpResponse(exports.rows_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.rows_xlsx(rows, title="Communes"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
def export_csv(request, kind: str | None = None, code: str | None = None):
    """Public: the per-commune table of the territory as CSV (semicolon separated, UTF-8)."""
    return _export(request, "csv", kind, code)


@require_GET
def export_xlsx(request, kind: str | None = None, code: str | None = None):
    """Public: the per-commune table of the territory as an Excel workbook."""
    return _export(request, "xlsx", kind, code)


@require_POST
def what_if(request):
    """Programme staff only: preview of a hypothetical new place (htmx fragment, or a page without JS).

    Nothing is written.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_programme_staff(request.user):
        raise PermissionDenied(_("Réservé à l’équipe du programme."))
    _form, place_filter = place_filter_from(request.POST)
    form = WhatIfForm(request.POST)
    context = {"what_if_form": form, "place_filter": place_filter or DEFAULT_FILTER}
    status = 200
    if place_filter is None:
        context["error"] = _("Filtre invalide : cochez au moins un statut connu.")
        status = 400
    elif not form.is_valid():
        status = 400
    else:
        lon, lat = form.cleaned_data["point"]
        context["preview"] = selectors.what_if(lon, lat, place_filter)
        context["place_label"] = form.cleaned_data["place_label"]
    template = "diagnostic/_what_if_result.html" if request.htmx else "diagnostic/what_if.html"
    if not request.htmx:
        context.update(
            page_title=_("Simulation d’un nouveau tiers-lieu"),
            breadcrumb=[
                {"label": _("Diagnostic territorial"), "url": reverse("diagnostic:france")},
                {"label": _("Simulation")},
            ],
        )
    return render(request, template, context, status=status)
