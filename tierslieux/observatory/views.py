"""Pages of the public observatory. Every view is public (no account, no role): the figures are built from
public data and from aggregates whose small cells are hidden. Filters are GET parameters (region, departement,
epci, annee); a bad value answers 400 with the reason in French."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tierslieux.core.security import embeddable
from tierslieux.core.spreadsheets import csv_bytes

from . import catalogue, figures
from .forms import filters_from
from .selectors import Filters, Observatory

INVALID = gettext_lazy("Filtres invalides : corrigez les valeurs signalées.")


def _spec(figure_id: str) -> catalogue.FigureSpec:
    spec = catalogue.FIGURES.get(figure_id)
    if spec is None:
        raise Http404(_("Cette figure n’existe pas."))
    return spec


def _suffix(filters: Filters) -> str:
    query = filters.query()
    return f"?{query}" if query else ""


def figure_item(request, figure: figures.Figure, filters: Filters, *, heading: str = "h3") -> dict:
    """What a template needs to show one figure: its chart (SVG, every text escaped by `charts.py`), its rows
    with their links, and the URLs of its downloads, page and embed for the same filters."""
    suffix = _suffix(filters)
    embed_url = request.build_absolute_uri(reverse("observatory:embed", args=[figure.id]) + suffix)
    rows = [
        {
            "label": row.label,
            "url": figure.links.get(row.key),
            "cells": [
                {"text": text, "hidden": hidden} for text, hidden in zip(row.cells, row.hidden, strict=True)
            ],
        }
        for row in figure.display_rows
    ]
    return {
        "figure": figure,
        "svg": mark_safe(figures.figure_svg(figure, f"graphique-{figure.id}")),  # noqa: S308 (escaped)
        "rows": rows,
        "wide": len(figure.table.columns) > 3,
        "heading": heading,
        "page_url": reverse("observatory:figure", args=[figure.id]) + suffix,
        "absolute_url": request.build_absolute_uri(reverse("observatory:figure", args=[figure.id]) + suffix),
        "csv_url": reverse("observatory:figure_csv", args=[figure.id]) + suffix,
        "json_url": reverse("observatory:figure_json", args=[figure.id]) + suffix,
        "embed_code": f'<iframe src="{escape(embed_url)}" title="{escape(figure.title)}" width="100%" height="640" '
        f'style="border: 0" loading="lazy"></iframe>',
        "min_cell": figures.MIN_CELL,
        "n": figures.format_value(figure.n, "count"),
    }


def _base_context(filters: Filters | None) -> dict:
    return {
        "territory": filters.territory if filters else None,
        "today": date_format(timezone.localdate(), "j F Y"),
        "min_cell": figures.MIN_CELL,
    }


@require_GET
def index(request):
    """Public: every figure of the observatory for the territory and year of the URL; bad filters: 400."""
    form, filters = filters_from(request.GET)
    context = {
        **_base_context(filters),
        "form": form,
        "page_title": _("Observatoire des tiers-lieux"),
        "breadcrumb": [{"label": _("Observatoire")}],
    }
    if filters is None:
        return render(request, "observatory/index.html", context, status=400)
    obs = Observatory(filters)
    groups = [
        {
            "key": group,
            "label": catalogue.GROUPS[group],
            "items": [figure_item(request, figure, filters) for figure in items],
        }
        for group, items in catalogue.build_all(obs)
    ]
    context.update(
        groups=groups,
        page_title=_("Observatoire des tiers-lieux — %(territory)s") % {"territory": filters.territory.title},
        method_url=reverse("observatory:method"),
    )
    return render(request, "observatory/index.html", context)


@require_GET
def figure_page(request, figure_id: str):
    """Public: one figure alone (to link, print or embed), for the filters of the URL; unknown figure: 404, bad
    filters: 400."""
    spec = _spec(figure_id)
    form, filters = filters_from(request.GET)
    context = {
        **_base_context(filters),
        "form": form,
        "form_action": reverse("observatory:figure", args=[figure_id]),
        "breadcrumb": [
            {"label": _("Observatoire"), "url": reverse("observatory:index")},
            {"label": _("Figure")},
        ],
        "page_title": _("Observatoire des tiers-lieux"),
    }
    if filters is None:
        return render(request, "observatory/figure.html", context, status=400)
    figure = spec.build(Observatory(filters))
    context.update(
        item=figure_item(request, figure, filters, heading="h1"),
        page_title=figure.title,
        index_url=reverse("observatory:index") + _suffix(filters),
        method_url=reverse("observatory:method"),
    )
    context["breadcrumb"][0]["url"] = context["index_url"]
    context["breadcrumb"][1]["label"] = figure.title
    return render(request, "observatory/figure.html", context)


@require_GET
@embeddable(*settings.OBSERVATORY_EMBED_ANCESTORS)
def embed(request, figure_id: str):
    """Public: one figure without the site's header and footer, to be shown in an `<iframe>` on another site
    (the only observatory route that may be framed); unknown figure: 404, bad filters: 400."""
    spec = _spec(figure_id)
    form, filters = filters_from(request.GET)
    if filters is None:
        return render(
            request,
            "observatory/embed.html",
            {"form": form, "page_title": _("Observatoire des tiers-lieux"), "invalid": str(INVALID)},
            status=400,
        )
    figure = spec.build(Observatory(filters))
    context = {
        **_base_context(filters),
        "item": figure_item(request, figure, filters, heading="h1"),
        "page_title": figure.title,
        "source_url": request.build_absolute_uri(
            reverse("observatory:figure", args=[figure.id]) + _suffix(filters)
        ),
    }
    return render(request, "observatory/embed.html", context)


def _invalid_json(form) -> JsonResponse:
    return JsonResponse(
        {
            "detail": str(INVALID),
            "errors": {name: [str(m) for m in messages] for name, messages in form.errors.items()},
        },
        status=400,
        json_dumps_params={"ensure_ascii": False},
    )


def _file_name(figure: figures.Figure, filters: Filters, extension: str) -> str:
    territory = slugify(filters.territory.title) or "france"
    year = f"-{filters.year}" if filters.year else ""
    return f"observatoire-{figure.id}-{territory}{year}.{extension}"


def figure_payload(figure: figures.Figure, filters: Filters) -> dict:
    """The JSON of a figure (download and API): its data, territory, year and date."""
    territory = filters.territory
    return {
        **figures.figure_data(figure),
        "territory": {"kind": territory.kind, "code": territory.code, "name": territory.name},
        "year": filters.year,
        "computed_on": timezone.localdate().isoformat(),
    }


@require_GET
def figure_json(request, figure_id: str):
    """Public: the data of one figure as JSON (raw values; hidden cells are null and listed); bad filters: 400."""
    spec = _spec(figure_id)
    form, filters = filters_from(request.GET)
    if filters is None:
        return _invalid_json(form)
    figure = spec.build(Observatory(filters))
    response = HttpResponse(
        json.dumps(figure_payload(figure, filters), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{_file_name(figure, filters, "json")}"'
    return response


@require_GET
def figure_csv(request, figure_id: str):
    """Public: the table of one figure as CSV (`;`, UTF-8; hidden cells "s"); bad filters: 400 (plain text)."""
    spec = _spec(figure_id)
    form, filters = filters_from(request.GET)
    if filters is None:
        lines = [str(INVALID)] + [f"{name} : {' '.join(messages)}" for name, messages in form.errors.items()]
        return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")
    figure = spec.build(Observatory(filters))
    header, lines = figures.figure_csv_rows(figure)
    response = HttpResponse(csv_bytes(header, lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(figure, filters, "csv")}"'
    return response


@require_GET
def method(request):
    """Public: definitions, sources and their dates, the small-cell rule and each figure's method."""
    obs = Observatory(Filters())
    figures_list = [
        {"id": spec.id, "figure": spec.build(obs), "group": catalogue.GROUPS[spec.group]}
        for spec in catalogue.specs()
    ]
    return render(
        request,
        "observatory/method.html",
        {
            **_base_context(Filters()),
            "page_title": _("Observatoire — méthode et sources"),
            "breadcrumb": [
                {"label": _("Observatoire"), "url": reverse("observatory:index")},
                {"label": _("Méthode et sources")},
            ],
            "figures": figures_list,
            "geography_sources": catalogue.geography_sources(),
        },
    )
