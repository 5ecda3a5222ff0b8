"""The publication of a place on the public atlas, declared with the platform's one mechanism. Plain Python.

A place created inside an application ("un lieu en projet", `Place.publication`) waits in `pending`; it is
public once accepted by a moderator ("staff": programme staff) or once its application is accepted ("system");
a refused one can still be published later (e.g. with its application). Places from the sources and the
imports are `published` from the start. Moderated in `tierslieux.places.contributions`.
"""

from __future__ import annotations

from tierslieux.core.i18n import gettext_noop
from tierslieux.core.workflow import SYSTEM, State, Transition, Workflow

PUBLISHED = "published"
PENDING = "pending"
REFUSED = "refused"

STAFF = "staff"
ROLE_LABELS = {STAFF: gettext_noop("à l’équipe du programme")}

PUBLICATION = Workflow(
    "place_publication",
    states=[
        State(PUBLISHED, gettext_noop("Publié"), final=True),
        State(PENDING, gettext_noop("En attente de modération")),
        State(REFUSED, gettext_noop("Refusé par la modération")),
    ],
    transitions=[
        Transition("publish", gettext_noop("Publier"), [PENDING, REFUSED], PUBLISHED, {STAFF, SYSTEM}),
        Transition("refuse", gettext_noop("Refuser la publication"), [PENDING], REFUSED, {STAFF}),
    ],
    initial=PUBLISHED,
    role_labels=ROLE_LABELS,
    object_label=gettext_noop("ce lieu"),
)
