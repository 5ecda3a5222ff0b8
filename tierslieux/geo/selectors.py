"""Reads of the reference geography: outlines, search, territory facts and classification."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy

from .classification import Classification, ClassificationSettings, CommuneFacts, classify
from .models import Commune, Department, Epci, Qpv, Region
from .text import normalize_query

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

OUTLINE_LEVELS: dict[str, type[Region] | type[Department]] = {"regions": Region, "departements": Department}
_CACHE_SECONDS = 600
_CACHE_PREFIX = "geo:"


def geo_cache_clear() -> None:
    """Forget every cached read of this module (called after load_geo / load_qpv_perimeters)."""
    cache.delete_many([f"{_CACHE_PREFIX}outlines:{level}" for level in OUTLINE_LEVELS])
    cache.delete_many(
        [
            f"{_CACHE_PREFIX}commune-outlines:{code}"
            for code in Department.objects.values_list("code", flat=True)
        ]
    )


def outlines_geojson_bytes(level: str) -> bytes:
    """FeatureCollection (UTF-8 bytes) of the outlines of every region or department.

    Each feature has the properties code, name and level ("region" or "department").
    """
    key = f"{_CACHE_PREFIX}outlines:{level}"
    payload = cache.get(key)
    if payload is None:
        model = OUTLINE_LEVELS[level]
        kind = "region" if model is Region else "department"
        features = []
        for code, name, outline in model.objects.exclude(outline="").values_list("code", "name", "outline"):
            geometry = outline.strip()
            features.append(
                '{"type":"Feature","properties":'
                + json.dumps({"code": code, "name": name, "level": kind}, ensure_ascii=False)
                + ',"geometry":'
                + geometry
                + "}"
            )
        payload = ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}").encode()
        cache.set(key, payload, _CACHE_SECONDS)
    return payload


def commune_outlines_geojson_bytes(department_code: str) -> bytes | None:
    """FeatureCollection (UTF-8 bytes) of the outlines of the communes of one department (the thin context layer
    of local maps, readable without tiles); None when the department does not exist.

    Each feature has the properties insee, name and level ("commune").
    """
    key = f"{_CACHE_PREFIX}commune-outlines:{department_code}"
    payload = cache.get(key)
    if payload is None:
        if not Department.objects.filter(code=department_code).exists():
            return None
        features = []
        rows = (
            Commune.objects.filter(department_id=department_code, kind=Commune.Kind.COMMUNE)
            .exclude(outline="")
            .values_list("insee", "name", "outline")
        )
        for insee, name, outline in rows:
            features.append(
                '{"type":"Feature","properties":'
                + json.dumps({"insee": insee, "name": name, "level": "commune"}, ensure_ascii=False)
                + ',"geometry":'
                + outline.strip()
                + "}"
            )
        payload = ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}").encode()
        cache.set(key, payload, _CACHE_SECONDS)
    return payload


def context_outline_urls(department_codes: Iterable[str | None]) -> str:
    """The space-separated URLs of the commune outlines of these departments (a map's `context_url`)."""
    from django.urls import reverse

    codes = sorted({str(code) for code in department_codes if code})
    return " ".join(reverse("geo:commune_outlines", args=[code]) for code in codes)


# ------------------------------------------------------------------------------------------- classification


def classification_settings() -> ClassificationSettings:
    """The thresholds, with `settings.GEO_CLASSIFICATION` (a dict of field overrides) applied."""
    overrides = settings.GEO_CLASSIFICATION or {}
    return ClassificationSettings(**overrides)


def commune_classification(commune: Commune | str) -> Classification:
    """Classification of a commune (instance or INSEE code); an arrondissement is classified as its parent.

    Raises Commune.DoesNotExist for an unknown code.
    """
    insee = commune if isinstance(commune, str) else commune.insee
    found = communes_classification([insee]).get(insee)
    if found is None:
        raise Commune.DoesNotExist(insee)
    return found


_CHUNK = 500  # codes per query (SQLite's limit on the parameters of one statement)


def communes_classification(codes: Iterable[str | None]) -> dict[str, Classification]:
    """The classification of many communes at once, by INSEE code (unknown codes are left out): a few queries
    on plain values whatever the number, for figures over thousands of places."""
    fields = ("insee", "name", "population", "density_level", "epci__kind", "petite_ville_de_demain")
    fields += ("coeur_de_ville", "parent_id")

    def read(wanted: list[str]) -> dict[str, tuple]:
        found = {}
        for start in range(0, len(wanted), _CHUNK):
            rows = Commune.objects.filter(insee__in=wanted[start : start + _CHUNK]).values_list(*fields)
            found.update((row[0], row) for row in rows)
        return found

    communes = read(sorted({code for code in codes if code}))
    parents = read(sorted({row[7] for row in communes.values() if row[7]} - set(communes)))
    subjects = {**parents, **communes}
    qpvs: dict[str, list[str]] = {}
    links = Qpv.communes.through.objects
    keys = sorted({row[7] or row[0] for row in communes.values()})
    for start in range(0, len(keys), _CHUNK):
        for insee, code in links.filter(commune_id__in=keys[start : start + _CHUNK]).values_list(
            "commune_id", "qpv_id"
        ):
            qpvs.setdefault(insee, []).append(code)
    config = classification_settings()
    result = {}
    for insee, row in communes.items():
        subject = subjects.get(row[7]) if row[7] else row
        if subject is None:
            continue
        facts = CommuneFacts(
            insee=subject[0],
            name=subject[1],
            population=subject[2],
            density_level=subject[3],
            epci_kind=subject[4] or "",
            petite_ville_de_demain=subject[5],
            coeur_de_ville=subject[6],
            qpv_codes=qpvs.get(subject[0], []),
        )
        classified = classify(facts, config)
        if subject is not row:
            classified = replace(classified, insee=insee, name=row[1], classified_as=subject[0])
        result[insee] = classified
    return result


POPULATION_LEVELS = {"region": "region_id", "department": "department_id", "epci": "epci_id"}


def population_by(
    level: str, *, region: str | None = None, department: str | None = None, epci: str | None = None
) -> dict[str, int | None]:
    """Municipal population per region, department or EPCI (`level`), of the communes (arrondissements apart)
    within the given region, department or EPCI (none: all of France); None where no population is known."""
    field = POPULATION_LEVELS[level]
    communes = Commune.objects.filter(kind=Commune.Kind.COMMUNE).exclude(**{f"{field}__isnull": True})
    for key, code in (("region_id", region), ("department_id", department), ("epci_id", epci)):
        if code:
            communes = communes.filter(**{key: code})
    return dict(communes.values_list(field).annotate(total=Sum("population")).values_list(field, "total"))


def territory_names(level: str) -> dict[str, str]:
    """Code → name of every region, department or EPCI (`level`)."""
    model: type[Region] | type[Department] | type[Epci] = {
        "region": Region,
        "department": Department,
        "epci": Epci,
    }[level]
    return dict(model.objects.values_list("pk", "name"))


# ------------------------------------------------------------------------------------------- search

KIND_LABELS = {
    "region": gettext_lazy("Région"),
    "department": gettext_lazy("Département"),
    "epci": gettext_lazy("EPCI"),
    "commune": gettext_lazy("Commune"),
}
_KIND_ORDER = {"commune": 0, "epci": 1, "department": 2, "region": 3}  # ties: the commune first
_CANDIDATES = 200


@dataclass(frozen=True)
class SearchResult:
    kind: str  # "commune", "epci", "department" or "region"
    code: str
    name: str
    detail: str
    url: str
    population: int | None
    match: int  # 0 exact (name, name without its article, or code), 1 name starts with the query, 2 a word
    sort_name: str = ""  # INSEE's order: the name without its article

    @property
    def kind_label(self) -> StrOrPromise:
        return KIND_LABELS[self.kind]


def _name_filter(query: str) -> Q:
    return Q(name_search=query) | Q(name_search__startswith=query) | Q(name_search__contains=" " + query)


def _match(name_search: str, query: str, sort_name: str = "") -> int:
    """0: the name is the query ("le havre"), or is it once its article is dropped ("havre")."""
    if name_search == query or (sort_name and sort_name == query):
        return 0
    return 1 if name_search.startswith(query) or (sort_name and sort_name.startswith(query)) else 2


def _communes_population() -> Sum:
    return Sum("communes__population", filter=Q(communes__kind=Commune.Kind.COMMUNE))


def territory_search(
    q: str, *, limit: int = 10, kinds: tuple[str, ...] = tuple(KIND_LABELS)
) -> list[SearchResult]:
    """Territories matching `q` (name without accents/case, INSEE code, postcode, SIREN, department/region
    code), ranked: exact matches first, then names starting with the query, then by population."""
    raw = (q or "").strip()
    query = normalize_query(raw)
    code = raw.upper().replace(" ", "")
    if not query and not code:
        return []
    results: list[SearchResult] = []
    if "commune" in kinds:
        condition = _name_filter(query) if query else Q(pk__in=[])
        if re.fullmatch(r"\d[\dAB]\d{3}", code):
            condition |= Q(insee=code) | Q(postcodes__contains=code)
        communes = (
            Commune.objects.filter(condition)
            .select_related("department")
            .defer("outline", "department__outline")
            # Rank in the database before cutting, so an exact name is never lost behind populous prefixes.
            .annotate(
                name_rank=Case(
                    When(Q(name_search=query) | Q(sort_name=query), then=Value(0)),
                    When(Q(name_search__startswith=query) | Q(sort_name__startswith=query), then=Value(1)),
                    default=Value(2),
                )
            )
            .order_by("name_rank", F("population").desc(nulls_last=True), "insee")[:_CANDIDATES]
        )
        for commune in communes:
            exact = commune.insee == code or code in commune.postcodes.split()
            detail = f"{commune.department.name} ({commune.department_id})"
            if commune.postcodes:
                detail += f" — {commune.postcodes.split()[0]}"
            results.append(
                SearchResult(
                    "commune",
                    commune.insee,
                    commune.name,
                    detail,
                    commune.get_absolute_url(),
                    commune.population,
                    0 if exact else _match(commune.name_search, query, commune.sort_name),
                    commune.sort_name,
                )
            )
    if "epci" in kinds:
        condition = _name_filter(query) if query else Q(pk__in=[])
        if re.fullmatch(r"\d{9}", code):
            condition |= Q(siren=code)
        for epci in Epci.objects.filter(condition).annotate(population=_communes_population())[:_CANDIDATES]:
            results.append(
                SearchResult(
                    "epci",
                    epci.siren,
                    epci.name,
                    epci.get_kind_display(),
                    epci.get_absolute_url(),
                    epci.population,
                    0 if epci.siren == code else _match(epci.name_search, query),
                )
            )
    for kind, model in (("department", Department), ("region", Region)):
        if kind not in kinds:
            continue
        condition = (_name_filter(query) if query else Q(pk__in=[])) | Q(code=code)
        territories = (
            model.objects.filter(condition).defer("outline").annotate(population=_communes_population())
        )
        for territory in territories:
            results.append(
                SearchResult(
                    kind,
                    territory.code,
                    territory.name,
                    f"{KIND_LABELS[kind]} {territory.code}",
                    territory.get_absolute_url(),
                    territory.population,
                    0
                    if territory.code == code
                    else _match(territory.name_search, query, getattr(territory, "sort_name", "")),
                    getattr(territory, "sort_name", ""),
                )
            )
    results.sort(
        key=lambda r: (r.match, -(r.population or 0), _KIND_ORDER[r.kind], r.sort_name or r.name, r.code)
    )
    return results[:limit]


# ------------------------------------------------------------------------------------------- territory facts


def density(population: int | None, area_km2: float | None) -> float | None:
    """Inhabitants per km² (None when unknown)."""
    if not population or not area_km2:
        return None
    return population / area_km2


def commune_get(insee: str) -> Commune:
    """The commune with its territories (their outlines, large and unused here, are not read)."""
    return (
        Commune.objects.select_related("department", "region", "epci", "parent", "parent__epci")
        .defer("department__outline", "region__outline")
        .get(insee=insee)
    )


def commune_outline(commune: Commune) -> dict | None:
    """The commune's outline as GeoJSON (an arrondissement shows its parent city's outline)."""
    text = commune.outline or (commune.parent.outline if commune.parent_id else "")
    return json.loads(text) if text else None


def territory_totals(communes: QuerySet) -> dict[str, Any]:
    """Population, area, density and commune count of a set of communes (arrondissements excluded)."""
    totals = communes.filter(kind=Commune.Kind.COMMUNE).aggregate(
        population=Sum("population"), area_km2=Sum("area_km2"), count=Count("insee")
    )
    totals["density"] = density(totals["population"], totals["area_km2"])
    return totals


def feature_collection(items: list[tuple[dict, str]]) -> dict:
    """FeatureCollection from (properties, GeoJSON geometry text) pairs, skipping empty geometries."""
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": properties, "geometry": json.loads(text)}
            for properties, text in items
            if text
        ],
    }


def epci_communes(epci: Epci) -> QuerySet:
    return epci.communes.filter(kind=Commune.Kind.COMMUNE).order_by(
        F("population").desc(nulls_last=True), "sort_name", "insee"
    )


def epci_outline(epci: Epci) -> dict:
    return feature_collection(
        [
            ({"insee": insee, "name": name}, outline)
            for insee, name, outline in epci_communes(epci).values_list("insee", "name", "outline")
        ]
    )


def department_epcis(department: Department) -> QuerySet:
    return (
        Epci.objects.filter(communes__department=department)
        .annotate(commune_count=Count("communes", filter=Q(communes__department=department)))
        .order_by("name")
    )


def department_communes(department: Department) -> QuerySet:
    return department.communes.filter(kind=Commune.Kind.COMMUNE).order_by(
        F("population").desc(nulls_last=True), "sort_name", "insee"
    )


def region_departments(region: Region) -> QuerySet:
    return region.departments.annotate(
        population=_communes_population(), commune_count=Count("communes", filter=Q(communes__kind="COM"))
    ).order_by("code")


def regions_with_departments() -> list[Region]:
    return list(Region.objects.prefetch_related("departments").order_by("sort_name", "code"))
