"""The applicant side: start a dossier, fill its five steps (autosave with optimistic concurrency, and plain
form posts without JavaScript), attachments, submission, withdrawal, messages."""

from __future__ import annotations

import json
import secrets
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tierslieux.core.errors import ServiceError
from tierslieux.core.middleware import refusal
from tierslieux.core.workflow import TransitionError
from tierslieux.places.models import Place

from .. import budget as budget_module
from .. import filetypes, selectors, services, workflow
from ..facts import application_eligibility
from ..forms import (
    AttachmentForm,
    EnvelopeChoiceForm,
    MessageForm,
    PlaceChoiceForm,
    ProjectForm,
    ProjectPlaceForm,
    ReasonForm,
)
from ..models import Application, Attachment, QuestionKind
from .common import application_for, budget_table, upload_too_large

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STEPS = (
    (1, gettext_lazy("Le tiers-lieu")),
    (2, gettext_lazy("Le projet")),
    (3, gettext_lazy("Le budget")),
    (4, gettext_lazy("Les pièces jointes")),
    (5, gettext_lazy("Récapitulatif et dépôt")),
)
# A request body may hold one 10 MB file plus the form fields: anything larger is refused before it is read.
UPLOAD_LIMIT = filetypes.MAX_SIZE + 512 * 1024
NOT_EDITABLE = gettext_lazy("Ce dossier n’est plus modifiable : il a été déposé.")


def login_required_autosave(view):
    """Like login_required, but an htmx autosave after the session expired gets a message, not the login page:
    the typed text stays in the page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if getattr(request, "htmx", False):
            return render(
                request,
                "core/_alert.html",
                {
                    "level": "warning",
                    "message": _(
                        "Votre session a expiré : rien n’a été enregistré. Votre saisie reste dans cette page ; "
                        "reconnectez-vous dans un autre onglet puis modifiez un champ pour enregistrer."
                    ),
                },
            )
        return redirect_to_login(request.get_full_path())

    return wrapper


def _crumbs(application, label: StrOrPromise | None = None) -> list[dict]:
    crumbs = [
        {"label": _("Mes dossiers"), "url": reverse("calls:my_applications")},
        {"label": application.reference, "url": reverse("calls:application", args=[application.pk])},
    ]
    if label:
        crumbs.append({"label": label})
    return crumbs


@login_required
def my_applications(request):
    """Logged-in users: the dossiers they work on as applicant (theirs and those of the places they manage)."""
    return render(
        request,
        "calls/my_applications.html",
        {
            "applications": selectors.applications_of_applicant(request.user),
            "open_calls": selectors.calls_open(),
            "page_title": _("Mes dossiers"),
            "breadcrumb": [{"label": _("Mes dossiers")}],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, slug: str):
    """Logged-in users: start a dossier on a published call whose wave is open ("Déposer un dossier"; no wave
    open: 409)."""
    call = get_object_or_404(selectors.calls_public(), slug=slug)
    if request.method == "POST":
        application = services.application_start(call=call, user=request.user)
        return redirect("calls:application_step", application.pk, 1)
    drafts = selectors.applications_of_applicant(request.user).filter(call=call)
    return render(
        request,
        "calls/apply.html",
        {
            "call": call,
            "open_wave": call.open_wave(),
            "drafts": drafts,
            "page_title": _("Déposer un dossier — %(call)s") % {"call": call.title},
            "breadcrumb": [
                {"label": _("Appels"), "url": reverse("calls:index")},
                {"label": call.title, "url": call.get_absolute_url()},
                {"label": _("Déposer un dossier")},
            ],
        },
    )


@login_required
def application(request, pk: int):
    """The applicant (and the place's managers), the call's staff (all but drafts) and programme staff
    (read-only): the dossier, its status, history and available actions. Others: 404."""
    application, roles = application_for(request, pk)
    transitions = [
        rule
        for rule in workflow.APPLICATION.available(application.status, roles)
        if rule.action not in {"submit", "resubmit", "accept", "refuse"}
    ]
    return render(
        request,
        "calls/application.html",
        {
            "application": application,
            "roles": roles,
            "transitions": transitions,
            "is_applicant": workflow.APPLICANT in roles,
            "is_staff": workflow.STAFF in roles,
            "log": selectors.application_history(application),
            "versions": application.versions.all(),
            "attachments": application.attachments.filter(message__isnull=True),
            "eligibility": application_eligibility(application),
            "budget": budget_table(application.budget, application.call),
            "answers": selectors.application_answers(application),
            "steps": STEPS,
            "page_title": _("Dossier %(reference)s") % {"reference": application.reference},
            "breadcrumb": _crumbs(application),
        },
    )


# --- Steps -----------------------------------------------------------------------------------------------------
def _step_context(application, step: int, **extra) -> dict:
    label = dict(STEPS)[step]
    return {
        "application": application,
        "step": step,
        "step_label": label,
        "steps": STEPS,
        "next_step": step + 1 if step < 5 else None,
        "previous_step": step - 1 if step > 1 else None,
        "page_title": _("%(step)s — dossier %(reference)s")
        % {"step": label, "reference": application.reference},
        "breadcrumb": _crumbs(application, label),
        **extra,
    }


def _choosable_places(request, application):
    """The places the applicant may carry the project with: those they manage, and the one already chosen."""
    places = Place.objects.filter(managers=request.user)
    if application.place_id:
        places = places | Place.objects.filter(pk=application.place_id)
    return places.distinct()


def _place_forms(request, application, data=None, which: str = ""):
    places = _choosable_places(request, application)
    place = application.place
    qpvs = place.commune.qpvs.all() if place else Place.objects.none()
    choice_data = data if which == "choice" else None
    create_data = data if which == "create" else None
    choice = PlaceChoiceForm(
        choice_data,
        places=places,
        qpvs=qpvs if place else qpvs.none(),
        initial={"place": application.place_id, "qpv": application.qpv_id, "revision": application.revision},
    )
    if place is None:
        del choice.fields["qpv"]
    create = ProjectPlaceForm(create_data, initial={"revision": application.revision}, prefix="new")
    return choice, create


def _save(request, application, values, *, revision):
    """Save `values`; on a stale revision or refusal, re-render the step with what was typed (and 409/400)."""
    try:
        application = services.application_save(
            application=application,
            user=request.user,
            revision=revision,
            values=values,
            tab=request.POST.get("tab", ""),
        )
    except services.StaleRevision as error:
        return None, error, 409
    except services.ServiceError as error:
        return None, error, 400
    return application, None, 200


def _saved_fragment(request, application, step, error=None, status=200, field_errors=None):
    """The autosave answer (htmx): a short message for the live region — "Enregistré à 14 h 05. …" or what
    blocked the save, naming each field — and, on the budget step, the new totals (not announced)."""
    context = {
        "application": application,
        "step": step,
        "error": error,
        "saved_at": timezone.now(),
        # In an attribute: htmx (allowScriptTags off) removes every <script> of a swapped answer, JSON ones too.
        "field_errors_json": json.dumps(field_errors or {}),
        "error_links": _error_links(field_errors or {}),
    }
    if step == 3 and error is None:
        context["budget"] = budget_table(application.budget, application.call)
    return render(request, "calls/_autosave.html", context, status=200 if request.htmx else status)


def _error_links(field_errors: dict) -> list[dict]:
    """[{"id": field id, "message": …}] for an error summary whose links lead to the fields."""
    return [{"id": name, "message": message} for name, message in field_errors.items()]


def _form_error_links(form) -> list[dict]:
    links = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for message in errors:
            if field is None:
                links.append({"id": "", "message": message})
            else:
                links.append({"id": form[name].id_for_label, "message": f"{field.label} : {message}"})
    return links


@login_required_autosave
@require_http_methods(["GET", "POST"])
def application_step(request, pk: int, step: int):
    """The applicant (and the place's managers) only: one step of the form (GET), a save (POST; htmx: autosave
    fragment). Staff and others: 404 or 403. A submitted dossier is read-only."""
    application, roles = application_for(request, pk)
    if step not in dict(STEPS):
        raise Http404
    if workflow.APPLICANT not in roles:
        return refusal(request, _("Seul le porteur du dossier peut le remplir."))
    if not application.is_editable and (request.method == "POST" or step != 5):
        if request.method == "POST" and request.htmx:
            # An autosave after the dossier was submitted (from another tab): say it where the page shows saves.
            return _saved_fragment(request, application, step, error=NOT_EDITABLE, status=409)
        if request.method == "POST":
            return refusal(request, NOT_EDITABLE, status=409)
        return redirect("calls:application", application.pk)
    handler = {1: _step_place, 2: _step_project, 3: _step_budget, 4: _step_attachments, 5: _step_summary}[
        step
    ]
    return handler(request, application)


@login_required
@require_http_methods(["GET"])
def application_eligibility_preview(request, pk: int):
    """The applicant (and the place's managers) only: the eligibility the dossier would have with the place (and
    QPV) being picked on step 1, before anything is saved (htmx fragment). Others: 404 or 403."""
    application, roles = application_for(request, pk)
    if workflow.APPLICANT not in roles:
        return refusal(request, _("Seul le porteur du dossier peut le remplir."))
    if not application.is_editable:
        return refusal(request, NOT_EDITABLE, status=409)
    context = {"application": application, "eligibility": None}
    place_id = request.GET.get("place", "")
    if place_id:
        place = (
            _choosable_places(request, application).filter(pk=place_id if place_id.isdigit() else 0).first()
        )
        if place is None:
            return refusal(request, _("Choisissez un lieu que vous gérez."), status=400)
        qpv = None
        if place.pk == application.place_id and request.GET.get("qpv"):
            qpv = place.commune.qpvs.filter(pk=request.GET["qpv"]).first()
        # An unsaved copy: the eligibility of the dossier as it would be with this place.
        preview = Application.objects.select_related("call", "wave").get(pk=application.pk)
        preview.place, preview.qpv = place, qpv
        if qpv is None or qpv.pk != application.qpv_id:
            preview.qpv_confirmed_at = None
        context["eligibility"] = application_eligibility(preview)
    return render(request, "calls/_eligibility_live.html", context)


def _new_tab() -> str:
    """A token of one page load: the saves of one page never conflict with each other."""
    return secrets.token_urlsafe(12)


def _revision(request) -> int | None:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return None


def _after_save(request, application, step):
    if request.POST.get("go") == "next" and step < 5:
        return redirect("calls:application_step", application.pk, step + 1)
    messages.success(request, _("Vos modifications sont enregistrées."))
    return redirect("calls:application_step", application.pk, step)


def _step_place(request, application):
    which = request.POST.get("which", "choice") if request.method == "POST" else ""
    choice, create = _place_forms(
        request, application, request.POST if request.method == "POST" else None, which
    )
    status, error = 200, None
    if request.method == "POST":
        form = create if which == "create" else choice
        if form.is_valid():
            revision = form.cleaned_data["revision"]
            try:
                if which == "create":
                    data = form.cleaned_data
                    commune = data["commune"]
                    point = commune.point or (0.0, 0.0)
                    application = services.application_create_project_place(
                        application=application,
                        user=request.user,
                        revision=revision,
                        data={
                            "name": data["name"],
                            "address": data["address"],
                            "postcode": data["postcode"],
                            "commune": commune.pk,
                            "lon": point[0],
                            "lat": point[1],
                            "legal_form": data["legal_form"],
                            "location_approximate": True,
                        },
                    )
                else:
                    values = {"place": form.cleaned_data["place"]}
                    if values["place"].pk != application.place_id:
                        values["qpv"] = None
                    elif "qpv" in form.cleaned_data:
                        values["qpv"] = form.cleaned_data["qpv"]
                    application = services.application_save(
                        application=application, user=request.user, revision=revision, values=values
                    )
                return _after_save(request, application, 1)
            except services.StaleRevision as stale:
                error, status = str(stale), 409
            except services.ServiceError as refused:
                error, status = str(refused), getattr(refused, "status", 400)
        else:
            status = 400
    return render(
        request,
        "calls/step_place.html",
        _step_context(
            application,
            1,
            choice_form=choice,
            create_form=create,
            error=error,
            eligibility=application_eligibility(application) if application.place_id else None,
        ),
        status=status,
    )


def _step_project(request, application):
    questions = list(application.call.questions.all())
    if request.method == "POST":
        form = ProjectForm(request.POST, questions=questions)
        if form.is_valid():
            saved, error, status = _save(
                request, application, form.values(), revision=form.cleaned_data["revision"]
            )
            if request.htmx:
                return _saved_fragment(request, saved or application, 2, error, status)
            if saved:
                return _after_save(request, saved, 2)
        else:
            error, status = _("Le formulaire contient des erreurs : corrigez les champs signalés."), 400
            if request.htmx:
                return _saved_fragment(
                    request,
                    application,
                    2,
                    error,
                    status,
                    field_errors={
                        form[name].id_for_label: f"{form.fields[name].label} : {' '.join(messages_)}"
                        for name, messages_ in form.errors.items()
                        if name in form.fields
                    },
                )
        return render(
            request,
            "calls/step_project.html",
            _step_context(
                application,
                2,
                form=form,
                error=error,
                stale=status == 409,
                error_links=_form_error_links(form),
            ),
            status=status,
        )
    initial = {field: getattr(application, field) for field in services.PROJECT_FIELDS}
    initial |= {f"q_{key}": value for key, value in (application.answers or {}).items()}
    form = ProjectForm(
        initial=initial | {"revision": application.revision, "tab": _new_tab()}, questions=questions
    )
    return render(request, "calls/step_project.html", _step_context(application, 2, form=form))


def _step_budget(request, application):
    call = application.call
    if request.method == "POST":
        budget, errors = budget_module.parse(request.POST, call.years)
        revision = _revision(request)
        if revision is None:
            return refusal(request, _("Formulaire incomplet : rechargez la page."), status=400)
        if errors:
            error, status = _("Le budget n’est pas enregistré : corrigez les montants signalés."), 400
        else:
            saved, error, status = _save(request, application, {"budget": budget}, revision=revision)
            if saved and not request.htmx:
                return _after_save(request, saved, 3)
            if request.htmx:
                return _saved_fragment(request, saved or application, 3, error, status)
        if request.htmx:
            return _saved_fragment(request, application, 3, error, status, field_errors=errors)
        table = budget_table(budget, call, errors, posted=request.POST)
        return render(
            request,
            "calls/step_budget.html",
            _step_context(
                application,
                3,
                budget=table,
                error=error,
                error_links=_error_links(errors),
                revision=revision,
                stale=status == 409,
                tab=request.POST.get("tab", ""),
            ),
            status=status,
        )
    return render(
        request,
        "calls/step_budget.html",
        _step_context(
            application,
            3,
            budget=budget_table(application.budget, call),
            revision=application.revision,
            tab=_new_tab(),
        ),
    )


def _step_attachments(request, application, form: AttachmentForm | None = None, status: int = 200):
    form = form or AttachmentForm(call=application.call)
    return render(
        request,
        "calls/step_attachments.html",
        _step_context(
            application,
            4,
            form=form,
            attachments=application.attachments.filter(message__isnull=True).select_related("question"),
            file_questions=application.call.questions.filter(kind=QuestionKind.FILE),
        ),
        status=status,
    )


def _step_summary(request, application):
    """The summary and the envelope choice. A refused choice re-renders the page with the choice kept: 400
    (bad input) or 409 (the dossier changed meanwhile)."""
    result = application_eligibility(application)
    eligible = application.call.envelopes.filter(code__in=result.eligible_codes)
    error, status = None, 200
    if request.method == "POST":
        envelope_form = EnvelopeChoiceForm(request.POST, envelopes=eligible)
        if envelope_form.is_valid():
            saved, error, status = _save(
                request,
                application,
                {"envelope": envelope_form.cleaned_data["envelope"]},
                revision=envelope_form.cleaned_data["revision"],
            )
            if saved:
                return _after_save(request, saved, 5)
        else:
            error, status = _("Choisissez l’une des enveloppes proposées."), 400
    else:
        envelope_form = EnvelopeChoiceForm(
            envelopes=eligible,
            initial={
                "envelope": application.envelope_id
                if application.envelope_id in {e.pk for e in eligible}
                else (eligible[0].pk if eligible else None),
                "revision": application.revision,
            },
        )
    return render(
        request,
        "calls/step_summary.html",
        _step_context(
            application,
            5,
            error=error,
            eligibility=result,
            problems=services.application_problems(application),
            envelope_form=envelope_form,
            budget=budget_table(application.budget, application.call),
            attachments=application.attachments.filter(message__isnull=True),
            answers=selectors.application_answers(application),
        ),
        status=status,
    )


# --- Attachments ---------------------------------------------------------------------------------------------
@login_required
@require_POST
def attachment_upload(request, pk: int):
    """The applicant only, on an editable dossier: add a file (≤ 10 MB, type checked by content). A larger
    request is refused (413) before its body is read; a missing or refused file re-renders the step (400) with
    the title typed (a browser never refills a file input)."""
    if upload_too_large(request, UPLOAD_LIMIT):
        return refusal(
            request,
            _("Le fichier dépasse 10 Mo : il n’a pas été envoyé."),
            status=413,
            title=_("Fichier trop volumineux"),
        )
    application, roles = application_for(request, pk)
    if workflow.APPLICANT not in roles:
        return refusal(request, _("Seul le porteur du dossier peut y joindre des pièces."))
    if not application.is_editable:
        return refusal(request, NOT_EDITABLE, status=409)
    form = AttachmentForm(request.POST, request.FILES, call=application.call)
    if form.is_valid():
        try:
            services.attachment_add(
                application=application,
                user=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                question=form.cleaned_data.get("question"),
            )
        except services.ServiceError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("La pièce est jointe au dossier."))
            return redirect("calls:application_step", application.pk, 4)
    return _step_attachments(request, application, form, status=400)


@login_required
def attachment_download(request, pk: int, attachment_pk: int):
    """Whoever may see the dossier (applicant side, the call's staff, programme staff read-only, its assigned
    reviewers): one of its files, served from private storage. The files of the applicant ↔ staff messages
    only to those who may read the messages (not reviewers). Anyone else, or a file of another dossier: 404."""
    application, roles = application_for(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    if attachment.message_id and not roles:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request, pk: int, attachment_pk: int):
    """The applicant only, on an editable dossier (submitted: 409): remove one of its files."""
    application, roles = application_for(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, application=application)
    if workflow.APPLICANT in roles and not attachment.message_id and not application.is_editable:
        return refusal(request, NOT_EDITABLE, status=409)
    services.attachment_delete(attachment=attachment, user=request.user)
    messages.success(request, _("La pièce a été supprimée."))
    return redirect("calls:application_step", application.pk, 4)


# --- Submission, withdrawal ----------------------------------------------------------------------------------
@login_required
@require_POST
def submit(request, pk: int):
    """The applicant only: submit the dossier before the wave closes (to the second). Refused: 400, draft kept."""
    application, roles = application_for(request, pk)
    try:
        services.application_submit(application=application, user=request.user)
    except TransitionError as error:
        return refusal(
            request, error.message, status=403 if workflow.APPLICANT not in roles else error.status
        )
    except ServiceError as error:
        return refusal(request, error.message, status=error.status, title=_("Dépôt refusé"))
    messages.success(
        request, _("Votre dossier est déposé : un accusé de réception vous a été envoyé par courriel.")
    )
    return redirect("calls:application", application.pk)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    """The applicant only: withdraw the dossier (with an optional reason)."""
    application, roles = application_for(request, pk)
    if workflow.APPLICANT not in roles:
        return refusal(request, _("Seul le porteur du dossier peut le retirer."))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.application_withdraw(
            application=application, actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Le dossier est retiré."))
        return redirect("calls:application", application.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "submit_label": _("Retirer le dossier"),
            "application": application,
            "intro": _("Le retrait est définitif : le dossier ne pourra plus être déposé."),
            "page_title": _("Retirer le dossier %(reference)s") % {"reference": application.reference},
            "breadcrumb": _crumbs(application, _("Retirer")),
        },
        status=400 if form.errors else 200,
    )


# --- Messages ------------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def application_messages(request, pk: int):
    """The applicant side and the call's staff: the conversation of a dossier (programme staff outside the
    call's team read it); posting notifies the other side by email."""
    if request.method == "POST" and upload_too_large(request, UPLOAD_LIMIT):
        return refusal(
            request,
            _("La pièce jointe dépasse 10 Mo : le message n’a pas été envoyé."),
            status=413,
            title=_("Fichier trop volumineux"),
        )
    application, roles = application_for(request, pk)
    if not roles:
        return refusal(
            request, _("La messagerie du dossier est réservée à son porteur et à l’équipe du programme.")
        )
    can_write = bool(roles & {workflow.APPLICANT, workflow.STAFF})
    form = MessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if not can_write:
            return refusal(request, _("Vous ne pouvez pas écrire sur ce dossier (accès en lecture)."))
        if form.is_valid():
            files = [form.cleaned_data["files"]] if form.cleaned_data.get("files") else []
            try:
                services.message_send(
                    application=application, author=request.user, body=form.cleaned_data["body"], files=files
                )
            except services.ServiceError as error:
                form.add_error(None, str(error))
                status = 400
            else:
                messages.success(request, _("Votre message est envoyé."))
                return redirect("calls:application_messages", application.pk)
        else:
            status = 400
    return render(
        request,
        "calls/messages.html",
        {
            "application": application,
            "form": form,
            "can_write": can_write,
            "conversation": application.messages.select_related("author").prefetch_related("attachments"),
            "page_title": _("Messages — dossier %(reference)s") % {"reference": application.reference},
            "breadcrumb": _crumbs(application, _("Messages")),
        },
        status=status,
    )
