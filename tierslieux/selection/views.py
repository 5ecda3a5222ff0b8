"""Pages of the selection optimiser. Programme staff only (read: every wave; run, save, replay, propose: the
call's team and administrators, as in the call's back office); anyone else gets a French 403 (anonymous
visitors: the login page)."""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.core.errors import ServiceError
from tierslieux.core.middleware import refusal

from . import charts, exports, report, selectors, services
from .forms import CompareForm, ParametersForm, SaveForm
from .models import Run, RunStatus

ACCESS_REFUSED = gettext_lazy("Accès refusé")


def _read_only(request) -> HttpResponse:
    return refusal(request, READ_ONLY, title=ACCESS_REFUSED)


def staff_only(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.can_use(request.user):
            return refusal(
                request,
                _("Les scénarios de sélection sont réservés à l’équipe du programme."),
                title=ACCESS_REFUSED,
            )
        return view(request, *args, **kwargs)

    return wrapped


def _wave(request, pk: int):
    wave = get_object_or_404(selectors.waves_readable_by(request.user), pk=pk)
    return wave, selectors.can_write(request.user, wave)


def _run(request, pk: int) -> tuple[Run, bool]:
    run = get_object_or_404(selectors.runs_readable_by(request.user), pk=pk)
    return run, selectors.can_write(request.user, run.wave)


def _crumbs(wave, label: str | None = None) -> list[dict]:
    crumbs = [
        {"label": _("Gestion des appels"), "url": reverse("calls:manage_index")},
        {"label": wave.call.title, "url": reverse("calls:staff_list", args=[wave.call.pk])},
        {
            "label": _("Comité — %(wave)s") % {"wave": wave.name},
            "url": reverse("calls:committee", args=[wave.pk]),
        },
        {"label": _("Proposer une sélection"), "url": reverse("selection:wave", args=[wave.pk])},
    ]
    if label:
        crumbs.append({"label": label})
    else:
        crumbs[-1] = {"label": _("Proposer une sélection")}
    return crumbs


READ_ONLY = gettext_lazy(
    "Seule l’équipe de cet appel peut lancer, enregistrer, rejouer ou proposer un scénario."
)


@staff_only
@require_http_methods(["GET", "POST"])
def wave(request, pk: int):
    """Programme staff only (running: the call's team): the parameter form, the runs and saved scenarios."""
    wave, can_write = _wave(request, pk)
    form = ParametersForm(request.POST or None, wave=wave)
    status = 200
    if request.method == "POST":
        if not can_write:
            return _read_only(request)
        if form.is_valid():
            run = services.run_start(wave=wave, actor=request.user, parameters=form.parameters())
            return redirect("selection:run", run.pk)
        status = 400
    runs = list(selectors.runs_of_wave(wave)[:50])
    saved = [r for r in runs if r.name and r.status == RunStatus.DONE]
    return render(
        request,
        "selection/wave.html",
        {
            "wave": wave,
            "can_write": can_write,
            "form": form,
            "runs": runs,
            "compare_form": CompareForm(runs=selectors.finished_runs_of_wave(wave).exclude(name="")),
            "saved": saved,
            "candidates": selectors.candidates_count(wave),
            "page_title": _("Proposer une sélection — %(wave)s") % {"wave": wave.name},
            "breadcrumb": _crumbs(wave),
        },
        status=status,
    )


def _run_context(run: Run) -> dict:
    result, baseline = run.result or {}, run.baseline or {}
    context: dict = {
        "result": result,
        "baseline": baseline,
        "network": selectors.network_summary(run.parameters),
    }
    if run.status != RunStatus.DONE:
        return context
    context["rows"] = report.rows(result, baseline, run.context)
    context["notes"] = (run.context or {}).get("notes", [])
    if result.get("assignment") is not None and result.get("status") in ("optimal", "time_limit"):
        context["comparison"] = report.compare(result, baseline)
        context["chart"] = charts.tradeoff_chart(
            run.tradeoff,
            title=_("Note totale selon la population nouvellement couverte, pour plusieurs valeurs de λ"),
        )
        context["zones"] = report.white_zone_counts(result, run.context, run.inputs)
        context["geojson"] = report.map_geojson(result, run.context, run.inputs)
        context["context_url"] = selectors.map_context_url(run)
    return context


def _run_page(request, run: Run, can_write: bool, save_form: SaveForm | None = None, status: int = 200):
    return render(
        request,
        "selection/run.html",
        {
            "run": run,
            "wave": run.wave,
            "can_write": can_write,
            "save_form": save_form or SaveForm(initial={"name": run.name}),
            **_run_context(run),
            "page_title": f"{run.display_name} — {run.wave.name}",
            "breadcrumb": _crumbs(run.wave, run.display_name),
        },
        status=status,
    )


@staff_only
@require_GET
def run(request, pk: int):
    """Programme staff only: a run's status (polled with htmx until it ends), then its results."""
    run, can_write = _run(request, pk)
    return _run_page(request, run, can_write)


@staff_only
@require_GET
def run_status(request, pk: int):
    """Programme staff only: the status fragment polled every second; tells htmx to reload once finished."""
    run = get_object_or_404(selectors.runs_readable_by(request.user).defer(*selectors.RUN_STORED_DATA), pk=pk)
    response = render(request, "selection/_status.html", {"run": run})
    if run.is_finished and request.GET.get("polling"):
        response["HX-Refresh"] = "true"
    return response


def _write_action(request, pk: int, action, success: str, then=lambda run: redirect("selection:run", run.pk)):
    """Run `action(run)` for the call's team, then answer `then(run)` (by default: the run's page). The action
    refused (the run is not in a state that allows it: unfinished, unsaved, without a selection): the service's
    Conflict, answered 409 by the middleware."""
    run, can_write = _run(request, pk)
    if not can_write:
        return _read_only(request)
    action(run)
    messages.success(request, success)
    return then(run)


@staff_only
@require_POST
def save(request, pk: int):
    """The call's team only: give the run a name (it becomes a saved scenario); errors keep the name typed."""
    run, can_write = _run(request, pk)
    if not can_write:
        return _read_only(request)
    form = SaveForm(request.POST)
    if form.is_valid():
        try:
            services.scenario_save(run=run, actor=request.user, name=form.cleaned_data["name"])
        except ServiceError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("Scénario enregistré."))
            return redirect("selection:run", run.pk)
    run.refresh_from_db()
    return _run_page(request, run, can_write, save_form=form, status=400)


@staff_only
@require_POST
def replay(request, pk: int):
    """The call's team only: ask for a background re-run of the optimiser from the stored inputs, to check the
    result is identical."""
    return _write_action(
        request,
        pk,
        lambda run: services.run_replay(run=run, actor=request.user),
        _("Le calcul est rejoué en arrière-plan : le résultat s’affiche dans « Audit et reproductibilité »."),
    )


@staff_only
@require_POST
def propose(request, pk: int):
    """The call's team only: the scenario's selection becomes the wave's proposed decisions (nothing decided)."""
    return _write_action(
        request,
        pk,
        lambda run: services.scenario_propose(run=run, actor=request.user),
        _("La sélection est proposée au comité : chaque dossier reste à décider."),
        then=lambda run: redirect("calls:committee", run.wave_id),
    )


def _export_rows(run: Run):
    if run.status != RunStatus.DONE:
        return None
    return report.rows(run.result, run.baseline, run.context)


@staff_only
@require_GET
def export(request, pk: int, fmt: str):
    """Programme staff only: the scenario as CSV or XLSX (one line per candidate file)."""
    run, _can_write = _run(request, pk)
    rows = _export_rows(run)
    if rows is None:
        return refusal(request, _("Le calcul n’est pas terminé : rien à exporter."), status=409)
    filename = f"scenario-{run.wave_id}-{run.pk}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    result = run.result or {}
    figures = [
        ("statut", result.get("status_label", "")),
        ("lambda_points_pour_10000_hab", run.parameters.get("points_per_10k")),
        ("rayon_km", run.parameters.get("radius_km")),
        ("note_totale", result.get("score_total")),
        ("population_nouvellement_couverte", result.get("newly_covered_population")),
        ("ecart_optimalite_pct", result.get("gap_pct")),
        ("solveur", run.solver_version),
        ("parametres", json.dumps(run.parameters, ensure_ascii=False)),
    ]
    response = HttpResponse(
        exports.to_xlsx(rows, title=run.display_name, figures=figures),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


@staff_only
@require_GET
def compare(request, pk: int):
    """Programme staff only: two finished runs of the wave side by side (selections, differences, figures)."""
    wave, _can_write = _wave(request, pk)
    form = CompareForm(request.GET or None, runs=selectors.finished_runs_of_wave(wave))
    context = {"wave": wave, "form": form}
    status = 200
    if form.is_valid():
        a = Run.objects.get(pk=form.cleaned_data["a"].pk)
        b = Run.objects.get(pk=form.cleaned_data["b"].pk)
        envelopes = {**(a.context or {}).get("envelopes", {}), **(b.context or {}).get("envelopes", {})}
        refs = sorted(
            set((a.context or {}).get("applications", {})) | set((b.context or {}).get("applications", {}))
        )
        ass_a, ass_b = a.result.get("assignment") or {}, b.result.get("assignment") or {}
        context.update(
            {
                "a": a,
                "b": b,
                "comparison": report.compare(a.result, b.result),
                "lines": [
                    {
                        "reference": ref,
                        "a": envelopes.get(ass_a.get(ref, ""), ""),
                        "b": envelopes.get(ass_b.get(ref, ""), ""),
                        "differs": ass_a.get(ref) != ass_b.get(ref),
                    }
                    for ref in refs
                    if ref in ass_a or ref in ass_b
                ],
            }
        )
    elif request.GET:
        status = 400
    context.update(
        {
            "page_title": _("Comparer deux scénarios — %(wave)s") % {"wave": wave.name},
            "breadcrumb": _crumbs(wave, _("Comparer deux scénarios")),
        }
    )
    return render(request, "selection/compare.html", context, status=status)
