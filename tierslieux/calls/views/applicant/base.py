"""What the applicant's pages share, and the one way a step answers a save: `step_answer` gives an htmx
request the autosave fragment and a plain form post the next (or same) step, or the page again with the error
and what was typed. `attempt` runs a service and turns its refusal into (message, status)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tierslieux.core.errors import ServiceError

from ... import filetypes, services
from ...models import Application
from ..common import budget_table

STEPS = (
    (1, gettext_lazy("Le tiers-lieu")),
    (2, gettext_lazy("Le projet")),
    (3, gettext_lazy("Le budget")),
    (4, gettext_lazy("Les pièces jointes")),
    (5, gettext_lazy("Récapitulatif et dépôt")),
)
LAST_STEP = len(STEPS)
# A request body may hold one 10 MB file plus the form fields: anything larger is refused before it is read.
UPLOAD_LIMIT = filetypes.MAX_SIZE + 512 * 1024
NOT_EDITABLE = gettext_lazy("Ce dossier n’est plus modifiable : il a été déposé.")
ONLY_APPLICANT = gettext_lazy("Seul le porteur du dossier peut le remplir.")


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


def crumbs(application, label: str | Promise | None = None) -> list[dict]:
    trail = [
        {"label": _("Mes dossiers"), "url": reverse("calls:my_applications")},
        {"label": application.reference, "url": reverse("calls:application", args=[application.pk])},
    ]
    if label:
        trail.append({"label": label})
    return trail


def step_context(application, step: int, **extra) -> dict:
    label = dict(STEPS)[step]
    return {
        "application": application,
        "step": step,
        "step_label": label,
        "steps": STEPS,
        "next_step": step + 1 if step < LAST_STEP else None,
        "previous_step": step - 1 if step > 1 else None,
        "page_title": _("%(step)s — dossier %(reference)s")
        % {"step": label, "reference": application.reference},
        "breadcrumb": crumbs(application, label),
        **extra,
    }


def new_tab() -> str:
    """A token of one page load: the saves of one page never conflict with each other."""
    return secrets.token_urlsafe(12)


def posted_revision(request) -> int | None:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return None


# --- Saving and answering ----------------------------------------------------------------------------------
def attempt(save: Callable[[], Application]) -> tuple[Application | None, str | None, int]:
    """Run `save()`: (the saved dossier, None, 200), or (None, the French refusal, its status: 400 bad input,
    409 the dossier changed meanwhile, 429 a limit reached)."""
    try:
        return save(), None, 200
    except ServiceError as error:
        return None, str(error), error.status


def save_values(request, application, values: dict, *, revision: int):
    """Save `values` on the dossier with the page's tab token (`application_save`): as `attempt`."""
    return attempt(
        lambda: services.application_save(
            application=application,
            user=request.user,
            revision=revision,
            values=values,
            tab=request.POST.get("tab", ""),
        )
    )


def error_links(field_errors: dict) -> list[dict]:
    """[{"id": field id, "message": …}] for an error summary whose links lead to the fields."""
    return [{"id": name, "message": message} for name, message in field_errors.items()]


def form_field_errors(form) -> dict[str, str]:
    """{field id: "Label : messages"} of a bound form's field errors, for the autosave answer."""
    return {
        form[name].id_for_label: f"{form.fields[name].label} : {' '.join(messages_)}"
        for name, messages_ in form.errors.items()
        if name in form.fields
    }


def form_error_links(form) -> list[dict]:
    """The error summary of a plain post: one link per message, to its field (none for a form-wide error)."""
    links = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        for message in errors:
            if field is None:
                links.append({"id": "", "message": message})
            else:
                links.append({"id": form[name].id_for_label, "message": f"{field.label} : {message}"})
    return links


def saved_fragment(request, application, step, error=None, status=200, field_errors=None) -> HttpResponse:
    """The autosave answer (htmx): a short message for the live region — "Enregistré à 14 h 05. …" or what
    blocked the save, naming each field — and, on the budget step, the new totals (not announced). htmx only
    swaps a 2xx answer: a refusal is answered 200 with the message (its status is for plain requests)."""
    context = {
        "application": application,
        "step": step,
        "error": error,
        "saved_at": timezone.now(),
        # In an attribute: htmx (allowScriptTags off) removes every <script> of a swapped answer, JSON ones too.
        "field_errors_json": json.dumps(field_errors or {}),
        "error_links": error_links(field_errors or {}),
    }
    if step == 3 and error is None:
        context["budget"] = budget_table(application.budget, application.call)
    return render(request, "calls/_autosave.html", context, status=200 if request.htmx else status)


def after_save(request, application, step: int) -> HttpResponse:
    if request.POST.get("go") == "next" and step < LAST_STEP:
        return redirect("calls:application_step", application.pk, step + 1)
    messages.success(request, _("Vos modifications sont enregistrées."))
    return redirect("calls:application_step", application.pk, step)


def step_answer(
    request,
    application,
    step: int,
    *,
    page: Callable[[str | None, int], HttpResponse],
    saved: Application | None = None,
    error: str | None = None,
    status: int = 200,
    field_errors: dict | None = None,
) -> HttpResponse:
    """The answer to a step's POST, the same on every step. htmx (autosave): the fragment saying it is saved,
    or what blocked it (`error`, `field_errors` {field id: message}). A plain post: after a save, the next step
    ("Enregistrer et continuer") or the same one with a message; refused, `page(error, status)` — the step
    again with what was typed."""
    if request.htmx:
        return saved_fragment(request, saved or application, step, error, status, field_errors)
    if saved is not None:
        return after_save(request, saved, step)
    return page(error, status)
