"""The state machines of contributions, declared with the platform's one mechanism (`core.workflow`). Plain
Python, no Django.

Each contribution waits in `pending` until programme staff ("staff") decide once; a contact message relayed to
the managers of its place is `relayed` from the start (nothing to decide). The publication of project places,
also moderated here, is `tierslieux.places.workflow.PUBLICATION`. Every change goes through
`core.services.transition_apply`, whose log row (`core.TransitionLog`) says who, when and why; the first row of
a contribution's history is its creation (`core.services.transition_log_start`).
"""

from __future__ import annotations

from tierslieux.core.i18n import gettext_noop
from tierslieux.core.workflow import State, Transition, Workflow
from tierslieux.places.workflow import ROLE_LABELS, STAFF

PENDING = "pending"
ACCEPTED = "accepted"
REFUSED = "refused"
RESOLVED = "resolved"
DISMISSED = "dismissed"
APPROVED = "approved"
RELAYED = "relayed"
CLOSED = "closed"

PROPOSAL = Workflow(
    "place_proposal",
    states=[
        State(PENDING, gettext_noop("En attente")),
        State(ACCEPTED, gettext_noop("Acceptée"), final=True),
        State(REFUSED, gettext_noop("Refusée"), final=True),
    ],
    transitions=[
        Transition("accept", gettext_noop("Accepter"), [PENDING], ACCEPTED, {STAFF}),
        Transition("refuse", gettext_noop("Refuser"), [PENDING], REFUSED, {STAFF}, reason_required=True),
    ],
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("cette proposition"),
)

REPORT = Workflow(
    "place_error_report",
    states=[
        State(PENDING, gettext_noop("En attente")),
        State(RESOLVED, gettext_noop("Traité"), final=True),
        State(DISMISSED, gettext_noop("Écarté"), final=True),
    ],
    transitions=[
        Transition("resolve", gettext_noop("Traiter"), [PENDING], RESOLVED, {STAFF}),
        Transition("dismiss", gettext_noop("Écarter"), [PENDING], DISMISSED, {STAFF}, reason_required=True),
    ],
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("ce signalement"),
)

CLAIM = Workflow(
    "place_claim",
    states=[
        State(PENDING, gettext_noop("En attente")),
        State(APPROVED, gettext_noop("Approuvée"), final=True),
        State(REFUSED, gettext_noop("Refusée"), final=True),
    ],
    transitions=[
        Transition("approve", gettext_noop("Approuver"), [PENDING], APPROVED, {STAFF}),
        Transition("refuse", gettext_noop("Refuser"), [PENDING], REFUSED, {STAFF}, reason_required=True),
    ],
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("cette demande"),
)

CONTACT = Workflow(
    "place_contact",
    states=[
        State(RELAYED, gettext_noop("Transmis aux gestionnaires"), final=True),
        State(PENDING, gettext_noop("À traiter par l’équipe")),
        State(CLOSED, gettext_noop("Traité par l’équipe"), final=True),
    ],
    transitions=[Transition("close", gettext_noop("Marquer comme traité"), [PENDING], CLOSED, {STAFF})],
    initial=PENDING,
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("ce message"),
)
