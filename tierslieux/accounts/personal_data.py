"""The registry of personal data (RGPD): each app says how to export and how to erase what it holds about a
person. The "Mes données" export and the account erasure walk this registry, so an app that stores personal
data registers here, in its `AppConfig.ready()`::

    from tierslieux.accounts import personal_data
    personal_data.register(
        "comments", label=gettext_noop("Commentaires"),
        export=lambda user: [...],          # JSON-serialisable
        erase=comments_anonymise_author,    # called inside the erasure transaction
    )

Erasure keeps what the law requires (submitted applications for public grants) with the personal fields
pseudonymised: that is the registering app's `erase`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_noop

Exporter = Callable[[AbstractBaseUser], Any]
Eraser = Callable[[AbstractBaseUser], None]


@dataclass(frozen=True)
class Section:
    name: str
    label: str  # French, marked with gettext_noop
    export: Exporter
    erase: Eraser | None = None


SECTIONS: dict[str, Section] = {}
ACCOUNT_LABEL = gettext_noop("Compte")

ERASED_AUTHOR = gettext_noop("Auteur supprimé")
"""What is shown instead of the name of a person who erased their account."""


def register(name: str, *, label: str, export: Exporter, erase: Eraser | None = None) -> None:
    """Declare section `name` of a person's data (idempotent for the same functions)."""
    SECTIONS[name] = Section(name=name, label=label, export=export, erase=erase)


def sections() -> list[Section]:
    return [SECTIONS[name] for name in sorted(SECTIONS)]


def export_all(user: AbstractBaseUser) -> dict[str, Any]:
    """Everything the platform holds about `user`, one entry per registered section (JSON-serialisable)."""
    from django.utils.translation import gettext

    return {
        section.name: {"label": gettext(section.label), "data": section.export(user)}
        for section in sections()
    }
