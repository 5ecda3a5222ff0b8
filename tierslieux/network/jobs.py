"""Periodic jobs of the network (registered with `tierslieux.core.jobs.periodic`)."""

from __future__ import annotations

from datetime import datetime

from tierslieux.core.i18n import gettext_noop
from tierslieux.core.jobs import periodic


@periodic(
    "15 6 * * *",
    name="network.listings_expiry",
    description=gettext_noop("Annonces : avis d’expiration et expiration"),
)
def listings_expiry(*, now: datetime) -> str:
    """Warn the owners of listings that expire within a week; expire those past their validity."""
    from .services.offers import listings_expire

    return listings_expire(now=now)


@periodic(
    "0 * * * *", name="network.ics_import", description=gettext_noop("Import des calendriers ICS des lieux")
)
def ics_import(*, now: datetime) -> str:
    """Fetch every calendar URL places gave and update their events."""
    from .services.imports import ics_import_all

    return ics_import_all(now=now)
