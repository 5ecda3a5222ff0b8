"""The state machine of an application (dossier), declared with the platform's one mechanism. Plain Python.

    draft ──submit──▶ submitted ──start_review──▶ in_review ──accept/refuse/close──▶ accepted/refused/closed
      │                 │  ▲                         │
      │                 │  └──resubmit── corrections ◀┘ (request_corrections, also from submitted)
      └──withdraw──▶ withdrawn ◀──withdraw── submitted / corrections / in_review

Who may fire a transition is a role *relative to the dossier*: "applicant" (its applicant or a manager of its
place), "staff" (the call's team, or an administrator). `tierslieux.calls.services.application_transition` is
the only function that changes a status: it fires the transition through `core.services.transition_apply`,
which checks this table and writes the `core.TransitionLog` row.
"""

from __future__ import annotations

from tierslieux.core.i18n import gettext_noop
from tierslieux.core.workflow import State, Transition, Workflow

DRAFT = "draft"
SUBMITTED = "submitted"
CORRECTIONS = "corrections"
IN_REVIEW = "in_review"
ACCEPTED = "accepted"
REFUSED = "refused"
CLOSED = "closed"
WITHDRAWN = "withdrawn"

APPLICANT = "applicant"
STAFF = "staff"
ROLES = (APPLICANT, STAFF)

APPLICATION = Workflow(
    "application",
    states=[
        State(DRAFT, gettext_noop("Brouillon")),
        State(SUBMITTED, gettext_noop("Déposé")),
        State(CORRECTIONS, gettext_noop("En construction (corrections demandées)")),
        State(IN_REVIEW, gettext_noop("En instruction")),
        State(ACCEPTED, gettext_noop("Accepté"), final=True),
        State(REFUSED, gettext_noop("Refusé"), final=True),
        State(CLOSED, gettext_noop("Classé sans suite"), final=True),
        State(WITHDRAWN, gettext_noop("Retiré"), final=True),
    ],
    transitions=[
        Transition("submit", gettext_noop("Déposer le dossier"), [DRAFT], SUBMITTED, {APPLICANT}),
        Transition(
            "resubmit", gettext_noop("Déposer le dossier corrigé"), [CORRECTIONS], SUBMITTED, {APPLICANT}
        ),
        Transition(
            "withdraw",
            gettext_noop("Retirer le dossier"),
            [DRAFT, SUBMITTED, CORRECTIONS, IN_REVIEW],
            WITHDRAWN,
            {APPLICANT},
        ),
        Transition("start_review", gettext_noop("Passer en instruction"), [SUBMITTED], IN_REVIEW, {STAFF}),
        Transition(
            "request_corrections",
            gettext_noop("Demander des corrections"),
            [SUBMITTED, IN_REVIEW],
            CORRECTIONS,
            {STAFF},
            reason_required=True,
        ),
        Transition(
            "close",
            gettext_noop("Classer sans suite"),
            [SUBMITTED, IN_REVIEW],
            CLOSED,
            {STAFF},
            reason_required=True,
        ),
        Transition("accept", gettext_noop("Accepter"), [IN_REVIEW], ACCEPTED, {STAFF}),
        Transition("refuse", gettext_noop("Refuser"), [IN_REVIEW], REFUSED, {STAFF}, reason_required=True),
    ],
    role_labels={
        APPLICANT: gettext_noop("au porteur du dossier"),
        STAFF: gettext_noop("à l’équipe de l’appel"),
    },
    object_label=gettext_noop("ce dossier"),
    refusals={
        "no_target": gettext_noop("Impossible de passer un dossier « %(source)s » au statut « %(target)s »."),
        "reason_required": gettext_noop("L’action « %(action)s » demande un motif."),
    },
)

STATES = APPLICATION.codes
FINAL_STATES = APPLICATION.final_codes
EDITABLE_STATES = frozenset({DRAFT, CORRECTIONS})
STAFF_ACTIONS = frozenset(rule.action for rule in APPLICATION.transitions if STAFF in rule.roles)
"""The actions only the call's team fires: the dossier's history names the team, not the person."""
