"""The lifecycles of the network, declared with the one workflow mechanism (`tierslieux.core.workflow`).

Roles are relative to the object: "owner" (the person who published an offer or a need, or a manager of the
place it speaks for), "organiser" (a manager of the place of an event), "mentor" (a manager of the
accompanying place), "requester" (the person asking for a companion), "author" (of a resource), "staff"
(programme staff and administrators), "system" (periodic jobs, the ICS import)."""

from __future__ import annotations

from tierslieux.core.i18n import gettext_noop
from tierslieux.core.workflow import SYSTEM, State, Transition, Workflow

OWNER = "owner"
ORGANISER = "organiser"
MENTOR = "mentor"
REQUESTER = "requester"
AUTHOR = "author"
STAFF = "staff"

ROLE_LABELS = {
    OWNER: gettext_noop("à l’auteur de l’annonce"),
    ORGANISER: gettext_noop("aux gestionnaires du lieu"),
    MENTOR: gettext_noop("au lieu compagnon"),
    REQUESTER: gettext_noop("au porteur de la demande"),
    AUTHOR: gettext_noop("à l’auteur de la ressource"),
    STAFF: gettext_noop("à l’équipe du programme"),
}

# --- Offers and needs -----------------------------------------------------------------------------------
LISTING = Workflow(
    "network.listing",
    states=[
        State("draft", gettext_noop("Brouillon")),
        State("published", gettext_noop("Publiée")),
        State("fulfilled", gettext_noop("Satisfaite"), final=True),
        State("closed", gettext_noop("Fermée"), final=True),
        State("expired", gettext_noop("Expirée"), final=True),
        State("removed", gettext_noop("Retirée par la modération"), final=True),
    ],
    transitions=[
        Transition("publish", gettext_noop("Publier"), ("draft",), "published", {OWNER}),
        Transition("fulfil", gettext_noop("Marquer comme satisfaite"), ("published",), "fulfilled", {OWNER}),
        Transition("close", gettext_noop("Fermer"), ("draft", "published"), "closed", {OWNER}),
        Transition("expire", gettext_noop("Expirer"), ("published",), "expired", {SYSTEM}),
        Transition(
            "remove",
            gettext_noop("Retirer"),
            ("draft", "published"),
            "removed",
            {STAFF},
            reason_required=True,
        ),
    ],
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("cette annonce"),
)
OPEN_LISTING_STATES = ("draft", "published")

ABUSE_REPORT = Workflow(
    "network.abuse_report",
    states=[
        State("pending", gettext_noop("À examiner")),
        State("resolved", gettext_noop("Annonce retirée"), final=True),
        State("dismissed", gettext_noop("Écarté"), final=True),
    ],
    transitions=[
        Transition("resolve", gettext_noop("Retirer l’annonce"), ("pending",), "resolved", {STAFF}),
        Transition("dismiss", gettext_noop("Écarter le signalement"), ("pending",), "dismissed", {STAFF}),
    ],
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("ce signalement"),
)

# --- Events ---------------------------------------------------------------------------------------------
EVENT = Workflow(
    "network.event",
    states=[State("confirmed", gettext_noop("Confirmé")), State("cancelled", gettext_noop("Annulé"))],
    transitions=[
        Transition(
            "cancel",
            gettext_noop("Annuler l’événement"),
            ("confirmed",),
            "cancelled",
            {ORGANISER, STAFF, SYSTEM},
        ),
        Transition(
            "restore",
            gettext_noop("Rétablir l’événement"),
            ("cancelled",),
            "confirmed",
            {ORGANISER, STAFF, SYSTEM},
        ),
    ],
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("cet événement"),
)

# --- Mentoring ------------------------------------------------------------------------------------------
MENTORING_REQUEST = Workflow(
    "network.mentoring_request",
    states=[
        State("open", gettext_noop("En recherche d’un compagnon")),
        State("paired", gettext_noop("Accompagnée")),
        State("withdrawn", gettext_noop("Retirée"), final=True),
        State("closed", gettext_noop("Terminée"), final=True),
    ],
    transitions=[
        Transition("pair", gettext_noop("Accompagner"), ("open",), "paired", {SYSTEM}),
        Transition("reopen", gettext_noop("Chercher un autre compagnon"), ("paired",), "open", {SYSTEM}),
        Transition(
            "withdraw", gettext_noop("Retirer ma demande"), ("open",), "withdrawn", {REQUESTER, STAFF}
        ),
        Transition("close", gettext_noop("Terminer"), ("paired",), "closed", {SYSTEM}),
    ],
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("cette demande"),
)

PAIRING = Workflow(
    "network.pairing",
    states=[
        State("proposed", gettext_noop("Proposé")),
        State("active", gettext_noop("En cours")),
        State("declined", gettext_noop("Décliné"), final=True),
        State("ended", gettext_noop("Terminé"), final=True),
    ],
    transitions=[
        Transition(
            "accept", gettext_noop("Accepter l’accompagnement"), ("proposed",), "active", {MENTOR, STAFF}
        ),
        Transition(
            "decline",
            gettext_noop("Décliner"),
            ("proposed",),
            "declined",
            {MENTOR, STAFF},
            reason_required=True,
        ),
        Transition(
            "end", gettext_noop("Terminer le compagnonnage"), ("active",), "ended", {MENTOR, REQUESTER, STAFF}
        ),
    ],
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("ce compagnonnage"),
)

# --- Resources ------------------------------------------------------------------------------------------
RESOURCE = Workflow(
    "network.resource",
    states=[State("published", gettext_noop("Publiée")), State("withdrawn", gettext_noop("Retirée"))],
    transitions=[
        Transition(
            "withdraw", gettext_noop("Retirer la ressource"), ("published",), "withdrawn", {AUTHOR, STAFF}
        ),
        Transition(
            "restore", gettext_noop("Publier à nouveau"), ("withdrawn",), "published", {AUTHOR, STAFF}
        ),
    ],
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("cette ressource"),
)
