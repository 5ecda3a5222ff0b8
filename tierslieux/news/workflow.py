"""The workflows of the news, declared with the platform's one mechanism. Plain Python.

Article::

    draft ──schedule──▶ scheduled ──publish (at its time, system)──▶ published ──archive──▶ archived
      │  ◀──unschedule──┘                                              ▲
      └────────────────────────publish (now)──────────────────────────┘

Comment::

    unconfirmed ──confirm──▶ pending ──approve──▶ approved        (anonymous: the email link first)
         │       └─confirm_trusted─────────────▶ approved        (the address already has an approved comment)
         └──expire (7 days, system)──▶ expired
    pending / approved ──reject (reason)──▶ rejected ;  ──spam──▶ spam ;  ──delete (author, 15 min)──▶ deleted

A new comment starts in `unconfirmed` (anonymous), `pending` (signed-in, no approved comment yet) or
`approved` (signed-in author with an approved comment): that first state is chosen by
`tierslieux.news.services.comment_post`, every later change goes through the table below.
"""

from __future__ import annotations

from tierslieux.core.i18n import gettext_noop
from tierslieux.core.workflow import SYSTEM, State, Transition, Workflow

EDITOR = "editor"
AUTHOR = "author"
MODERATOR = "moderator"

DRAFT, SCHEDULED, PUBLISHED, ARCHIVED = "draft", "scheduled", "published", "archived"

ARTICLE = Workflow(
    "article",
    states=[
        State(DRAFT, gettext_noop("Brouillon")),
        State(SCHEDULED, gettext_noop("Programmé")),
        State(PUBLISHED, gettext_noop("Publié")),
        State(ARCHIVED, gettext_noop("Archivé"), final=True),
    ],
    transitions=[
        Transition("schedule", gettext_noop("Programmer la publication"), [DRAFT], SCHEDULED, {EDITOR}),
        Transition("unschedule", gettext_noop("Annuler la programmation"), [SCHEDULED], DRAFT, {EDITOR}),
        Transition(
            "publish", gettext_noop("Publier maintenant"), [DRAFT, SCHEDULED], PUBLISHED, {EDITOR, SYSTEM}
        ),
        Transition("archive", gettext_noop("Archiver"), [PUBLISHED], ARCHIVED, {EDITOR}),
    ],
    role_labels={EDITOR: gettext_noop("aux rédacteurs et à l’équipe du programme")},
    object_label=gettext_noop("cet article"),
)

UNCONFIRMED, PENDING, APPROVED = "unconfirmed", "pending", "approved"
REJECTED, SPAM, DELETED, EXPIRED = "rejected", "spam", "deleted", "expired"

COMMENT = Workflow(
    "comment",
    states=[
        State(UNCONFIRMED, gettext_noop("À confirmer par courriel")),
        State(PENDING, gettext_noop("En attente de modération")),
        State(APPROVED, gettext_noop("Publié")),
        State(REJECTED, gettext_noop("Refusé"), final=True),
        State(SPAM, gettext_noop("Indésirable"), final=True),
        State(DELETED, gettext_noop("Supprimé par son auteur"), final=True),
        State(EXPIRED, gettext_noop("Jamais confirmé"), final=True),
    ],
    transitions=[
        Transition("confirm", gettext_noop("Confirmer mon commentaire"), [UNCONFIRMED], PENDING, {AUTHOR}),
        Transition(
            "confirm_trusted", gettext_noop("Confirmer mon commentaire"), [UNCONFIRMED], APPROVED, {AUTHOR}
        ),
        Transition("approve", gettext_noop("Approuver"), [PENDING], APPROVED, {MODERATOR}),
        Transition(
            "reject",
            gettext_noop("Refuser"),
            [PENDING, APPROVED],
            REJECTED,
            {MODERATOR},
            reason_required=True,
        ),
        Transition(
            "spam",
            gettext_noop("Marquer comme indésirable"),
            [UNCONFIRMED, PENDING, APPROVED],
            SPAM,
            {MODERATOR},
        ),
        Transition("delete", gettext_noop("Supprimer"), [UNCONFIRMED, PENDING, APPROVED], DELETED, {AUTHOR}),
        Transition("expire", gettext_noop("Expirer"), [UNCONFIRMED], EXPIRED, {SYSTEM}),
    ],
    role_labels={
        AUTHOR: gettext_noop("à l’auteur du commentaire"),
        MODERATOR: gettext_noop("aux modérateurs (rédaction et équipe du programme)"),
    },
    object_label=gettext_noop("ce commentaire"),
)
MODERATION_ACTIONS = ("approve", "reject", "spam")
