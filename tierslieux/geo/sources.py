"""Readers of the reference geography files of `tierslieux/geo/data/` (plain Python, no Django).

Each reader returns plain dictionaries, validated line by line. Every problem (missing file, corrupt or
truncated gzip, malformed line, unknown reference) is reported as a `SourceError` naming the file and the
line, in French, so an import can be refused as a whole with a clear message. docs/data.md describes the
files, their sources and licences.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .points import Check, points_outside
from .text import normalize_name, sort_key

FILES = {
    "regions": "regions.csv.gz",
    "departments": "departements.csv.gz",
    "epci": "epci.csv.gz",
    "communes": "communes.csv.gz",
    "postcodes": "postcodes.csv.gz",
    "grid": "grilles_communales_ot.csv.gz",
    "pvd": "pvd_communes.csv.gz",
    "acv": "acv_communes.geojson.gz",
    "qpv": "qpv2024_liste.csv.gz",
    "region_outlines": "regions.geojson.gz",
    "department_outlines": "departements.geojson.gz",
    "commune_outlines": "communes.geojson.gz",
    "point_complements": "communes_points_complement.csv.gz",
}
EPCI_KINDS = {"CC", "CA", "CU", "ME"}
COMMUNE_KINDS = {"COM", "ARM"}
MAX_REPORTED = 20

_INSEE = re.compile(r"^(\d[\dAB]\d{3})$")
_SIREN = re.compile(r"^\d{9}$")
_POSTCODE = re.compile(r"^\d{5}$")
_REGION = re.compile(r"^\d{2}$")
_DEPARTMENT = re.compile(r"^(\d{2}|2A|2B|\d{3})$")


@dataclass
class Problem:
    file: str
    line: int | None
    message: str
    unit: str = "ligne"  # "entité" for the features of a GeoJSON file

    def __str__(self) -> str:
        where = f"{self.unit} {self.line}" if self.line is not None else "fichier"
        return f"{self.file}, {where} : {self.message}"


class SourceError(Exception):
    """One or more problems in the source files; the message names each file and line (in French)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(f"- {p}" for p in problems[:MAX_REPORTED])
        more = len(problems) - MAX_REPORTED
        suffix = f"\n… et {more} autre(s) problème(s)." if more > 0 else ""
        super().__init__(f"Données géographiques refusées ({len(problems)} problème(s)) :\n{shown}{suffix}")


@dataclass
class Collector:
    """Gathers the problems of a whole read so every rejected line is reported at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str, line: int | None, message: str, unit: str = "ligne") -> None:
        self.problems.append(Problem(file, line, message, unit))

    def raise_if_any(self) -> None:
        if self.problems:
            raise SourceError(self.problems)


def _open_text(path: Path) -> io.TextIOWrapper:
    if not path.exists():
        raise SourceError([Problem(path.name, None, "fichier introuvable")])
    return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise SourceError([Problem(path.name, None, "fichier introuvable")])
    try:
        with gzip.open(path, "rb") as handle:
            return handle.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError([Problem(path.name, None, f"archive gzip illisible ou tronquée ({exc})")]) from exc


def iter_csv(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a gzip CSV file; fails cleanly on a corrupt or truncated file."""
    line = 1
    try:
        with _open_text(path) as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in required if column not in (reader.fieldnames or [])]
            if missing:
                raise SourceError([Problem(path.name, 1, f"colonne(s) manquante(s) : {', '.join(missing)}")])
            for row in reader:
                line = reader.line_num
                if None in row or any(value is None for value in row.values()):
                    raise SourceError([Problem(path.name, line, "nombre de colonnes incorrect")])
                yield line, {key: value.strip() for key, value in row.items()}
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(
            [Problem(path.name, line + 1, f"fichier corrompu ou tronqué après la ligne {line} ({exc})")]
        ) from exc


def read_feature_collection(path: Path) -> list[dict[str, Any]]:
    """The features of a gzip GeoJSON FeatureCollection."""
    raw = _read_bytes(path)
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise SourceError([Problem(path.name, line, f"GeoJSON invalide ({exc})")]) from exc
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise SourceError([Problem(path.name, 1, "une FeatureCollection GeoJSON est attendue")])
    return data["features"]


def _int(value: str) -> int | None:
    return int(value) if value else None


def _float(value: str) -> float | None:
    return float(value) if value else None


def _check(collector: Collector, file: str, line: int, ok: bool, message: str, unit: str = "ligne") -> bool:
    if not ok:
        collector.add(file, line, message, unit)
    return ok


def read_regions(directory: Path, collector: Collector) -> dict[str, dict]:
    path = directory / FILES["regions"]
    regions: dict[str, dict] = {}
    for line, row in iter_csv(path, ("code", "name")):
        if _check(
            collector, path.name, line, bool(_REGION.match(row["code"])), f"code « {row['code']} » invalide"
        ):
            if _check(collector, path.name, line, bool(row["name"]), "nom manquant"):
                if _check(collector, path.name, line, row["code"] not in regions, "code en double"):
                    regions[row["code"]] = {"code": row["code"], "name": row["name"]}
    return regions


def read_departments(directory: Path, collector: Collector, regions: dict) -> dict[str, dict]:
    path = directory / FILES["departments"]
    departments: dict[str, dict] = {}
    for line, row in iter_csv(path, ("code", "name", "region")):
        code, region = row["code"], row["region"]
        ok = _check(collector, path.name, line, bool(_DEPARTMENT.match(code)), f"code « {code} » invalide")
        ok = ok and _check(collector, path.name, line, region in regions, f"région « {region} » inconnue")
        ok = ok and _check(collector, path.name, line, bool(row["name"]), "nom manquant")
        ok = ok and _check(collector, path.name, line, code not in departments, "code en double")
        if ok:
            departments[code] = {"code": code, "name": row["name"], "region_id": region}
    return departments


def read_epci(directory: Path, collector: Collector) -> dict[str, dict]:
    path = directory / FILES["epci"]
    epcis: dict[str, dict] = {}
    for line, row in iter_csv(path, ("siren", "name", "type")):
        siren, kind = row["siren"], row["type"]
        ok = _check(collector, path.name, line, bool(_SIREN.match(siren)), f"SIREN « {siren} » invalide")
        ok = ok and _check(collector, path.name, line, kind in EPCI_KINDS, f"type « {kind} » inconnu")
        ok = ok and _check(collector, path.name, line, bool(row["name"]), "nom manquant")
        ok = ok and _check(collector, path.name, line, siren not in epcis, "SIREN en double")
        if ok:
            epcis[siren] = {"siren": siren, "name": row["name"], "kind": kind}
    return epcis


COMMUNE_COLUMNS = (
    "insee",
    "type",
    "name",
    "parent_insee",
    "department",
    "region",
    "epci_siren",
    "epci_type",
    "population",
    "area_km2",
    "town_hall_lon",
    "town_hall_lat",
    "interior_lon",
    "interior_lat",
)


def read_communes(
    directory: Path, collector: Collector, departments: dict, regions: dict, epcis: dict
) -> dict[str, dict]:
    path = directory / FILES["communes"]
    communes: dict[str, dict] = {}
    parents: list[tuple[int, str, str]] = []
    for line, row in iter_csv(path, COMMUNE_COLUMNS):
        insee = row["insee"]
        ok = _check(collector, path.name, line, bool(_INSEE.match(insee)), f"code INSEE « {insee} » invalide")
        ok = ok and _check(
            collector, path.name, line, row["type"] in COMMUNE_KINDS, f"type « {row['type']} »"
        )
        ok = ok and _check(collector, path.name, line, bool(row["name"]), "nom manquant")
        ok = ok and _check(
            collector,
            path.name,
            line,
            row["department"] in departments,
            f"département « {row['department']} »",
        )
        ok = ok and _check(
            collector, path.name, line, row["region"] in regions, f"région « {row['region']} »"
        )
        epci = row["epci_siren"] or None
        ok = ok and _check(
            collector, path.name, line, epci is None or epci in epcis, f"EPCI « {epci} » inconnu"
        )
        ok = ok and _check(collector, path.name, line, insee not in communes, "code INSEE en double")
        if not ok:
            continue
        try:
            population = _int(row["population"])
            numbers = {
                key: _float(row[key])
                for key in ("area_km2", "town_hall_lon", "town_hall_lat", "interior_lon", "interior_lat")
            }
        except ValueError as exc:
            collector.add(path.name, line, f"nombre invalide ({exc})")
            continue
        if population is not None and population < 0:
            collector.add(path.name, line, "population négative")
            continue
        if row["type"] == "ARM":
            parents.append((line, insee, row["parent_insee"]))
        communes[insee] = {
            "insee": insee,
            "kind": row["type"],
            "name": row["name"],
            "parent_id": row["parent_insee"] or None,
            "department_id": row["department"],
            "region_id": row["region"],
            "epci_id": epci,
            "population": population,
            **numbers,
            "line": line,
        }
    for line, insee, parent in parents:
        if _check(
            collector,
            path.name,
            line,
            parent in communes and communes[parent]["kind"] == "COM",
            f"commune parente « {parent} » inconnue",
        ):
            continue
        communes.pop(insee, None)
    return communes


def read_postcodes(directory: Path, collector: Collector, communes: dict) -> dict[str, str]:
    """insee → space-separated sorted postcodes; a parent city gets the postcodes of its arrondissements."""
    path = directory / FILES["postcodes"]
    codes: dict[str, set[str]] = {}
    for line, row in iter_csv(path, ("insee", "postcode")):
        insee, postcode = row["insee"], row["postcode"]
        if _check(collector, path.name, line, bool(_POSTCODE.match(postcode)), f"code postal « {postcode} »"):
            if _check(collector, path.name, line, insee in communes, f"commune « {insee} » inconnue"):
                codes.setdefault(insee, set()).add(postcode)
                parent = communes[insee]["parent_id"]
                if parent:
                    codes.setdefault(parent, set()).add(postcode)
    return {insee: " ".join(sorted(values)) for insee, values in codes.items()}


def read_grid(directory: Path, collector: Collector, communes: dict) -> dict[str, dict]:
    path = directory / FILES["grid"]
    grid: dict[str, dict] = {}
    columns = ("insee_com", "niveau_densite", "niveau_centralite", "niveau_ruralite", "niveau_montagne")
    for line, row in iter_csv(path, columns):
        insee = row["insee_com"]
        if _check(collector, path.name, line, insee in communes, f"commune « {insee} » inconnue"):
            grid[insee] = {
                "density_level": row["niveau_densite"],
                "centrality_level": row["niveau_centralite"],
                "rurality_level": row["niveau_ruralite"],
                "mountain_massif": row["niveau_montagne"],
            }
    return grid


def read_pvd(directory: Path, collector: Collector, communes: dict) -> set[str]:
    path = directory / FILES["pvd"]
    pvd: set[str] = set()
    for line, row in iter_csv(path, ("insee_com",)):
        if _check(
            collector, path.name, line, row["insee_com"] in communes, f"commune « {row['insee_com']} »"
        ):
            pvd.add(row["insee_com"])
    return pvd


def read_acv(directory: Path, collector: Collector, communes: dict) -> set[str]:
    path = directory / FILES["acv"]
    acv: set[str] = set()
    for number, feature in enumerate(read_feature_collection(path), start=1):
        insee = str((feature.get("properties") or {}).get("insee_com") or "")
        if _check(collector, path.name, number, insee in communes, f"commune « {insee} » inconnue", "entité"):
            acv.add(insee)
    return acv


def read_qpv(directory: Path, collector: Collector, communes: dict) -> dict[str, dict]:
    """code → {code, name, communes: sorted INSEE codes} (lines of one QPV are merged)."""
    path = directory / FILES["qpv"]
    qpvs: dict[str, dict] = {}
    for line, row in iter_csv(path, ("code_qp", "lib_qp", "insee_com")):
        code = row["code_qp"]
        members = [value.strip() for value in row["insee_com"].split(";") if value.strip()]
        ok = _check(
            collector, path.name, line, bool(code) and len(code) <= 10, f"code QPV « {code} » invalide"
        )
        unknown = [insee for insee in members if insee not in communes]
        ok = ok and _check(collector, path.name, line, bool(members), "aucune commune")
        ok = ok and _check(
            collector, path.name, line, not unknown, f"commune(s) inconnue(s) : {', '.join(unknown)}"
        )
        if ok:
            entry = qpvs.setdefault(code, {"code": code, "name": row["lib_qp"] or code, "communes": set()})
            entry["communes"].update(members)
    for entry in qpvs.values():
        entry["communes"] = sorted(entry["communes"])
    return qpvs


def compact_geometry(geometry: Any) -> str:
    return json.dumps(geometry, separators=(",", ":"))


def _valid_geometry(geometry: Any) -> bool:
    return (
        isinstance(geometry, dict)
        and geometry.get("type") in {"Polygon", "MultiPolygon"}
        and isinstance(geometry.get("coordinates"), list)
        and bool(geometry["coordinates"])
    )


def read_outlines(
    directory: Path, key: str, collector: Collector, known: dict, code_property: str = "code"
) -> dict[str, str]:
    """code → compact GeoJSON geometry text, for the codes of `known`."""
    path = directory / FILES[key]
    outlines: dict[str, str] = {}
    for number, feature in enumerate(read_feature_collection(path), start=1):
        code = str((feature.get("properties") or {}).get(code_property) or "")
        ok = _check(collector, path.name, number, code in known, f"entité {number} : code « {code} » inconnu")
        geometry = feature.get("geometry")
        ok = ok and _check(
            collector, path.name, number, _valid_geometry(geometry), f"entité {number} : géométrie"
        )
        if ok:
            outlines[code] = compact_geometry(geometry)
    return outlines


def read_point_complements(directory: Path, collector: Collector, communes: dict) -> dict[str, dict]:
    """insee → {lon, lat, method}: a point for the communes the source gives none (docs/data.md)."""
    path = directory / FILES["point_complements"]
    complements: dict[str, dict] = {}
    for line, row in iter_csv(path, ("insee", "lon", "lat", "method")):
        insee = row["insee"]
        if not _check(collector, path.name, line, insee in communes, f"commune « {insee} » inconnue"):
            continue
        try:
            lon, lat = float(row["lon"]), float(row["lat"])
        except ValueError as exc:
            collector.add(path.name, line, f"nombre invalide ({exc})")
            continue
        if _check(collector, path.name, line, abs(lon) <= 180 and abs(lat) <= 90, "coordonnées hors limites"):
            complements[insee] = {"lon": lon, "lat": lat, "method": row["method"], "line": line}
    return complements


POINT_KINDS = (("town_hall", "mairie"), ("interior", "point intérieur"))
DEPARTMENT_TOLERANCE = 0.2
"""Degrees (about 15 to 20 km) around a department's outline, for the communes without their own contour."""


def _french_km(km: float) -> str:
    return f"{km:,.1f}".replace(",", " ").replace(".", ",")


def check_reference_points(
    communes: dict[str, dict],
    commune_outlines: dict[str, str],
    department_outlines: dict[str, str],
    *,
    file: str,
    kinds: tuple[tuple[str, str], ...] = POINT_KINDS,
) -> list[Problem]:
    """Blank every reference point lying outside its commune's contour; one warning per point refused.

    An arrondissement is checked against its city's contour; a commune without a contour against its
    department's outline (holes filled: the missing contour is one of them).
    """
    checks: list[Check] = []
    meta: list[tuple[str, str, str, str]] = []
    for insee, commune in communes.items():
        tolerance = None
        if commune["kind"] == "ARM":
            geometry, fill, where = commune_outlines.get(commune["parent_id"] or ""), False, "de sa ville"
        elif insee in commune_outlines:
            geometry, fill, where = commune_outlines[insee], False, "de la commune"
        else:
            geometry, fill, where = department_outlines.get(commune["department_id"]), True, "du département"
            tolerance = DEPARTMENT_TOLERANCE
        for kind, label in kinds:
            lon, lat = commune[f"{kind}_lon"], commune[f"{kind}_lat"]
            checks.append(Check(geometry, lon, lat, fill, tolerance))
            meta.append((insee, kind, label, where))
    problems = []
    for position, km in sorted(points_outside(checks).items()):
        insee, kind, label, where = meta[position]
        commune = communes[insee]
        commune[f"{kind}_lon"] = commune[f"{kind}_lat"] = None
        problems.append(
            Problem(
                file,
                commune.get("line"),
                f"{commune['name']} ({insee}) : {label} à {_french_km(km)} km hors du contour {where}, "
                "point ignoré",
            )
        )
    return problems


def _apply_point_complements(communes: dict[str, dict], complements: dict[str, dict]) -> list[str]:
    """Give the communes with no point at all the complement point (stored as their interior point)."""
    applied = []
    for insee, point in complements.items():
        commune = communes[insee]
        if commune["town_hall_lon"] is None and commune["interior_lon"] is None:
            commune["interior_lon"], commune["interior_lat"] = point["lon"], point["lat"]
            commune["line"] = point["line"]
            applied.append(insee)
    return applied


@dataclass
class GeoData:
    regions: dict[str, dict]
    departments: dict[str, dict]
    epcis: dict[str, dict]
    communes: dict[str, dict]
    qpvs: dict[str, dict]
    warnings: list[Problem] = field(default_factory=list)
    """Points refused (outside their commune's contour): not used, reported."""


def read_all(directory: Path, progress: Callable[[str], None] = lambda step: None) -> GeoData:
    """Read and cross-check every file; raise `SourceError` listing every problem found."""
    directory = Path(directory)
    collector = Collector()
    progress("régions, départements, EPCI")
    regions = read_regions(directory, collector)
    departments = read_departments(directory, collector, regions)
    epcis = read_epci(directory, collector)
    progress("communes")
    communes = read_communes(directory, collector, departments, regions, epcis)
    progress("codes postaux, grille de densité, PVD, ACV, QPV")
    postcodes = read_postcodes(directory, collector, communes)
    grid = read_grid(directory, collector, communes)
    pvd = read_pvd(directory, collector, communes)
    acv = read_acv(directory, collector, communes)
    qpvs = read_qpv(directory, collector, communes)
    progress("contours")
    region_outlines = read_outlines(directory, "region_outlines", collector, regions)
    department_outlines = read_outlines(directory, "department_outlines", collector, departments)
    commune_outlines = read_outlines(directory, "commune_outlines", collector, communes, "insee")
    complements = read_point_complements(directory, collector, communes)
    collector.raise_if_any()

    progress("points de référence")
    warnings = check_reference_points(communes, commune_outlines, department_outlines, file=FILES["communes"])
    applied = {insee: communes[insee] for insee in _apply_point_complements(communes, complements)}
    warnings += check_reference_points(
        applied,
        commune_outlines,
        department_outlines,
        file=FILES["point_complements"],
        kinds=(("interior", "point complémentaire"),),
    )

    for code, region in regions.items():
        region["name_search"] = normalize_name(region["name"])
        region["sort_name"] = sort_key(region["name"])
        region["outline"] = region_outlines.get(code, "")
    for code, department in departments.items():
        department["name_search"] = normalize_name(department["name"])
        department["outline"] = department_outlines.get(code, "")
    for epci in epcis.values():
        epci["name_search"] = normalize_name(epci["name"])
    empty_grid = {"density_level": "", "centrality_level": "", "rurality_level": "", "mountain_massif": ""}
    for insee, commune in communes.items():
        commune["name_search"] = normalize_name(commune["name"])
        commune["sort_name"] = sort_key(commune["name"])
        commune["postcodes"] = postcodes.get(insee, "")
        commune.update(grid.get(insee, empty_grid))
        commune["petite_ville_de_demain"] = insee in pvd
        commune["coeur_de_ville"] = insee in acv
        commune["outline"] = commune_outlines.get(insee, "")
    for qpv in qpvs.values():
        qpv["name_search"] = normalize_name(qpv["name"])
    return GeoData(regions, departments, epcis, communes, qpvs, warnings)
