"""Pages of a funding agreement: the agreement (everyone who may see it), its completion, signature, amendments,
termination (the call's team), its signed files, and the page of each tranche with its actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tierslieux.calls.eligibility import format_euros
from tierslieux.core.errors import ServiceError
from tierslieux.core.transitions import transition_history

from .. import schedule, selectors, workflows
from ..forms import AgreementForm, AmendmentForm, CommitForm, PayForm, ReasonForm, SignForm
from ..models import Tranche
from ..services import agreements as services
from ..services import tranches as tranche_services
from .common import agreement_for, crumbs, private_file, refusal, upload_too_large

STAFF_ONLY = _("Seule l’équipe de l’appel peut faire cette action (vous avez un accès en lecture).")


def _require_staff(roles: set[str]) -> None:
    if workflows.STAFF not in roles:
        raise ServiceError(
            str(STAFF_ONLY)
            if workflows.READER in roles
            else _("Seule l’équipe de l’appel peut faire cette action."),
            status=403,
        )


def _agreement_crumbs(agreement, roles, label: str | None = None) -> list[dict]:
    items = [(agreement.reference, agreement.get_absolute_url() if label else None)]
    if label:
        items.append((label, None))
    return crumbs(*items, staff=bool(roles & {workflows.STAFF, workflows.READER}))


def _preview(agreement) -> list[schedule.YearPlan]:
    """The calendar a draft agreement would get if signed with its current dates."""
    if agreement.start_date is None or services._duration_error(agreement.duration_months, agreement.years):
        return []
    return schedule.agreement_years(
        start=agreement.start_date,
        duration_months=agreement.duration_months,
        amounts=agreement.amounts,
        report_delay_days=agreement.report_delay_days,
    )


@login_required
@require_GET
def agreement(request, pk: int):
    """The call's team, programme staff (read-only) and the beneficiary (managers of the place, the applicant):
    the agreement, its calendar, tranches, reports, amendments, versions and log. Anyone else: 404."""
    agreement, roles = agreement_for(request, pk)
    is_staff = workflows.STAFF in roles
    tranches = list(agreement.tranches.all())
    logs = list(transition_history(agreement))
    subjects = {(workflows.AGREEMENT.name, agreement.pk): _("Convention")}
    for item in tranches:
        logs.extend(transition_history(item))
        subjects[(workflows.TRANCHE.name, item.pk)] = _("Tranche %(number)s") % {"number": item.number}
    history = selectors.log_rows(logs, subjects)
    return render(
        request,
        "followup/agreement.html",
        {
            "agreement": agreement,
            "roles": roles,
            "is_staff": is_staff,
            "can_read_staff": bool(roles & {workflows.STAFF, workflows.READER}),
            "problems": services.agreement_problems(agreement) if agreement.status == "draft" else [],
            "preview": _preview(agreement) if agreement.status == "draft" else [],
            "tranches": tranches,
            "reports": list(agreement.reports.all()),
            "amendments": list(agreement.amendments.select_related("created_by")),
            "versions": list(agreement.versions.select_related("created_by")),
            "history": history,
            "actions": workflows.AGREEMENT.available(agreement.status, roles),
            "can_complete": is_staff and services.agreement_is_done(agreement),
            "total": format_euros(agreement.total),
            "paid": format_euros(sum(t.amount for t in tranches if t.status == "paid")),
            "page_title": _("Convention %(reference)s") % {"reference": agreement.reference},
            "breadcrumb": _agreement_crumbs(agreement, roles),
        },
    )


def _staff_form(
    request, pk: int, *, form_class, run, done, title, submit, intro="", uploads=False, form_kwargs=None
):
    """A staff form on an agreement: GET shows it; a valid POST runs `run(agreement, cleaned_data, form)` (a
    service), says `done(result)` and goes back to the agreement; a refusal is shown in the form (what was typed
    kept) with its status."""
    agreement, roles = agreement_for(request, pk)
    _require_staff(roles)
    if uploads and request.method == "POST" and upload_too_large(request):
        raise ServiceError(_("Le fichier dépasse 10 Mo : rien n’a été enregistré."), status=413)
    form = form_class(
        request.POST or None, request.FILES or None, **(form_kwargs(agreement) if form_kwargs else {})
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = run(agreement, form.cleaned_data, form)
            except ServiceError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, done(result))
                return redirect("followup:agreement", agreement.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "agreement": agreement,
            "submit_label": submit,
            "intro": intro(agreement) if callable(intro) else intro,
            "multipart": uploads,
            "back_url": agreement.get_absolute_url(),
            "page_title": title % {"reference": agreement.reference},
            "breadcrumb": _agreement_crumbs(agreement, roles, title % {"reference": agreement.reference}),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk: int):
    """The call's team only, on a draft (signed: 409): complete the beneficiary, purpose, dates, conditions."""

    def run(agreement, data, form):
        return services.agreement_update(
            agreement=agreement, actor=request.user, data={name: data[name] for name in services.DRAFT_FIELDS}
        )

    agreement, _roles = agreement_for(request, pk)
    if agreement.status != "draft" and workflows.STAFF in _roles:
        raise ServiceError(_("Une convention signée ne change plus que par avenant."), status=409)
    return _staff_form(
        request,
        pk,
        form_class=AgreementForm,
        form_kwargs=lambda agreement: {"instance": agreement},
        run=run,
        done=lambda result: _("La convention est enregistrée."),
        title=_("Compléter la convention %(reference)s"),
        submit=_("Enregistrer"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_sign(request, pk: int):
    """The call's team only, on a complete draft: mark it signed (date, signed PDF checked by content)."""

    def run(agreement, data, form):
        return services.agreement_sign(
            agreement=agreement, actor=request.user, signed_on=data["signed_on"], upload=data["signed_file"]
        )

    def intro(agreement):
        problems = services.agreement_problems(agreement)
        return (
            " ".join(problems)
            if problems
            else _("La première tranche deviendra exigible à la date de signature.")
        )

    return _staff_form(
        request,
        pk,
        form_class=SignForm,
        run=run,
        done=lambda result: _("La convention est signée : ses tranches et ses rapports annuels sont créés."),
        title=_("Marquer la convention %(reference)s comme signée"),
        submit=_("Marquer comme signée"),
        intro=intro,
        uploads=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_amend(request, pk: int):
    """The call's team only, on a signed agreement: record an avenant (amounts, duration or beneficiary)."""

    def run(agreement, data, form):
        return services.agreement_amend(
            agreement=agreement,
            actor=request.user,
            kind=data["kind"],
            effective_on=data["effective_on"],
            reason=data["reason"],
            values=form.values(),
            upload=data.get("signed_file"),
        )

    return _staff_form(
        request,
        pk,
        form_class=AmendmentForm,
        form_kwargs=lambda agreement: {"agreement": agreement},
        run=run,
        done=lambda amendment: _("L’avenant n° %(number)s est enregistré.") % {"number": amendment.number},
        title=_("Avenant à la convention %(reference)s"),
        submit=_("Enregistrer l’avenant"),
        intro=_("Choisissez la nature de l’avenant : seuls les champs de cette nature sont pris en compte."),
        uploads=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_terminate(request, pk: int):
    """The call's team only: terminate the agreement (reason required); unpaid tranches are cancelled."""
    return _staff_form(
        request,
        pk,
        form_class=ReasonForm,
        run=lambda agreement, data, form: services.agreement_terminate(
            agreement=agreement, actor=request.user, reason=data["reason"]
        ),
        done=lambda result: _("La convention est résiliée."),
        title=_("Résilier la convention %(reference)s"),
        submit=_("Résilier"),
        intro=_("La résiliation est définitive : les tranches non payées sont annulées."),
    )


@login_required
@require_POST
def agreement_complete(request, pk: int):
    """The call's team only: close an agreement whose tranches are paid and reports accepted (else 409)."""
    agreement, roles = agreement_for(request, pk)
    _require_staff(roles)
    services.agreement_complete(agreement=agreement, actor=request.user)
    messages.success(request, _("La convention est soldée."))
    return redirect("followup:agreement", agreement.pk)


@login_required
@require_GET
def agreement_file(request, pk: int):
    """Whoever may see the agreement (team, programme staff, beneficiary): its signed PDF. Others: 404."""
    agreement, _roles = agreement_for(request, pk)
    if not agreement.signed_file:
        return refusal(request, _("Aucune convention signée n’est jointe."), status=404)
    return private_file(agreement.signed_file, agreement.signed_file_name or f"{agreement.reference}.pdf")


@login_required
@require_GET
def amendment_file(request, pk: int, number: int):
    """Whoever may see the agreement: the signed PDF of one of its amendments. Others: 404."""
    agreement, _roles = agreement_for(request, pk)
    amendment = get_object_or_404(agreement.amendments, number=number)
    if not amendment.signed_file:
        return refusal(request, _("Aucun avenant signé n’est joint."), status=404)
    return private_file(
        amendment.signed_file, amendment.signed_file_name or f"{agreement.reference}-avenant.pdf"
    )


# --- Tranches ------------------------------------------------------------------------------------------------
ACTION_FORMS = {"commit": CommitForm, "pay": PayForm, "suspend": ReasonForm, "cancel": ReasonForm}


@login_required
@require_http_methods(["GET", "POST"])
def tranche(request, pk: int):
    """The call's team (actions), programme staff and the beneficiary (read): one tranche, its dates and log.
    POST `action` fires a transition of the tranche workflow (staff only; refused: 4xx with the reason)."""
    item = get_object_or_404(Tranche.objects.select_related("agreement"), pk=pk)
    agreement, roles = agreement_for(request, item.agreement_id)
    actions = workflows.TRANCHE.available(item.status, roles) if agreement.status == "signed" else []
    forms = {
        rule.action: ACTION_FORMS.get(rule.action, lambda *a, **k: None)(prefix=rule.action)
        for rule in actions
    }
    status = 200
    if request.method == "POST":
        _require_staff(roles)
        action = request.POST.get("action", "")
        form_class = ACTION_FORMS.get(action)
        form = form_class(request.POST, prefix=action) if form_class else None
        if form is not None:
            forms[action] = form
        status = 400
        if form is None or form.is_valid():
            data = form.cleaned_data if form is not None else {}
            try:
                tranche_services.tranche_act(
                    tranche=item,
                    actor=request.user,
                    action=action,
                    reason=data.get("reason", ""),
                    on=data.get("on"),
                    service_done_on=data.get("service_done_on"),
                )
            except ServiceError as error:
                if form is None:
                    raise
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Tranche %(number)s : %(status)s.")
                    % {"number": item.number, "status": item.status_label},
                )
                return redirect("followup:tranche", item.pk)
    return render(
        request,
        "followup/tranche.html",
        {
            "tranche": item,
            "agreement": agreement,
            "actions": [(rule, forms.get(rule.action)) for rule in actions if workflows.STAFF in roles],
            "history": selectors.log_rows(transition_history(item)),
            "today": timezone.localdate(),
            "page_title": _("Tranche %(number)s — %(reference)s")
            % {"number": item.number, "reference": agreement.reference},
            "breadcrumb": _agreement_crumbs(
                agreement, roles, _("Tranche %(number)s") % {"number": item.number}
            ),
        },
        status=status,
    )
