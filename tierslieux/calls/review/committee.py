"""The committee's decisions on a wave: accept (granted amounts per year, within the funding rules and the
envelope's quota), refuse (with a motivation), close without follow-up; decision emails; publication."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tierslieux.core.emails import email_send
from tierslieux.core.errors import ServiceError

from .. import selectors as call_selectors
from ..eligibility import format_euros, funding_problems
from ..facts import funding_rules
from ..models import Application, Decision, DecisionOutcome, Envelope, Status, Wave
from ..services import _applicant_emails, application_transition
from . import selectors as review_selectors

# Functions called with each accepted decision, inside the decision's transaction (a refusal rolls the decision
# back). Apps above calls register here (the follow-up creates the draft funding agreement); calls never imports
# them.
ACCEPTANCE_HOOKS: list[Callable[[Decision], object]] = []

TARGETS = {
    DecisionOutcome.ACCEPTED: Status.ACCEPTED,
    DecisionOutcome.REFUSED: Status.REFUSED,
    DecisionOutcome.CLOSED: Status.CLOSED,
}


def check_amounts(call, amounts: Sequence[int]) -> int:
    """The total of `amounts` (one per year of the call) after checking the funding rules (French errors)."""
    problems = funding_problems(amounts, funding_rules(call), granted=True)
    if problems:
        raise ServiceError(" ".join(problems))
    return sum(amounts)


@transaction.atomic
def decision_make(
    *,
    application: Application,
    actor,
    outcome: str,
    amounts: Sequence[int] = (),
    motivation: str = "",
    envelope: Envelope | None = None,
) -> Decision:
    """Record the committee's decision, move the file to its final status, email the applicant side."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("call", "envelope", "place")
        .get(pk=application.pk)
    )
    if not call_selectors.can_manage_call(actor, locked.call) or locked.status == Status.DRAFT:
        raise ServiceError(_("Seule l’équipe de l’appel peut décider."))
    if outcome not in TARGETS:
        raise ServiceError(_("Cette décision n’existe pas."))
    if Decision.objects.filter(application=locked).exists():
        raise ServiceError(_("Ce dossier a déjà fait l’objet d’une décision."))
    if locked.status != Status.IN_REVIEW:
        raise ServiceError(_("Seul un dossier en instruction peut passer en comité."))
    motivation = motivation.strip()
    total, granted = 0, []
    if outcome == DecisionOutcome.ACCEPTED:
        envelope = envelope or locked.envelope
        if envelope is None or envelope.call_id != locked.call_id:
            raise ServiceError(_("Choisissez l’enveloppe de cet appel sur laquelle le dossier est retenu."))
        granted = [int(a) for a in amounts]
        total = check_amounts(locked.call, granted)
        consumption = review_selectors.envelope_consumption(locked.call)[envelope.pk]
        if consumption.laureates_left is not None and consumption.laureates_left <= 0:
            raise ServiceError(
                ngettext(
                    "L’enveloppe « %(envelope)s » est complète (%(max)s lauréat).",
                    "L’enveloppe « %(envelope)s » est complète (%(max)s lauréats).",
                    envelope.max_laureates,
                )
                % {"envelope": envelope.name, "max": envelope.max_laureates}
            )
        if consumption.amount_left is not None and total > consumption.amount_left:
            raise ServiceError(
                _("L’enveloppe « %(envelope)s » n’a plus que %(amount)s disponibles.")
                % {"envelope": envelope.name, "amount": format_euros(consumption.amount_left)}
            )
    else:
        envelope = None
        if not motivation:
            raise ServiceError(_("Motivez la décision : le porteur la recevra."))
    application_transition(
        application=locked,
        to_status=TARGETS[outcome],
        actor=actor,
        reason=motivation or _("Décision du comité"),
    )
    decision = Decision.objects.create(
        application=locked,
        outcome=outcome,
        envelope=envelope,
        granted_amounts=granted,
        granted_total=total,
        motivation=motivation,
        decided_by=actor,
    )
    if outcome == DecisionOutcome.ACCEPTED:
        for hook in ACCEPTANCE_HOOKS:
            hook(decision)
    email_send(
        name=f"decision-{outcome}",
        to=_applicant_emails(locked),
        context={
            "application": locked,
            "decision": decision,
            "total": format_euros(total),
            "amounts": [format_euros(a) for a in granted],
            "url": reverse("calls:application", args=[locked.pk]),
        },
    )
    application.status = locked.status
    return decision


@transaction.atomic
def laureates_publish(*, wave: Wave, actor) -> int:
    """Publish the accepted, not yet published decisions of `wave`; returns how many were published."""
    if not call_selectors.can_manage_call(actor, wave.call):
        raise ServiceError(_("Seule l’équipe de l’appel peut publier les lauréats."))
    return Decision.objects.filter(
        application__wave=wave, outcome=DecisionOutcome.ACCEPTED, published_at__isnull=True
    ).update(published_at=timezone.now())
