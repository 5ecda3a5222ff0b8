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

from tierslieux.core.i18n import gettext as _
from tierslieux.core.i18n import gettext_noop

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
    DRAFT: gettext_noop("Brouillon"),
    SUBMITTED: gettext_noop("Déposé"),
    CORRECTIONS: gettext_noop("En construction (corrections demandées)"),
    IN_REVIEW: gettext_noop("En instruction"),
    ACCEPTED: gettext_noop("Accepté"),
    REFUSED: gettext_noop("Refusé"),
    CLOSED: gettext_noop("Classé sans suite"),
    WITHDRAWN: gettext_noop("Retiré"),
}


@dataclass(frozen=True)
class TransitionRule:
    name: str
    label_text: str  # the French label of the action, marked with gettext_noop (`label` translates it)
    source: str
    target: str
    role: str
    reason_required: bool = False

    @property
    def label(self) -> str:
        """The label of the action in the active language."""
        return _(self.label_text)


TRANSITIONS: tuple[TransitionRule, ...] = (
    TransitionRule("submit", gettext_noop("Déposer le dossier"), DRAFT, SUBMITTED, APPLICANT),
    TransitionRule("resubmit", gettext_noop("Déposer le dossier corrigé"), CORRECTIONS, SUBMITTED, APPLICANT),
    TransitionRule("withdraw", gettext_noop("Retirer le dossier"), DRAFT, WITHDRAWN, APPLICANT),
    TransitionRule("withdraw", gettext_noop("Retirer le dossier"), SUBMITTED, WITHDRAWN, APPLICANT),
    TransitionRule("withdraw", gettext_noop("Retirer le dossier"), CORRECTIONS, WITHDRAWN, APPLICANT),
    TransitionRule("withdraw", gettext_noop("Retirer le dossier"), IN_REVIEW, WITHDRAWN, APPLICANT),
    TransitionRule("start_review", gettext_noop("Passer en instruction"), SUBMITTED, IN_REVIEW, STAFF),
    TransitionRule(
        "request_corrections",
        gettext_noop("Demander des corrections"),
        SUBMITTED,
        CORRECTIONS,
        STAFF,
        reason_required=True,
    ),
    TransitionRule(
        "request_corrections",
        gettext_noop("Demander des corrections"),
        IN_REVIEW,
        CORRECTIONS,
        STAFF,
        reason_required=True,
    ),
    TransitionRule(
        "close", gettext_noop("Classer sans suite"), SUBMITTED, CLOSED, STAFF, reason_required=True
    ),
    TransitionRule(
        "close", gettext_noop("Classer sans suite"), IN_REVIEW, CLOSED, STAFF, reason_required=True
    ),
    TransitionRule("accept", gettext_noop("Accepter"), IN_REVIEW, ACCEPTED, STAFF),
    TransitionRule("refuse", gettext_noop("Refuser"), IN_REVIEW, REFUSED, STAFF, reason_required=True),
)
_BY_EDGE = {(rule.source, rule.target): rule for rule in TRANSITIONS}


def _state_label(state: str) -> str:
    """The label of `state` in the active language (the code itself when unknown)."""
    return _(STATE_LABELS[state]) if state in STATE_LABELS else state


class TransitionError(Exception):
    """A transition that is not allowed; `str()` is a French message for the person."""


def find(source: str, target: str) -> TransitionRule | None:
    return _BY_EDGE.get((source, target))


def allowed(source: str, target: str, roles: Iterable[str]) -> TransitionRule:
    """The rule of `source → target` when one of `roles` may fire it; raises TransitionError otherwise."""
    if target not in STATES:
        raise TransitionError(_("Ce statut n’existe pas."))
    rule = find(source, target)
    if rule is None:
        raise TransitionError(
            _("Impossible de passer un dossier « %(source)s » au statut « %(target)s ».")
            % {"source": _state_label(source), "target": _state_label(target)}
        )
    if rule.role not in set(roles):
        if rule.role == APPLICANT:
            message = _("L’action « %(action)s » est réservée au porteur du dossier.")
        else:
            message = _("L’action « %(action)s » est réservée à l’équipe de l’appel.")
        raise TransitionError(message % {"action": rule.label})
    return rule


def available(source: str, roles: Iterable[str]) -> list[TransitionRule]:
    """The transitions one of `roles` may fire from `source` (for the buttons of a page)."""
    roles = set(roles)
    return [rule for rule in TRANSITIONS if rule.source == source and rule.role in roles]
