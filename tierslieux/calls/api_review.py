"""API of the review side, in OpenAPI at /api/v1/docs:

- `/api/v1/laureats` (public): the published laureates — place, commune, envelope, amounts; no person.
- `/api/v1/dossiers` (authenticated programme staff): the submitted files of the calls they read, with their
  weighted score; filters as in the staff list.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from tierslieux.accounts.roles import is_programme_staff

from . import selectors as call_selectors
from .models import Application, Status
from .review import selectors

laureates_router = Router(tags=["Lauréats"])
applications_router = Router(tags=["Dossiers (équipe du programme)"], auth=django_auth)
MAX_LIMIT = 500


class LaureateOut(Schema):
    reference: str = Field(description="Numéro du dossier")
    call: str = Field(description="Titre de l’appel")
    wave: str
    project: str = Field(description="Titre du projet")
    place: str = Field(description="Nom du tiers-lieu")
    commune: str
    insee: str = Field(description="Code INSEE de la commune")
    envelope: str
    amount: int = Field(description="Montant total accordé (€)")
    amounts_per_year: list[int] = Field(description="Montants accordés par année (€)")
    published_at: datetime | None


@laureates_router.get("", response=list[LaureateOut], summary="Lauréats publiés")
def laureates(request, call: str | None = Query(None, description="Identifiant d’URL (slug) d’un appel")):
    queryset = selectors.laureates_public()
    if call:
        queryset = queryset.filter(application__call__slug=call)
    return [selectors.laureate_row(d) for d in queryset]


class ApplicationOut(Schema):
    id: int
    reference: str
    call: int
    wave: str | None
    status: str
    envelope: str | None
    place: str | None
    commune: str | None
    region: str | None
    requested_total: int
    score: float | None = Field(description="Note pondérée moyenne des évaluations rendues (0–5)")
    reviews: int = Field(description="Évaluations rendues")
    disagreement: bool = Field(description="Écart de plus de 2 points entre instructeur·rices sur un critère")
    granted_total: int | None


class ApplicationFilters(Schema):
    call: int = Field(description="Identifiant de l’appel")
    wave: int | None = None
    envelope: int | None = None
    status: str | None = None
    region: str | None = Field(None, description="Code INSEE de la région")
    reviewer: int | None = None
    min_score: float | None = Field(None, ge=0, le=5)
    max_score: float | None = Field(None, ge=0, le=5)
    offset: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


def _row(row) -> dict:
    a: Application = row.application
    place = a.place
    decision = getattr(a, "decision", None)
    return {
        "id": a.pk,
        "reference": a.reference,
        "call": a.call_id,
        "wave": a.wave.name if a.wave_id else None,
        "status": a.status,
        "envelope": a.envelope.code if a.envelope_id else None,
        "place": place.name if place else None,
        "commune": place.commune_id if place else None,
        "region": place.commune.region_id if place else None,
        "requested_total": a.requested_total,
        "score": row.score.score,
        "reviews": row.score.reviews,
        "disagreement": row.score.disagreement,
        "granted_total": decision.granted_total if decision else None,
    }


@applications_router.get("", response=list[ApplicationOut], summary="Dossiers déposés d’un appel (équipe)")
def applications(request, filters: Query[ApplicationFilters]):
    if not is_programme_staff(request.user):
        raise HttpError(403, "Réservé à l’équipe du programme.")
    call = call_selectors.calls_readable_by(request.user).filter(pk=filters.call).first()
    if call is None:
        raise HttpError(404, "Appel introuvable.")
    if filters.status and (filters.status not in Status.values or filters.status == Status.DRAFT):
        raise HttpError(400, "Statut inconnu.")
    rows = selectors.staff_rows(
        call,
        selectors.StaffFilters(
            wave=filters.wave,
            envelope=filters.envelope,
            status=filters.status,
            region=filters.region,
            reviewer=filters.reviewer,
            min_score=filters.min_score,
            max_score=filters.max_score,
        ),
    )
    return [_row(r) for r in rows[filters.offset : filters.offset + filters.limit]]
