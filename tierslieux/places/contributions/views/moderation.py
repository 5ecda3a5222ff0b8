"""The moderation queue of programme staff: proposals (with their diff), error reports, claims and contact
messages of places without a manager."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tierslieux.places.models import Place, Publication

from .. import services
from ..forms import DecisionForm, add_service_error
from ..models import Claim, ContactMessage, ErrorReport, Proposal
from ..selectors import (
    can_moderate,
    contribution_history,
    diff_rows,
    moderation_queue,
    publication_transitions,
)

QUEUE_CRUMB = {"label": gettext_lazy("Modération"), "url": reverse_lazy("contributions:moderation")}


def staff_only(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_moderate(request.user):
            raise PermissionDenied(_("Réservé à l’équipe du programme."))
        return view(request, *args, **kwargs)

    return wrapper


@staff_only
def queue(request):
    """Programme staff only: what waits for a decision."""
    return render(
        request,
        "contributions/moderation/queue.html",
        {
            "queue": moderation_queue(),
            "page_title": _("Modération des contributions"),
            "breadcrumb": [{"label": _("Modération")}],
        },
    )


# {model: {action: (service, success message)}}
ACTIONS = {
    Proposal: {
        "accept": (
            lambda obj, user, reason: services.proposal_accept(proposal=obj, user=user, reason=reason),
            gettext_lazy("Proposition acceptée : la fiche est à jour et l’auteur·rice est prévenu·e."),
        ),
        "refuse": (
            lambda obj, user, reason: services.proposal_refuse(proposal=obj, user=user, reason=reason),
            gettext_lazy("Proposition refusée : l’auteur·rice est prévenu·e."),
        ),
    },
    ErrorReport: {
        "resolve": (
            lambda obj, user, reason: services.report_resolve(report=obj, user=user, reason=reason),
            gettext_lazy("Signalement traité."),
        ),
        "resolve_close": (
            lambda obj, user, reason: services.report_resolve(
                report=obj, user=user, reason=reason, mark_closed=True
            ),
            gettext_lazy("Signalement traité : le lieu est indiqué fermé."),
        ),
        "dismiss": (
            lambda obj, user, reason: services.report_dismiss(report=obj, user=user, reason=reason),
            gettext_lazy("Signalement écarté."),
        ),
    },
    Claim: {
        "approve": (
            lambda obj, user, reason: services.claim_approve(claim=obj, user=user, reason=reason),
            gettext_lazy("Demande approuvée : la personne gère désormais ce lieu."),
        ),
        "refuse": (
            lambda obj, user, reason: services.claim_refuse(claim=obj, user=user, reason=reason),
            gettext_lazy("Demande refusée : la personne est prévenue."),
        ),
    },
    ContactMessage: {
        "close": (
            lambda obj, user, reason: services.contact_close(contact=obj, user=user, reason=reason),
            gettext_lazy("Message marqué comme traité."),
        ),
    },
}
TITLES = {
    Proposal: gettext_lazy("Proposition n° %(pk)s"),
    ErrorReport: gettext_lazy("Signalement n° %(pk)s"),
    Claim: gettext_lazy("Demande de gestion n° %(pk)s"),
    ContactMessage: gettext_lazy("Message n° %(pk)s"),
}
TEMPLATES = {
    Proposal: "contributions/moderation/proposal.html",
    ErrorReport: "contributions/moderation/report.html",
    Claim: "contributions/moderation/claim.html",
    ContactMessage: "contributions/moderation/contact.html",
}


def _run_action(request, form, actions: dict, obj, still_pending) -> HttpResponse | int:
    """On POST, run the chosen action on `obj`: a redirect to the queue once done, else the status to answer
    (400: invalid or refused; 409: already decided, perhaps by someone else meanwhile)."""
    if request.method != "POST":
        return 200
    action = actions.get(request.POST.get("action", ""))
    if action is None:
        form.add_error(None, _("Action inconnue."))
    elif form.is_valid():
        service, success = action
        try:
            service(obj, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect("contributions:moderation")
    obj.refresh_from_db()
    return 409 if action is not None and not still_pending(obj) else 400


def _decide(request, model, pk: int):
    obj = get_object_or_404(model, pk=pk)
    form = DecisionForm(request.POST or None)
    status = _run_action(request, form, ACTIONS[model], obj, lambda o: o.status == "pending")
    if not isinstance(status, int):
        return status
    title = TITLES[model] % {"pk": obj.pk}
    place = getattr(obj, "place", None)
    context = {
        "obj": obj,
        "form": form,
        "place": place,
        "place_url": place.get_absolute_url() if place else "",
        "diff": diff_rows(obj.diff) if model is Proposal else [],
        "transitions": contribution_history(obj),
        "pending": obj.status == "pending",
        "page_title": title,
        "breadcrumb": [QUEUE_CRUMB, {"label": title}],
    }
    return render(request, TEMPLATES[model], context, status=status)


@staff_only
@require_http_methods(["GET", "POST"])
def proposal(request, pk: int):
    """Programme staff only: a proposal with its diff (field, current value, proposed value); accept/refuse."""
    return _decide(request, Proposal, pk)


@staff_only
@require_http_methods(["GET", "POST"])
def report(request, pk: int):
    """Programme staff only: an error report; resolve (optionally mark the place closed) or dismiss."""
    return _decide(request, ErrorReport, pk)


@staff_only
@require_http_methods(["GET", "POST"])
def claim(request, pk: int):
    """Programme staff only: a claim of a place; approve (the person becomes manager) or refuse."""
    return _decide(request, Claim, pk)


@staff_only
@require_http_methods(["GET", "POST"])
def contact(request, pk: int):
    """Programme staff only: a contact message for a place without manager; mark it handled."""
    return _decide(request, ContactMessage, pk)


PUBLICATION_ACTIONS = {
    "accept": (
        lambda place, user, reason: services.project_place_accept(place=place, user=user, reason=reason),
        gettext_lazy("Lieu publié dans l’atlas : la personne qui l’a créé est prévenue."),
    ),
    "refuse": (
        lambda place, user, reason: services.project_place_refuse(place=place, user=user, reason=reason),
        gettext_lazy("Publication refusée : la personne qui l’a créé est prévenue."),
    ),
}


@staff_only
@require_http_methods(["GET", "POST"])
def project_place(request, pk: int):
    """Programme staff only: a place created inside an application; publish it in the atlas or refuse."""
    place = get_object_or_404(Place.objects.select_related("commune", "created_by"), pk=pk)
    form = DecisionForm(request.POST or None)
    status = _run_action(
        request, form, PUBLICATION_ACTIONS, place, lambda p: p.publication == Publication.PENDING
    )
    if not isinstance(status, int):
        return status
    title = _("Lieu en projet n° %(pk)s") % {"pk": place.pk}
    return render(
        request,
        "contributions/moderation/project_place.html",
        {
            "obj": place,
            "place": place,
            "place_url": place.get_absolute_url(),
            "form": form,
            "pending": place.publication == Publication.PENDING,
            "transitions": publication_transitions(place),
            "applications": list(place.call_applications.select_related("call").order_by("pk")),
            "page_title": title,
            "breadcrumb": [QUEUE_CRUMB, {"label": title}],
        },
        status=status,
    )
