"""Public API of the reference geography, mounted under /api/v1/territoires (OpenAPI at /api/v1/docs)."""

from __future__ import annotations

from django.db.models import F
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from . import lookup, selectors
from .models import Commune, Department, Epci, Region

router = Router(tags=["Territoires"])
MAX_SEARCH_RESULTS = 200


class RegionOut(Schema):
    code: str = Field(description="Code INSEE de la région")
    name: str


class DepartmentOut(Schema):
    code: str = Field(description="Code INSEE du département (01…95, 2A, 2B, 971…976)")
    name: str
    region: str = Field(description="Code de la région", alias="region_id")


class EpciOut(Schema):
    siren: str
    name: str
    kind: str = Field(description="CC, CA, CU ou ME (métropole)")


class CommuneOut(Schema):
    insee: str = Field(description="Code INSEE (commune ou arrondissement municipal)")
    kind: str = Field(description="COM (commune) ou ARM (arrondissement municipal de Paris, Lyon, Marseille)")
    name: str
    department: str = Field(alias="department_id")
    region: str = Field(alias="region_id")
    epci: str | None = Field(None, alias="epci_id", description="SIREN de l’EPCI")
    parent: str | None = Field(None, alias="parent_id", description="Commune parente d’un arrondissement")
    population: int | None = Field(None, description="Population municipale")
    area_km2: float | None = None
    postcodes: list[str] = Field(default_factory=list)
    lon: float | None = Field(None, description="Longitude de la mairie (à défaut, d’un point intérieur)")
    lat: float | None = None

    @staticmethod
    def resolve_postcodes(obj) -> list[str]:
        return obj.postcodes.split() if obj.postcodes else []

    @staticmethod
    def resolve_lon(obj) -> float | None:
        return obj.point[0] if obj.point else None

    @staticmethod
    def resolve_lat(obj) -> float | None:
        return obj.point[1] if obj.point else None


class ClassificationOut(Schema):
    classified_as: str = Field(description="Commune classée (la commune parente pour un arrondissement)")
    size_class: str = Field(description="rural (< 2 000 hab.), small_town, medium_town, large_city, unknown")
    size_label: str
    density_level: str = Field(description="Grille communale de densité de l’INSEE (7 niveaux)")
    large_urban_centre: bool | None = Field(description="« Grands centres urbains » de la grille de densité")
    outside_large_urban_centres: bool | None
    in_metropole: bool
    petite_ville_de_demain: bool
    coeur_de_ville: bool
    has_qpv: bool
    qpv_codes: list[str]


class CommuneDetailOut(CommuneOut):
    density: float | None = Field(None, description="Habitants par km²")
    centrality_level: str
    rurality_level: str
    mountain_massif: str
    classification: ClassificationOut


class SearchResultOut(Schema):
    kind: str = Field(description="commune, epci, department ou region")
    code: str
    name: str
    detail: str
    url: str
    population: int | None


class Page(Schema):
    count: int
    page: int
    page_size: int


class CommunePage(Page):
    results: list[CommuneOut]


class SearchFilters(Schema):
    q: str = Field(
        "", max_length=100, description="Nom (sans accents ni majuscules), code INSEE ou code postal"
    )
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=100)


@router.get("/communes", response=CommunePage, summary="Rechercher des communes")
def communes_list(request, filters: Query[SearchFilters]):
    """Communes (et arrondissements) : sans `q`, toutes par code INSEE ; avec `q`, classées (égalité exacte,
    puis début de nom, puis population ; au plus 200 résultats)."""
    start = (filters.page - 1) * filters.page_size
    if filters.q.strip():
        results = selectors.territory_search(filters.q, limit=MAX_SEARCH_RESULTS, kinds=("commune",))
        codes = [r.code for r in results[start : start + filters.page_size]]
        by_code = Commune.objects.defer("outline").in_bulk(codes)
        items, count = [by_code[code] for code in codes], len(results)
    else:
        queryset = Commune.objects.defer("outline").order_by("insee")
        items, count = list(queryset[start : start + filters.page_size]), queryset.count()
    return {"count": count, "page": filters.page, "page_size": filters.page_size, "results": items}


@router.get("/recherche", response=list[SearchResultOut], summary="Rechercher un territoire")
def territories_search(request, q: str = Query(..., max_length=100), limit: int = Query(10, ge=1, le=50)):
    """Communes, EPCI, départements et régions par nom ou code, les plus pertinents d’abord."""
    return selectors.territory_search(q, limit=limit)


@router.get("/communes/{insee}", response=CommuneDetailOut, summary="Une commune et sa classification")
def commune_detail(request, insee: str):
    try:
        commune = selectors.commune_get(insee)
    except Commune.DoesNotExist as exc:
        raise HttpError(404, "Commune inconnue.") from exc
    commune.density = selectors.density(commune.population, commune.area_km2)
    commune.classification = selectors.commune_classification(commune)
    return commune


@router.get("/point", response=CommuneOut, summary="Commune contenant un point")
def commune_at_point(
    request, lon: float = Query(..., ge=-180, le=180), lat: float = Query(..., ge=-90, le=90)
):
    """La commune dont le contour contient le point (WGS84) ; 404 hors de France."""
    insee = lookup.commune_at(lon, lat)
    if insee is None:
        raise HttpError(404, "Aucune commune à cet endroit.")
    return Commune.objects.defer("outline").get(insee=insee)


@router.get("/epci", response=list[EpciOut], summary="Tous les EPCI")
def epci_list(request):
    return Epci.objects.order_by("siren")


@router.get("/epci/{siren}", response=EpciOut, summary="Un EPCI")
def epci_detail(request, siren: str):
    epci = Epci.objects.filter(siren=siren).first()
    if epci is None:
        raise HttpError(404, "EPCI inconnu.")
    return epci


@router.get("/epci/{siren}/communes", response=list[CommuneOut], summary="Communes d’un EPCI")
def epci_communes(request, siren: str):
    epci = Epci.objects.filter(siren=siren).first()
    if epci is None:
        raise HttpError(404, "EPCI inconnu.")
    return selectors.epci_communes(epci).defer("outline")


@router.get("/departements", response=list[DepartmentOut], summary="Tous les départements")
def departments_list(request):
    return Department.objects.order_by("code")


@router.get("/departements/{code}", response=DepartmentOut, summary="Un département")
def department_detail(request, code: str):
    department = Department.objects.filter(code=code.upper()).first()
    if department is None:
        raise HttpError(404, "Département inconnu.")
    return department


@router.get("/regions", response=list[RegionOut], summary="Toutes les régions")
def regions_list(request):
    return Region.objects.order_by(F("code").asc())


@router.get("/regions/{code}", response=RegionOut, summary="Une région")
def region_detail(request, code: str):
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise HttpError(404, "Région inconnue.")
    return region
