"""The four workflows of the follow-up, declared with `tierslieux.core.workflow` (plain Python).

Roles are relative to the object: `staff` (the call's team and administrators), `beneficiary` (the managers of
the laureate's place and the applicant of its dossier) and `system` (the platform: periodic jobs, the release of
a tranche when a report is accepted). Programme staff outside the call's team only read (`reader`), they fire
nothing. Every change goes through `core.services.transition_apply` (one `core.TransitionLog` row: who, when,
from, to, why). docs/followup.md shows these tables.
"""

from __future__ import annotations

from tierslieux.core.i18n import gettext_noop
from tierslieux.core.workflow import SYSTEM, State, Transition, Workflow

STAFF = "staff"
BENEFICIARY = "beneficiary"
READER = "reader"

ROLE_LABELS = {
    STAFF: gettext_noop("à l’équipe de l’appel"),
    BENEFICIARY: gettext_noop("au bénéficiaire"),
    SYSTEM: gettext_noop("à la plateforme"),
}

# --- Funding agreement (convention) --------------------------------------------------------------------------
AGREEMENT = Workflow(
    "followup.agreement",
    states=[
        State("draft", gettext_noop("Projet de convention")),
        State("signed", gettext_noop("Signée")),
        State("completed", gettext_noop("Soldée"), final=True),
        State("terminated", gettext_noop("Résiliée"), final=True),
    ],
    transitions=[
        Transition("sign", gettext_noop("Marquer comme signée"), ["draft"], "signed", {STAFF}),
        # An amendment keeps the agreement signed: the self-transition logs who, when and why.
        Transition(
            "amend",
            gettext_noop("Enregistrer un avenant"),
            ["signed"],
            "signed",
            {STAFF},
            reason_required=True,
        ),
        Transition(
            "complete", gettext_noop("Solder la convention"), ["signed"], "completed", {STAFF, SYSTEM}
        ),
        Transition(
            "terminate",
            gettext_noop("Résilier la convention"),
            ["draft", "signed"],
            "terminated",
            {STAFF},
            reason_required=True,
        ),
    ],
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("cette convention"),
)

# --- Tranche (payment) ---------------------------------------------------------------------------------------
TRANCHE = Workflow(
    "followup.tranche",
    states=[
        State("scheduled", gettext_noop("Prévue")),
        State("due", gettext_noop("À engager")),
        State("committed", gettext_noop("Engagée")),
        State("paid", gettext_noop("Payée"), final=True),
        State("suspended", gettext_noop("Suspendue")),
        State("cancelled", gettext_noop("Annulée"), final=True),
    ],
    transitions=[
        # The first tranche at signature, each later one when the previous year's report is accepted.
        Transition("release", gettext_noop("Rendre exigible"), ["scheduled"], "due", {SYSTEM, STAFF}),
        Transition("commit", gettext_noop("Engager"), ["due"], "committed", {STAFF}),
        Transition("pay", gettext_noop("Marquer comme payée"), ["committed"], "paid", {STAFF}),
        Transition(
            "suspend",
            gettext_noop("Suspendre"),
            ["scheduled", "due", "committed"],
            "suspended",
            {STAFF, SYSTEM},
            reason_required=True,
        ),
        Transition("resume", gettext_noop("Reprendre (exigible)"), ["suspended"], "due", {STAFF}),
        Transition(
            "reschedule", gettext_noop("Remettre au calendrier"), ["suspended"], "scheduled", {STAFF, SYSTEM}
        ),
        Transition(
            "cancel",
            gettext_noop("Annuler"),
            ["scheduled", "due", "committed", "suspended"],
            "cancelled",
            {STAFF, SYSTEM},
            reason_required=True,
        ),
    ],
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("cette tranche"),
)

# --- Annual report -------------------------------------------------------------------------------------------
REPORT = Workflow(
    "followup.report",
    states=[
        State("draft", gettext_noop("À remplir")),
        State("submitted", gettext_noop("Déposé")),
        State("corrections", gettext_noop("Corrections demandées")),
        State("accepted", gettext_noop("Accepté"), final=True),
    ],
    transitions=[
        Transition(
            "submit", gettext_noop("Déposer le rapport"), ["draft", "corrections"], "submitted", {BENEFICIARY}
        ),
        Transition("accept", gettext_noop("Accepter le rapport"), ["submitted"], "accepted", {STAFF}),
        Transition(
            "request_corrections",
            gettext_noop("Demander des corrections"),
            ["submitted"],
            "corrections",
            {STAFF},
            reason_required=True,
        ),
    ],
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("ce rapport"),
)
EDITABLE_REPORT_STATES = frozenset({"draft", "corrections"})

# --- Census campaign -----------------------------------------------------------------------------------------
CENSUS = Workflow(
    "followup.census",
    states=[
        State("draft", gettext_noop("En préparation")),
        State("open", gettext_noop("Ouvert")),
        State("closed", gettext_noop("Clos"), final=True),
    ],
    transitions=[
        Transition("open", gettext_noop("Ouvrir et envoyer les invitations"), ["draft"], "open", {STAFF}),
        Transition("close", gettext_noop("Clore le recensement"), ["open"], "closed", {STAFF, SYSTEM}),
    ],
    role_labels={STAFF: gettext_noop("à l’équipe du programme"), SYSTEM: gettext_noop("à la plateforme")},
    object_label=gettext_noop("ce recensement"),
)

WORKFLOWS = (AGREEMENT, TRANCHE, REPORT, CENSUS)
