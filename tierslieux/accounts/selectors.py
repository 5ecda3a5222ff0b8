"""Reads on accounts: what a signed-in person can reach from their account page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import User
from .roles import Role, has_role


@dataclass(frozen=True)
class Link:
    label: str
    url: str


# (label, URL name, roles that see it; None = every signed-in person); labels translated at use
WORKSPACE = [
    (gettext_noop("Mes dossiers de candidature"), "calls:my_applications", None),
    (gettext_noop("Proposer un nouveau tiers-lieu"), "contributions:propose", None),
    (gettext_noop("Mon réseau : annonces, événements, compagnonnage"), "network:mine", None),
    (gettext_noop("Mes contributions à l’atlas"), "contributions:mine", None),
    (gettext_noop("Dossiers à instruire"), "calls:reviewer_home", (Role.REVIEWER,)),
    (
        gettext_noop("Gestion des appels à manifestation d’intérêt"),
        "calls:manage_index",
        (Role.PROGRAMME_STAFF,),
    ),
    (gettext_noop("Instructeurs et instructrices"), "calls:reviewers", (Role.PROGRAMME_STAFF,)),
    (gettext_noop("File de modération de l’atlas"), "contributions:moderation", (Role.PROGRAMME_STAFF,)),
    (gettext_noop("Importer des tiers-lieux"), "contributions:import", (Role.PROGRAMME_STAFF,)),
    (gettext_noop("Modération du réseau"), "network:moderation", (Role.PROGRAMME_STAFF,)),
    (gettext_noop("Rédaction des actualités"), "news:manage", (Role.EDITOR, Role.PROGRAMME_STAFF)),
    (gettext_noop("Modération des commentaires"), "news:moderation", (Role.EDITOR, Role.PROGRAMME_STAFF)),
]


def workspace_links(user: User) -> list[Link]:
    """The working pages of `user`, by role, plus the pages of the places they manage."""
    links = []
    for label, name, roles in WORKSPACE:
        if roles is not None and not has_role(user, *roles):
            continue
        links.append(Link(_(label), reverse(name)))
    for place in user.managed_places.order_by("name").only("name", "slug"):
        links.append(Link(_("Ma fiche : %(place)s") % {"place": place.name}, place.get_absolute_url()))
    return links
