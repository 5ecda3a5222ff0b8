"""The two state machines of a stored optimiser run, declared with the platform's one mechanism. Plain Python.

A run (`Run.status`)::

    pending ──start──▶ running ──finish──▶ done
       └──────fail──────┴──────fail──────▶ failed

Its replay (`Run.replay_status`), asked by the call's team once the run is done, computed in the background
from the stored inputs::

    none / identical / different / failed ──request──▶ requested ──confirm──▶ identical
                                                                  ├─differ──▶ different
                                                                  └─fail────▶ failed

"staff" is the call's team (and administrators); "system" the background task. Every change goes through
`core.services.transition_apply` (one `core.TransitionLog` row: who, when, why); the dates and the report of
a replay (`replay_requested_at`, `replayed_at`, `replay_report`) are written with its transitions.
"""

from __future__ import annotations

from tierslieux.core.i18n import gettext_noop
from tierslieux.core.workflow import SYSTEM, State, Transition, Workflow

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
STAFF = "staff"

RUN = Workflow(
    "selection_run",
    states=[
        State(PENDING, gettext_noop("En attente")),
        State(RUNNING, gettext_noop("En cours")),
        State(DONE, gettext_noop("Terminé"), final=True),
        State(FAILED, gettext_noop("Échec"), final=True),
    ],
    transitions=[
        Transition("start", gettext_noop("Lancer le calcul"), [PENDING], RUNNING, {SYSTEM}),
        Transition("finish", gettext_noop("Terminer le calcul"), [RUNNING], DONE, {SYSTEM}),
        Transition("fail", gettext_noop("Constater l’échec du calcul"), [PENDING, RUNNING], FAILED, {SYSTEM}),
    ],
    object_label=gettext_noop("ce calcul"),
)

NONE, REQUESTED, IDENTICAL, DIFFERENT = "none", "requested", "identical", "different"

REPLAY = Workflow(
    "selection_replay",
    states=[
        State(NONE, gettext_noop("Jamais rejoué")),
        State(REQUESTED, gettext_noop("Rejeu demandé")),
        State(IDENTICAL, gettext_noop("Résultat identique")),
        State(DIFFERENT, gettext_noop("Résultat différent")),
        State(FAILED, gettext_noop("Échec du rejeu")),
    ],
    transitions=[
        Transition(
            "request", gettext_noop("Rejouer"), [NONE, IDENTICAL, DIFFERENT, FAILED], REQUESTED, {STAFF}
        ),
        Transition(
            "confirm", gettext_noop("Constater un résultat identique"), [REQUESTED], IDENTICAL, {SYSTEM}
        ),
        Transition(
            "differ", gettext_noop("Constater un résultat différent"), [REQUESTED], DIFFERENT, {SYSTEM}
        ),
        Transition("fail", gettext_noop("Constater l’échec du rejeu"), [REQUESTED], FAILED, {SYSTEM}),
    ],
    role_labels={STAFF: gettext_noop("à l’équipe de l’appel")},
    object_label=gettext_noop("ce calcul"),
)
