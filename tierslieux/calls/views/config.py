"""Configuration of a call by programme staff: the call, its team, envelopes, waves, eligibility rules,
scoring grid and extra questions.

Who: programme staff read every call's configuration; only the members of a call's team (and administrators)
change it. Everyone else: 404 (the back office of a call is not revealed).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import Role, is_programme_staff
from tierslieux.core.errors import ServiceError

from .. import selectors, services
from ..forms import CallForm, CriterionForm, EnvelopeForm, QuestionForm, RuleForm, StaffForm, WaveForm
from ..models import Call, Status
from .common import call_readable, require_manage

# kind in the URL → (related name on Call, form, save service, argument, titles: (add, edit))
ITEMS = {
    "enveloppes": (
        "envelopes",
        EnvelopeForm,
        services.envelope_save,
        "envelope",
        (gettext_lazy("Ajouter une enveloppe"), gettext_lazy("Modifier une enveloppe")),
    ),
    "vagues": (
        "waves",
        WaveForm,
        services.wave_save,
        "wave",
        (gettext_lazy("Ajouter une vague"), gettext_lazy("Modifier une vague")),
    ),
    "criteres": (
        "criteria",
        CriterionForm,
        services.criterion_save,
        "criterion",
        (gettext_lazy("Ajouter un critère"), gettext_lazy("Modifier un critère")),
    ),
    "questions": (
        "questions",
        QuestionForm,
        services.question_save,
        "question",
        (gettext_lazy("Ajouter une question"), gettext_lazy("Modifier une question")),
    ),
}


def _crumbs(call: Call | None = None, label: str | None = None) -> list[dict]:
    crumbs = [{"label": _("Gestion des appels"), "url": reverse("calls:manage_index")}]
    if call is not None:
        crumbs.append({"label": call.title, "url": reverse("calls:call_manage", args=[call.pk])})
    if label:
        crumbs.append({"label": label})
    return crumbs


def _staff_only(request):
    if not (is_programme_staff(request.user) or selectors.is_admin(request.user)):
        raise Http404


@login_required
def manage_index(request):
    """Programme staff only (others: 404): every call, the ones they manage first."""
    _staff_only(request)
    managed = set(selectors.calls_managed_by(request.user).values_list("pk", flat=True))
    calls = selectors.calls_readable_by(request.user).order_by("-created_at")
    return render(
        request,
        "calls/manage_index.html",
        {
            "calls": [(call, call.pk in managed) for call in calls],
            "page_title": _("Gestion des appels"),
            "breadcrumb": _crumbs(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request):
    """Programme staff only: create a call (its creator joins its team)."""
    _staff_only(request)
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(user=request.user, data=form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("L’appel est créé : ajoutez ses enveloppes, vagues, règles et critères.")
            )
            return redirect("calls:call_manage", call.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "submit_label": _("Créer l’appel"),
            "page_title": _("Nouvel appel"),
            "breadcrumb": _crumbs(None, _("Nouvel appel")),
        },
        status=400 if form.errors else 200,
    )


@login_required
def call_manage(request, pk: int):
    """Programme staff (read-only outside the call's team): the configuration of a call, with the forms to
    add envelopes, waves, rules, criteria and questions (team only)."""
    call, can_manage = call_readable(request, pk)
    rules = selectors.call_rules(call)
    counts = selectors.wave_counts(call)
    return render(
        request,
        "calls/call_manage.html",
        {
            "call": call,
            "can_manage": can_manage,
            "rules": rules,
            "waves": [(wave, sum(counts.get(wave.pk, {}).values())) for wave in call.waves.all()],
            "team": call.staff.all(),
            # Submitted dossiers (drafts are the applicant's), from the counts already read.
            "applications_count": sum(
                number
                for statuses in counts.values()
                for status, number in statuses.items()
                if status != Status.DRAFT
            ),
            "page_title": _("Gestion — %(call)s") % {"call": call.title},
            "breadcrumb": _crumbs(call),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, pk: int):
    """The call's team only: edit the call itself."""
    call, can_manage = call_readable(request, pk)
    if denied := require_manage(request, call, can_manage):
        return denied
    form = CallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(call=call, data=form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("L’appel est enregistré."))
            return redirect("calls:call_manage", call.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "submit_label": _("Enregistrer"),
            "page_title": _("Modifier — %(call)s") % {"call": call.title},
            "breadcrumb": _crumbs(call, _("Modifier")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_staff(request, pk: int):
    """The call's team only: choose the programme staff members on the team."""
    call, can_manage = call_readable(request, pk)
    if denied := require_manage(request, call, can_manage):
        return denied
    queryset = User.objects.filter(
        groups__name__in=[Role.PROGRAMME_STAFF.value, Role.ADMINISTRATOR.value], is_active=True
    ).distinct()
    form = StaffForm(request.POST or None, queryset=queryset, initial={"staff": call.staff.all()})
    if request.method == "POST" and form.is_valid():
        services.call_set_staff(call=call, users=form.cleaned_data["staff"])
        messages.success(request, _("L’équipe de l’appel est enregistrée."))
        return redirect("calls:call_manage", call.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "submit_label": _("Enregistrer l’équipe"),
            "page_title": _("Équipe — %(call)s") % {"call": call.title},
            "breadcrumb": _crumbs(call, _("Équipe")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int, kind: str, item_pk: int | None = None):
    """The call's team only: add (or edit) an envelope, a wave, a criterion or a question."""
    if kind not in ITEMS:
        raise Http404
    call, can_manage = call_readable(request, pk)
    if denied := require_manage(request, call, can_manage):
        return denied
    related, form_class, save, argument, (add_title, edit_title) = ITEMS[kind]
    item = get_object_or_404(getattr(call, related), pk=item_pk) if item_pk else None
    form = form_class(request.POST or None, instance=item, prefix=kind)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form._meta.fields}
        if kind == "questions":
            data["choices"] = form.cleaned_data["choices"]
        try:
            save(call=call, data=data, **{argument: item})
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("C’est enregistré."))
            return redirect(reverse("calls:call_manage", args=[call.pk]) + f"#{kind}")
    title = str(edit_title if item else add_title)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "submit_label": _("Enregistrer"),
            "page_title": f"{title} — {call.title}",
            "breadcrumb": _crumbs(call, title),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_add(request, pk: int):
    """The call's team only: compose an eligibility rule from the list of conditions."""
    call, can_manage = call_readable(request, pk)
    if denied := require_manage(request, call, can_manage):
        return denied
    form = RuleForm(request.POST or None, call=call, prefix="regle")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rule_create(
                call=call,
                name=data["name"],
                kind=data["kind"],
                params=data["params"],
                envelopes=data["envelopes"],
                wave=data["wave"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("La règle est ajoutée."))
            return redirect(reverse("calls:call_manage", args=[call.pk]) + "#regles")
    return render(
        request,
        "calls/rule_form.html",
        {
            "form": form,
            "call": call,
            "page_title": _("Ajouter une règle — %(call)s") % {"call": call.title},
            "breadcrumb": _crumbs(call, _("Ajouter une règle")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def item_delete(request, pk: int, kind: str, item_pk: int):
    """The call's team only: delete an envelope, wave, rule, criterion or question."""
    related = {"regles": "rules", **{k: v[0] for k, v in ITEMS.items()}}.get(kind)
    if related is None:
        raise Http404
    call, can_manage = call_readable(request, pk)
    if denied := require_manage(request, call, can_manage):
        return denied
    item = get_object_or_404(getattr(call, related), pk=item_pk)
    services.config_item_delete(item=item)
    messages.success(request, _("C’est supprimé."))
    return redirect(reverse("calls:call_manage", args=[call.pk]) + f"#{kind}")
