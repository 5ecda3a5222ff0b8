"""The life of a subscription, declared with the platform's one workflow mechanism. Plain Python.

    pending ──confirm──▶ active ──unsubscribe──▶ unsubscribed
       │                   ▲ (a new request for the same stream and parameters reuses the active one)
       ├──expire (7 days, system)──▶ expired
       └──unsubscribe──▶ unsubscribed

Roles are relative to the subscription: "owner" (whoever holds a signed link of the address, or the signed-in
account of that address), "system" (the expiry job, a bounce, an erasure).
"""

from __future__ import annotations

from tierslieux.core.i18n import gettext_noop
from tierslieux.core.workflow import SYSTEM, State, Transition, Workflow

PENDING = "pending"
ACTIVE = "active"
UNSUBSCRIBED = "unsubscribed"
EXPIRED = "expired"
OWNER = "owner"

SUBSCRIPTION = Workflow(
    "subscription",
    states=[
        State(PENDING, gettext_noop("En attente de confirmation")),
        State(ACTIVE, gettext_noop("Active")),
        State(UNSUBSCRIBED, gettext_noop("Désabonnée"), final=True),
        State(EXPIRED, gettext_noop("Expirée (jamais confirmée)"), final=True),
    ],
    transitions=[
        Transition("confirm", gettext_noop("Confirmer"), [PENDING], ACTIVE, {OWNER, SYSTEM}),
        Transition(
            "unsubscribe", gettext_noop("Se désabonner"), [PENDING, ACTIVE], UNSUBSCRIBED, {OWNER, SYSTEM}
        ),
        Transition("expire", gettext_noop("Expirer"), [PENDING], EXPIRED, {SYSTEM}),
    ],
    role_labels={OWNER: gettext_noop("à la personne abonnée")},
    object_label=gettext_noop("cet abonnement"),
)
LIVE = (PENDING, ACTIVE)
