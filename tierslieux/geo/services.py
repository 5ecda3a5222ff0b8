"""Writes of the reference geography: the national load (`geo_load`) and the QPV perimeters import."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _
from tqdm import tqdm

from . import sources
from .models import Commune, Department, Epci, Qpv, Region
from .sources import Problem, SourceError
from .text import normalize_name

DATA_DIR = Path(__file__).resolve().parent / "data"
BATCH_SIZE = 500
UPDATE_BATCH_SIZE = 200


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.created + other.created, self.updated + other.updated, self.unchanged + other.unchanged
        )

    def __str__(self) -> str:
        return _("%(created)s créés, %(updated)s mis à jour, %(unchanged)s inchangés") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass
class LoadReport:
    counts: dict[str, Counts] = field(default_factory=dict)
    links_added: int = 0
    links_removed: int = 0
    warnings: list[Problem] = field(default_factory=list)
    """Reference points refused because they lie outside their commune's contour (not used)."""

    @property
    def total(self) -> Counts:
        total = Counts()
        for counts in self.counts.values():
            total = total + counts
        return total

    @property
    def changed(self) -> bool:
        total = self.total
        return bool(total.created or total.updated or self.links_added or self.links_removed)

    def lines(self) -> list[str]:
        lines = [
            _("%(label)s : %(counts)s") % {"label": label, "counts": counts}
            for label, counts in self.counts.items()
        ]
        lines.append(
            _("Communes des QPV : %(added)s liens ajoutés, %(removed)s retirés")
            % {"added": self.links_added, "removed": self.links_removed}
        )
        lines.append(_("Total : %(counts)s") % {"counts": self.total})
        return lines


def _batches(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _upsert(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    fields: list[str],
    *,
    label: str,
    progress: bool,
) -> Counts:
    """Create the missing rows, update the changed ones (only those), leave the others untouched."""
    pk_name = model._meta.pk.attname
    only = [model._meta.get_field(name).name for name in fields]
    existing = {obj.pk: obj for obj in model._default_manager.only(pk_name, *only).order_by()}
    to_create, to_update, changed_fields = [], [], set()
    counts = Counts()
    for row in rows:
        obj = existing.get(row[pk_name])
        if obj is None:
            to_create.append(model(**{pk_name: row[pk_name], **{name: row[name] for name in fields}}))
            continue
        changed = [name for name in fields if getattr(obj, name) != row[name]]
        if changed:
            for name in changed:
                setattr(obj, name, row[name])
            changed_fields.update(changed)
            to_update.append(obj)
        else:
            counts.unchanged += 1
    total = len(to_create) + len(to_update)
    with tqdm(
        total=total, desc=label, unit=" lignes", disable=not progress or total < 2000, leave=False
    ) as bar:
        for batch in _batches(to_create, BATCH_SIZE):
            model._default_manager.bulk_create(batch, batch_size=BATCH_SIZE)
            bar.update(len(batch))
        for batch in _batches(to_update, UPDATE_BATCH_SIZE):
            model._default_manager.bulk_update(batch, sorted(changed_fields), batch_size=UPDATE_BATCH_SIZE)
            bar.update(len(batch))
    counts.created, counts.updated = len(to_create), len(to_update)
    return counts


def _qpv_links(qpvs: dict[str, dict]) -> tuple[int, int]:
    """Make the communes of each listed QPV exactly those of the list; (added, removed)."""
    through = Qpv.communes.through
    wanted = {(code, insee) for code, qpv in qpvs.items() for insee in qpv["communes"]}
    current = {
        (qpv_id, commune_id): pk
        for pk, qpv_id, commune_id in through.objects.filter(qpv_id__in=list(qpvs)).values_list(
            "pk", "qpv_id", "commune_id"
        )
    }
    missing = sorted(wanted - current.keys())
    extra = [pk for pair, pk in current.items() if pair not in wanted]
    through.objects.bulk_create(
        [through(qpv_id=code, commune_id=insee) for code, insee in missing], batch_size=BATCH_SIZE
    )
    for batch in _batches(extra, BATCH_SIZE):
        through.objects.filter(pk__in=batch).delete()
    return len(missing), len(extra)


def _after_commit() -> None:
    from . import lookup, selectors

    lookup.invalidate()
    selectors.geo_cache_clear()


COMMUNE_FIELDS = [
    "kind",
    "name",
    "name_search",
    "sort_name",
    "parent_id",
    "department_id",
    "region_id",
    "epci_id",
    "population",
    "area_km2",
    "town_hall_lon",
    "town_hall_lat",
    "interior_lon",
    "interior_lat",
    "postcodes",
    "density_level",
    "centrality_level",
    "rurality_level",
    "mountain_massif",
    "petite_ville_de_demain",
    "coeur_de_ville",
    "outline",
]


def geo_load(
    *, data_dir: Path | str = DATA_DIR, progress: bool = False, step: Callable[[str], None] = lambda s: None
) -> LoadReport:
    """Load (upsert) the whole reference geography from `data_dir` in one transaction.

    Idempotent: a second run with the same files changes nothing. Atomic: any problem in any file
    raises `SourceError` (French message naming the file and line) before anything is written, and
    any database error rolls everything back. Rows absent from the files are kept (places refer to them).
    A reference point (town hall, interior point) outside its commune's contour is not used: it is stored
    blank and listed in `report.warnings`; the commune then falls back on its other point.
    """
    data = sources.read_all(Path(data_dir), progress=step)
    report = LoadReport(warnings=data.warnings)
    step(_("écriture en base"))
    with transaction.atomic():
        label = _("Régions")
        report.counts[label] = _upsert(
            Region,
            data.regions.values(),
            ["name", "name_search", "sort_name", "outline"],
            label=label,
            progress=progress,
        )
        label = _("Départements")
        report.counts[label] = _upsert(
            Department,
            data.departments.values(),
            ["name", "name_search", "region_id", "outline"],
            label=label,
            progress=progress,
        )
        label = _("EPCI")
        report.counts[label] = _upsert(
            Epci, data.epcis.values(), ["name", "name_search", "kind"], label=label, progress=progress
        )
        ordered = sorted(data.communes.values(), key=lambda c: (c["kind"] != "COM", c["insee"]))
        label = _("Communes")
        report.counts[label] = _upsert(Commune, ordered, COMMUNE_FIELDS, label=label, progress=progress)
        label = _("QPV")
        report.counts[label] = _upsert(
            Qpv, data.qpvs.values(), ["name", "name_search"], label=label, progress=progress
        )
        report.links_added, report.links_removed = _qpv_links(data.qpvs)
        transaction.on_commit(_after_commit)
    _after_commit()  # also inside an enclosing transaction (tests): the next lookup rebuilds from the database
    return report


# ------------------------------------------------------------------------------------------- QPV perimeters


@dataclass
class PerimeterReport:
    updated: int = 0
    unchanged: int = 0
    created: list[str] = field(default_factory=list)
    unknown_communes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [
            _("Périmètres : %(created)s créés, %(updated)s mis à jour, %(unchanged)s inchangés")
            % {"created": len(self.created), "updated": self.updated, "unchanged": self.unchanged}
        ]
        if self.created:
            lines.append(
                _("%(n)s code(s) absent(s) de la liste des QPV, ajouté(s) : %(codes)s")
                % {"n": len(self.created), "codes": ", ".join(self.created)}
            )
        if self.unknown_communes:
            lines.append(
                _("Communes inconnues ignorées : %(communes)s")
                % {"communes": ", ".join(self.unknown_communes)}
            )
        return lines


def _perimeter_communes(properties: dict, known: set[str]) -> tuple[list[str], list[str]]:
    raw = properties.get("insee_com") or properties.get("code_insee") or properties.get("insee") or ""
    if isinstance(raw, list):
        values = [str(v) for v in raw]
    else:
        values = [v.strip() for v in str(raw).replace(",", ";").split(";") if v.strip()]
    return [v for v in values if v in known], [v for v in values if v not in known]


def qpv_perimeters_load(
    *, path: Path | str, code_field: str = "code_qp", name_field: str = "lib_qp"
) -> PerimeterReport:
    """Import the official QPV perimeters (GeoJSON FeatureCollection, WGS84) in one transaction.

    Each feature must carry a QPV code (`code_field`) and a Polygon/MultiPolygon geometry. Codes missing
    from the QPV list are created (with their name and communes when the file gives them) and reported.
    Any invalid feature refuses the whole file (SourceError naming the file and the feature).
    """
    import shapely

    path = Path(path)
    if path.suffix == ".gz":
        features = sources.read_feature_collection(path)
    else:
        if not path.exists():
            raise SourceError([Problem(path.name, None, _("fichier introuvable"))])
        try:
            data = json.loads(path.read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SourceError(
                [
                    Problem(
                        path.name,
                        getattr(exc, "lineno", None),
                        _("GeoJSON invalide (%(error)s)") % {"error": exc},
                    )
                ]
            ) from exc
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise SourceError([Problem(path.name, 1, _("une FeatureCollection GeoJSON est attendue"))])
        features = data.get("features") or []
    collector = sources.Collector()
    perimeters: dict[str, dict] = {}
    for number, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        code = str(properties.get(code_field) or "").strip()
        if not code or len(code) > 10:
            problem = (
                _("code « %(code)s » invalide") % {"code": code}
                if code
                else _("code absent (propriété « %(field)s »)") % {"field": code_field}
            )
            collector.add(path.name, number, problem, _("entité"))
            continue
        geometry = (feature or {}).get("geometry")
        if not sources._valid_geometry(geometry):
            collector.add(
                path.name,
                number,
                _("%(code)s : géométrie Polygon ou MultiPolygon attendue") % {"code": code},
                _("entité"),
            )
            continue
        try:
            shape = shapely.from_geojson(json.dumps(geometry))
        except shapely.errors.GEOSException as exc:
            collector.add(
                path.name,
                number,
                _("%(code)s : géométrie illisible (%(error)s)") % {"code": code, "error": exc},
                _("entité"),
            )
            continue
        if not shape.is_valid:
            shape = shapely.make_valid(shape)
        entry = perimeters.setdefault(code, {"shapes": [], "properties": properties, "line": number})
        entry["shapes"].append(shape)
    if not features:
        collector.add(path.name, None, _("aucune entité"))
    collector.raise_if_any()

    report = PerimeterReport()
    known_communes = set(Commune.objects.values_list("insee", flat=True))
    unknown: set[str] = set()
    with transaction.atomic():
        existing = {qpv.code: qpv for qpv in Qpv.objects.only("code", "perimeter")}
        to_update = []
        for code, entry in sorted(perimeters.items()):
            shape = entry["shapes"][0] if len(entry["shapes"]) == 1 else shapely.union_all(entry["shapes"])
            geometry = sources.compact_geometry(json.loads(shapely.to_geojson(shape)))
            qpv = existing.get(code)
            if qpv is None:
                name = str(entry["properties"].get(name_field) or code)
                qpv = Qpv.objects.create(
                    code=code, name=name, name_search=normalize_name(name), perimeter=geometry
                )
                members, missing = _perimeter_communes(entry["properties"], known_communes)
                qpv.communes.set(members)
                unknown.update(missing)
                report.created.append(code)
            elif qpv.perimeter != geometry:
                qpv.perimeter = geometry
                to_update.append(qpv)
            else:
                report.unchanged += 1
        Qpv.objects.bulk_update(to_update, ["perimeter"], batch_size=UPDATE_BATCH_SIZE)
        report.updated = len(to_update)
        report.unknown_communes = sorted(unknown)
        transaction.on_commit(_after_commit)
    _after_commit()
    return report
