"""The state machine of an application (dossier), in one place. Plain Python: no Django import.

    draft ──submit──▶ submitted ──start_review──▶ in_review ──accept/refuse/close──▶ accepted/refused/closed
      │                 │  ▲                         │
      │                 │  └──resubmit── corrections ◀┘ (request_corrections, also from submitted)
      └──withdraw──▶ withdrawn ◀──withdraw── submitted / corrections / in_review

Who may fire a transition is a role *relative to the dossier*: "applicant" (its applicant or a manager of its
place), "staff" (the call's team, or an administrator). `tierslieux.calls.services.application_transition` is
the only function that changes a status: it checks `allowed()` and writes the Transition log row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

DRAFT = "draft"
SUBMITTED = "submitted"
CORRECTIONS = "corrections"
IN_REVIEW = "in_review"
ACCEPTED = "accepted"
REFUSED = "refused"
CLOSED = "closed"
WITHDRAWN = "withdrawn"

STATES = (DRAFT, SUBMITTED, CORRECTIONS, IN_REVIEW, ACCEPTED, REFUSED, CLOSED, WITHDRAWN)
FINAL_STATES = frozenset({ACCEPTED, REFUSED, CLOSED, WITHDRAWN})
EDITABLE_STATES = frozenset({DRAFT, CORRECTIONS})

APPLICANT = "applicant"
STAFF = "staff"
ROLES = (APPLICANT, STAFF)

STATE_LABELS = {
    DRAFT: "Brouillon",
    SUBMITTED: "Déposé",
    CORRECTIONS: "En construction (corrections demandées)",
    IN_REVIEW: "En instruction",
    ACCEPTED: "Accepté",
    REFUSED: "Refusé",
    CLOSED: "Classé sans suite",
    WITHDRAWN: "Retiré",
}


@dataclass(frozen=True)
class TransitionRule:
    name: str
    label: str  # the French label of the action
    source: str
    target: str
    role: str
    reason_required: bool = False


TRANSITIONS: tuple[TransitionRule, ...] = (
    TransitionRule("submit", "Déposer le dossier", DRAFT, SUBMITTED, APPLICANT),
    TransitionRule("resubmit", "Déposer le dossier corrigé", CORRECTIONS, SUBMITTED, APPLICANT),
    TransitionRule("withdraw", "Retirer le dossier", DRAFT, WITHDRAWN, APPLICANT),
    TransitionRule("withdraw", "Retirer le dossier", SUBMITTED, WITHDRAWN, APPLICANT),
    TransitionRule("withdraw", "Retirer le dossier", CORRECTIONS, WITHDRAWN, APPLICANT),
    TransitionRule("withdraw", "Retirer le dossier", IN_REVIEW, WITHDRAWN, APPLICANT),
    TransitionRule("start_review", "Passer en instruction", SUBMITTED, IN_REVIEW, STAFF),
    TransitionRule(
        "request_corrections", "Demander des corrections", SUBMITTED, CORRECTIONS, STAFF, reason_required=True
    ),
    TransitionRule(
        "request_corrections", "Demander des corrections", IN_REVIEW, CORRECTIONS, STAFF, reason_required=True
    ),
    TransitionRule("close", "Classer sans suite", SUBMITTED, CLOSED, STAFF, reason_required=True),
    TransitionRule("close", "Classer sans suite", IN_REVIEW, CLOSED, STAFF, reason_required=True),
    TransitionRule("accept", "Accepter", IN_REVIEW, ACCEPTED, STAFF),
    TransitionRule("refuse", "Refuser", IN_REVIEW, REFUSED, STAFF, reason_required=True),
)
_BY_EDGE = {(rule.source, rule.target): rule for rule in TRANSITIONS}


class TransitionError(Exception):
    """A transition that is not allowed; `str()` is a French message for the person."""


def find(source: str, target: str) -> TransitionRule | None:
    return _BY_EDGE.get((source, target))


def allowed(source: str, target: str, roles: Iterable[str]) -> TransitionRule:
    """The rule of `source → target` when one of `roles` may fire it; raises TransitionError otherwise."""
    if target not in STATES:
        raise TransitionError("Ce statut n’existe pas.")
    rule = find(source, target)
    if rule is None:
        raise TransitionError(
            f"Impossible de passer un dossier « {STATE_LABELS.get(source, source)} » "
            f"au statut « {STATE_LABELS[target]} »."
        )
    if rule.role not in set(roles):
        who = "au porteur du dossier" if rule.role == APPLICANT else "à l’équipe de l’appel"
        raise TransitionError(f"L’action « {rule.label} » est réservée {who}.")
    return rule


def available(source: str, roles: Iterable[str]) -> list[TransitionRule]:
    """The transitions one of `roles` may fire from `source` (for the buttons of a page)."""
    roles = set(roles)
    return [rule for rule in TRANSITIONS if rule.source == source and rule.role in roles]
