"""Coverage API, mounted under /api/v1/coverage (OpenAPI at /api/v1/docs)."""

from __future__ import annotations

import math

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tierslieux.accounts.roles import is_programme_staff

from . import selectors
from .inputs import PlaceFilter

router = Router(tags=["Diagnostic territorial"])
KINDS = ("france", "region", "departement", "epci", "commune")
MAX_ROWS = 5000


class FilterQuery(Schema):
    statut: list[str] = Field(["open"], description="Statuts des lieux comptés (open, project, …)")
    type: list[str] = Field([], description="Types de lieux (aucun : tous)")
    label: list[str] = Field([], description="Labels (aucun : tous)")
    mediation: bool = Field(
        False,
        description="Compter aussi les lieux de médiation numérique (liste d’une seule région, hors tiers-lieux)",
    )

    def place_filter(self) -> PlaceFilter:
        try:
            return PlaceFilter(
                statuses=tuple(self.statut),
                types=tuple(self.type),
                labels=tuple(self.label),
                digital_inclusion=self.mediation,
            )
        except ValueError as exc:
            raise HttpError(400, f"Filtre invalide : {exc}") from exc


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None


class RingOut(Schema):
    km: float
    population: float
    share: float | None = Field(description="Part de la population (0 à 1)")


class WhiteZoneOut(Schema):
    insee: str
    name: str | None
    population: float
    nearest_km: float | None
    note: str = Field(
        "",
        description="À la place d’une distance : aucun tiers-lieu compté dans le territoire de la commune "
        "(la métropole et chaque département d’outre-mer sont séparés ; jamais de distance vers un autre)",
    )


class SourceOut(Schema):
    label: str = Field(description="Source des lieux comptés")
    date: str = Field(description="Date de ses données")
    places: int = Field(description="Lieux comptés (en France) dont c’est la source principale")


class TerritoryCoverageOut(Schema):
    kind: str
    code: str
    name: str
    commune_count: int
    population: float
    place_count: int = Field(description="Tiers-lieux comptés situés dans le territoire")
    places_per_10k: float | None
    mean_km: float | None = Field(
        description="Distance moyenne au lieu le plus proche, pondérée par la population"
    )
    within: list[RingOut]
    white_zone_km: float
    white_zone_population: float
    white_zone_share: float | None
    white_zone_commune_count: int
    white_zone_communes: list[WhiteZoneOut] = Field(description="Les plus peuplées d’abord (50 au plus)")
    territories_without_place: list[str] = Field(
        default_factory=list,
        description="Territoires (France métropolitaine, départements d’outre-mer) sans tiers-lieu compté : "
        "leurs communes n’ont pas de distance",
    )
    sources: list[SourceOut] = Field(
        default_factory=list, description="Sources des lieux comptés, avec leur date"
    )


class CommuneRowOut(Schema):
    insee: str
    name: str
    department: str
    epci: str
    population: int
    nearest_km: float | None
    road_km: float | None = Field(description="Distance routière approximative (facteur de détour)")
    nearest_place: str
    within_5km: int
    within_10km: int
    within_20km: int
    white_zone: bool
    note: str = Field(
        "",
        description="À la place d’une distance : aucun tiers-lieu compté dans le territoire de la commune "
        "(la métropole et chaque département d’outre-mer sont séparés ; jamais de distance vers un autre)",
    )


class WhatIfRingOut(Schema):
    km: float
    population_gained: float


class WhatIfCommuneOut(Schema):
    insee: str
    name: str
    population: int


class WhatIfOut(Schema):
    lon: float
    lat: float
    commune: WhatIfCommuneOut | None
    white_zone_km: float
    population_gained: float = Field(description="Habitants des communes qui sortiraient de la zone blanche")
    rings: list[WhatIfRingOut]
    communes_leaving_white_zone: list[WhatIfCommuneOut]
    leaving_count: int


def _territory(kind: str, code: str) -> selectors.Territory:
    if kind not in KINDS:
        raise HttpError(404, "Type de territoire inconnu (france, region, departement, epci, commune).")
    try:
        return selectors.territory_get(kind, code)
    except selectors.TerritoryNotFound as exc:
        raise HttpError(404, "Territoire inconnu.") from exc


@router.get("/{kind}/{code}", response=TerritoryCoverageOut, summary="Chiffres de couverture d’un territoire")
def territory_coverage(request: HttpRequest, kind: str, code: str, filters: Query[FilterQuery]):
    """Part de la population à moins de 5/10/20 km d’un tiers-lieu, zones blanches, lieux pour 10 000 habitants.

    `kind` : france (code FR), region, departement, epci, commune.
    """
    territory = _territory(kind, code)
    d = selectors.territory_diagnostic(territory, filters.place_filter())
    s = d.summary
    return {
        "kind": territory.kind,
        "code": territory.code,
        "name": territory.name,
        "commune_count": s.commune_count,
        "population": s.population,
        "place_count": s.place_count,
        "places_per_10k": _number(s.places_per_10k),
        "mean_km": d.mean_km,
        "within": [{"km": km, "population": pop, "share": _number(share)} for km, pop, share in d.share_rows],
        "white_zone_km": s.white_zone_km,
        "white_zone_population": s.white_zone_population,
        "white_zone_share": _number(s.white_zone_share),
        "white_zone_commune_count": s.white_zone_commune_count,
        "white_zone_communes": [
            {
                "insee": c.commune_id,
                "name": c.name,
                "population": c.population,
                "nearest_km": _number(c.nearest_km),
                "note": d.white_zone_notes.get(c.commune_id, ""),
            }
            for c in s.white_zone_communes
        ],
        "territories_without_place": list(d.zones_without_place),
        "sources": [{"label": c.label, "date": c.date, "places": c.places} for c in d.sources],
    }


@router.get(
    "/{kind}/{code}/communes", response=list[CommuneRowOut], summary="Tableau par commune d’un territoire"
)
def territory_communes(
    request: HttpRequest,
    kind: str,
    code: str,
    filters: Query[FilterQuery],
    offset: int = Query(0, ge=0),
    limit: int = Query(1000, ge=1, le=MAX_ROWS),
):
    """Une ligne par commune, les plus peuplées d’abord (pagination : offset, limit ≤ 5000)."""
    rows = selectors.commune_rows(_territory(kind, code), filters.place_filter())
    return [row.__dict__ for row in rows[offset : offset + limit]]


@router.get(
    "/simulation", response=WhatIfOut, summary="Simulation d’un nouveau tiers-lieu (équipe du programme)"
)
def what_if(
    request: HttpRequest,
    filters: Query[FilterQuery],
    lon: float = Query(..., ge=-180, le=180),
    lat: float = Query(..., ge=-90, le=90),
):
    """Habitants qu’un lieu hypothétique en (lon, lat) mettrait à portée ; rien n’est enregistré.

    Réservé à l’équipe du programme (session connectée).
    """
    if not is_programme_staff(request.user):
        raise HttpError(403, "Réservé à l’équipe du programme.")
    try:
        preview = selectors.what_if(lon, lat, filters.place_filter())
    except ValueError as exc:
        raise HttpError(400, f"Coordonnées invalides : {exc}") from exc
    return {
        "lon": preview.lon,
        "lat": preview.lat,
        "commune": preview.commune.__dict__ if preview.commune else None,
        "white_zone_km": preview.white_zone_km,
        "population_gained": preview.population_gained,
        "rings": [{"km": km, "population_gained": pop} for km, pop in preview.rings],
        "communes_leaving_white_zone": [c.__dict__ for c in preview.leaving],
        "leaving_count": preview.leaving_count,
    }
