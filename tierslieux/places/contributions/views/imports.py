"""Staff import of places: upload a file, map its columns, map its unknown values, preview every row
(paginated; a merge names its target and shows the change of each field; each row's decision can be
changed), commit in one transaction; the history of imports, their reports (CSV) and their cancellation.

Every page here is for programme staff (and administrators) only."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.core.numbers import fr_number
from tierslieux.places.importing import (
    IMPORT_FIELDS,
    LIST_FIELDS,
    MAX_BYTES,
    ImportFileError,
    place_import_cancel,
    place_import_commit,
    place_import_decide,
    place_import_prepare,
    place_import_set_mapping,
    place_import_set_values,
    place_import_start,
    report_csv,
    summary_text,
)
from tierslieux.places.importing.fields import guess_codes
from tierslieux.places.importing.formats import FORMATS
from tierslieux.places.importing.present import present_row, raw_text
from tierslieux.places.importing.services import (
    action_label,
    decided_rows,
    import_table,
    plan_counts,
    plan_rows,
    preview_report,
    unknown_values,
)
from tierslieux.places.models import PlaceImport

from ..forms import ImportUploadForm, MappingForm, ValuesForm
from .moderation import staff_only

CRUMB = {"label": gettext_lazy("Importer des lieux"), "url": reverse_lazy("contributions:import")}
HISTORY_CRUMB = {
    "label": gettext_lazy("Historique des imports"),
    "url": reverse_lazy("contributions:import_history"),
}
ROWS_PER_PAGE = 50
FILTERS = {
    "": gettext_lazy("Toutes les lignes"),
    "review": gettext_lazy("À vérifier"),
    "create": gettext_lazy("Créations"),
    "merge": gettext_lazy("Fusions"),
    "unchanged": gettext_lazy("Inchangées"),
    "rejected": gettext_lazy("Rejetées"),
    "skip": gettext_lazy("Écartées"),
}


def _columns(place_import: PlaceImport) -> list[str]:
    """The file's columns, in its order (kept with the import)."""
    if not hasattr(place_import, "_columns"):
        try:
            place_import._columns = import_table(place_import).columns
        except ImportFileError:
            place_import._columns = []
    return place_import._columns


def _get(pk: int) -> PlaceImport:
    return get_object_or_404(PlaceImport.objects.select_related("created_by", "cancelled_by"), pk=pk)


def _draft(pk: int):
    place_import = _get(pk)
    if place_import.status != PlaceImport.Status.DRAFT:
        return place_import, redirect("contributions:import_detail", pk=pk)
    return place_import, None


@staff_only
@require_http_methods(["GET", "POST"])
def upload(request):
    """Programme staff only: upload a file to import. Bad input: 400 (too large a file: 413), the form again
    with the source typed."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            file = form.cleaned_data["file"]
            if file.size > MAX_BYTES:
                form.add_error(
                    "file",
                    _("Le fichier pèse %(size)s Mo : la limite est de %(limit)s Mo.")
                    % {"size": fr_number(file.size / 1024 / 1024, 1), "limit": MAX_BYTES // 1024 // 1024},
                )
                status = 413
            else:
                try:
                    place_import = place_import_start(
                        file_name=file.name,
                        content=file.read(),
                        source=form.cleaned_data["source"],
                        user=request.user,
                    )
                except ImportFileError as error:
                    form.add_error("file", str(error))
                else:
                    return redirect("contributions:import_mapping", pk=place_import.pk)
    return render(
        request,
        "contributions/import/upload.html",
        {
            "form": form,
            "page_title": _("Importer des lieux"),
            "breadcrumb": [{"label": _("Importer des lieux")}],
            "recent": PlaceImport.objects.exclude(status=PlaceImport.Status.DRAFT).defer(
                "content", "plan", "report"
            )[:5],
        },
        status=status,
    )


def _samples(table, limit: int = 3) -> dict[str, list[str]]:
    samples: dict[str, list[str]] = {column: [] for column in table.columns}
    for _line, row in table.rows[:200]:
        for column in table.columns:
            value = (row.get(column) or "").strip()
            if value and len(samples[column]) < limit and value[:40] not in samples[column]:
                samples[column].append(value[:40])
    return samples


@staff_only
@require_http_methods(["GET", "POST"])
def mapping(request, pk: int):
    """Programme staff only: which place field each column of the file fills. A mapping without the name
    column: 400 with the choices kept."""
    place_import, done = _draft(pk)
    if done:
        return done
    try:
        table = import_table(place_import)
    except ImportFileError as error:  # the file was readable at upload; keep the page safe anyway
        messages.error(request, str(error))
        return redirect("contributions:import")
    choices = [("", _("— ignorer —"))] + [(field, _(label)) for field, label in IMPORT_FIELDS.items()]
    initial = {f"col_{n}": place_import.mapping.get(column, "") for n, column in enumerate(table.columns)}
    form = MappingForm(
        request.POST or None, columns=table.columns, choices=choices, initial=initial, samples=_samples(table)
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                plan = place_import_set_mapping(place_import=place_import, mapping=form.mapping())
            except ImportFileError as error:
                form.add_error(None, str(error))
            else:
                if plan.unknown_values:
                    return redirect("contributions:import_values", pk=pk)
                return redirect("contributions:import_preview", pk=pk)
    known = FORMATS.get(place_import.file_format)
    return render(
        request,
        "contributions/import/mapping.html",
        {
            "form": form,
            "place_import": place_import,
            "table": table,
            "format": _(known.label) if known else "",
            "name_missing": "name" not in place_import.mapping.values(),
            "page_title": _("Correspondance des colonnes"),
            "breadcrumb": [CRUMB, {"label": _("Colonnes")}],
        },
        status=status,
    )


@staff_only
@require_http_methods(["GET", "POST"])
def values(request, pk: int):
    """Programme staff only: what the unknown values of list fields (types, services, labels, accessibility)
    mean; remembered for the next imports of the same source."""
    place_import, done = _draft(pk)
    if done:
        return done
    if not place_import.plan:
        return redirect("contributions:import_mapping", pk=pk)
    unknown = [
        (field, value, count, guess_codes(field, value))
        for field in LIST_FIELDS
        for value, count in sorted(
            unknown_values(place_import).get(field, {}).items(), key=lambda i: (-i[1], i[0])
        )
    ]
    choices = {field: list(choices.choices) for field, choices in LIST_FIELDS.items()}
    form = ValuesForm(request.POST or None, unknown=unknown, choices=choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                place_import_set_values(place_import=place_import, mappings=form.mappings())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Correspondances enregistrées pour la source « %(source)s ».")
                    % {"source": place_import.source},
                )
                return redirect("contributions:import_preview", pk=pk)
    return render(
        request,
        "contributions/import/values.html",
        {
            "form": form,
            "place_import": place_import,
            "page_title": _("Correspondance des valeurs"),
            "breadcrumb": [CRUMB, {"label": _("Valeurs")}],
        },
        status=status,
    )


def _filtered(place_import: PlaceImport, wanted: str) -> list[tuple[dict, str, str, bool]]:
    from tierslieux.places.importing.planning import needs_review

    rows = []
    for row, decision, action in decided_rows(place_import):
        review = needs_review(row, decision)
        if not wanted or action == wanted or (wanted == "review" and review):
            rows.append((row, decision, action, review))
    return rows


def _filter_links(place_import: PlaceImport, counts: dict, wanted: str, url_name: str) -> list[dict]:
    base = reverse(url_name, args=[place_import.pk])
    total = (
        len(plan_rows(place_import))
        if place_import.status == PlaceImport.Status.DRAFT
        else len(place_import.report)
    )
    links = []
    for key, label in FILTERS.items():
        if key == "review" and place_import.status != PlaceImport.Status.DRAFT:
            continue
        count = total if not key else counts.get(key, 0)
        links.append(
            {
                "label": label,
                "count": count,
                "url": base + (f"?{urlencode({'filtre': key})}" if key else ""),
                "current": key == wanted,
            }
        )
    return links


def _decisions_from(request, place_import: PlaceImport) -> dict[str, str]:
    lines = {str(row["line"]) for row in plan_rows(place_import)}
    return {
        key[2:]: value
        for key, value in request.POST.items()
        if key.startswith("d-") and key[2:] in lines and value
    }


@staff_only
@require_http_methods(["GET", "POST"])
def preview(request, pk: int):
    """Programme staff only: every row of the file and what importing it does (nothing is written until
    "Importer"); choices per row; a bad choice: 400."""
    place_import, done = _draft(pk)
    if done:
        return done
    if not place_import.plan:
        try:
            place_import_prepare(place_import=place_import)
        except ImportFileError:
            return redirect("contributions:import_mapping", pk=pk)
    wanted = request.GET.get("filtre", "") if request.GET.get("filtre", "") in FILTERS else ""
    status = 200
    if request.method == "POST":
        try:
            place_import_decide(place_import=place_import, decisions=_decisions_from(request, place_import))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            if request.POST.get("action") == "commit":
                try:
                    counts = place_import_commit(place_import=place_import, user=request.user)
                except (ValidationError, ImportFileError) as error:
                    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
                    status = 400
                else:
                    messages.success(
                        request, _("Import terminé : %(summary)s.") % {"summary": summary_text(counts)}
                    )
                    return redirect("contributions:import_detail", pk=pk)
            else:
                page = request.POST.get("goto") or request.GET.get("page") or "1"
                if request.POST.get("action") == "save":
                    messages.success(request, _("Vos choix sont enregistrés."))
                query = {"page": page} | ({"filtre": wanted} if wanted else {})
                return redirect(reverse("contributions:import_preview", args=[pk]) + "?" + urlencode(query))
    counts = plan_counts(place_import)
    rows = _filtered(place_import, wanted)
    page_obj = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "contributions/import/preview.html",
        {
            "place_import": place_import,
            "counts": counts,
            "summary": summary_text(counts),
            "filters": _filter_links(place_import, counts, wanted, "contributions:import_preview"),
            "wanted": wanted,
            "page_obj": page_obj,
            "rows": [present_row(*item, columns=_columns(place_import)) for item in page_obj.object_list],
            "total": len(plan_rows(place_import)),
            "page_title": _("Aperçu de l’import"),
            "breadcrumb": [CRUMB, {"label": _("Aperçu")}],
        },
        status=status,
    )


def _detail_page(request, place_import: PlaceImport, *, status: int = 200):
    wanted = request.GET.get("filtre", "") if request.GET.get("filtre", "") in FILTERS else ""
    rows = [r for r in place_import.report if not wanted or r["action"] == wanted]
    page_obj = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    title = _("Import n° %(number)s") % {"number": place_import.pk}
    return render(
        request,
        "contributions/import/detail.html",
        {
            "place_import": place_import,
            "summary": summary_text(place_import.counts),
            "filters": _filter_links(
                place_import, place_import.counts, wanted, "contributions:import_detail"
            ),
            "wanted": wanted,
            "page_obj": page_obj,
            "rows": [
                r
                | {
                    "action_label": action_label(r["action"]),
                    "raw_text": raw_text(r.get("raw", {}), _columns(place_import)),
                }
                for r in page_obj.object_list
            ],
            "page_title": title,
            "breadcrumb": [CRUMB, HISTORY_CRUMB, {"label": title}],
        },
        status=status,
    )


@staff_only
@require_GET
def detail(request, pk: int):
    """Programme staff only: an import (who, when, file, counts) and its report, row by row."""
    place_import = _get(pk)
    if place_import.status == PlaceImport.Status.DRAFT:
        return redirect("contributions:import_mapping", pk=pk)
    return _detail_page(request, place_import)


@staff_only
@require_GET
def report(request, pk: int):
    """Programme staff only: the report of an import (or, before it is committed, of its preview) as CSV."""
    place_import = _get(pk)
    rows = (
        place_import.report
        if place_import.status != PlaceImport.Status.DRAFT
        else preview_report(place_import)
    )
    response = HttpResponse(
        report_csv(rows, site_url=settings.SITE_URL, columns=_columns(place_import)),
        content_type="text/csv; charset=utf-8",
    )
    suffix = "rapport" if place_import.status != PlaceImport.Status.DRAFT else "apercu"
    response["Content-Disposition"] = f'attachment; filename="import-{place_import.pk}-{suffix}.csv"'
    return response


@staff_only
@require_GET
def history(request):
    """Programme staff only: every import (who, when, which file, what it did)."""
    imports = PlaceImport.objects.select_related("created_by").defer("content", "plan", "report")
    page_obj = Paginator(imports.exclude(status=PlaceImport.Status.DRAFT), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "contributions/import/history.html",
        {
            "page_obj": page_obj,
            "imports": [(i, summary_text(i.counts)) for i in page_obj.object_list],
            "drafts": imports.filter(status=PlaceImport.Status.DRAFT, created_by=request.user)[:10],
            "page_title": _("Historique des imports"),
            "breadcrumb": [CRUMB, {"label": _("Historique des imports")}],
        },
    )


@staff_only
@require_POST
def cancel(request, pk: int):
    """Programme staff only: cancel an import (every place it changed restored, those it created removed).
    Refused (409, the import page with the reason) when it is not a finished import or a place it created
    is now managed or used by an application."""
    place_import = _get(pk)
    try:
        result = place_import_cancel(place_import=place_import, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if place_import.status == PlaceImport.Status.DRAFT:
            return redirect("contributions:import_mapping", pk=pk)
        return _detail_page(request, place_import, status=409)
    restored, removed = result["restored"], result["removed"]
    text = _("Import annulé : %(restored)s, %(removed)s.") % {
        "restored": ngettext("%(n)s lieu rétabli", "%(n)s lieux rétablis", max(restored, 1))
        % {"n": restored},
        "removed": ngettext("%(n)s lieu supprimé", "%(n)s lieux supprimés", max(removed, 1)) % {"n": removed},
    }
    if result["kept"]:
        text += " " + _("Modifiés depuis l’import, donc conservés : %(fields)s.") % {
            "fields": ", ".join(result["kept"])
        }
    messages.success(request, text)
    return redirect("contributions:import_detail", pk=pk)
