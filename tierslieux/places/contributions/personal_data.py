"""The contributions' part of a person's data (accounts/personal_data.py): what they proposed to the atlas,
the errors they reported, the places they claimed and the messages they sent through contact forms.

Erasure: proposals, reports and claims stay (they explain the atlas' history) but are detached from the
person (no account, no address); contact messages, which are the person's own words to a place, are deleted."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_noop

from tierslieux.accounts import personal_data

from .models import Claim, ContactMessage, ErrorReport, Proposal


def _mine(model, user):
    return model.objects.filter(Q(author=user) | Q(author_email__iexact=user.email))


def contributions_export(user) -> dict:
    return {
        "proposals": [
            {
                "kind": p.kind,
                "status": p.status,
                "data": p.data,
                "comment": p.comment,
                "created_at": p.created_at.isoformat(),
            }
            for p in _mine(Proposal, user)
        ],
        "error_reports": [
            {
                "place": r.place.name,
                "kind": r.kind,
                "message": r.message,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in _mine(ErrorReport, user).select_related("place")
        ],
        "claims": [
            {
                "place": c.place.name,
                "message": c.message,
                "status": c.status,
                "created_at": c.created_at.isoformat(),
            }
            for c in _mine(Claim, user).select_related("place")
        ],
        "contact_messages": [
            {
                "place": m.place.name,
                "name": m.sender_name,
                "email": m.author_email,
                "message": m.message,
                "created_at": m.created_at.isoformat(),
            }
            for m in _mine(ContactMessage, user).select_related("place")
        ],
    }


def contributions_erase(user) -> None:
    for model in (Proposal, ErrorReport, Claim):
        _mine(model, user).update(author=None, author_email="")
    _mine(ContactMessage, user).delete()


def register() -> None:
    personal_data.register(
        "contributions",
        label=gettext_noop("Contributions à l’atlas"),
        export=contributions_export,
        erase=contributions_erase,
    )
