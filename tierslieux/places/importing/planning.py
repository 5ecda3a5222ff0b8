"""The plan of an import: for every row of the file, what it says (read and normalised), where it is,
which existing places it may describe (`tierslieux.places.matching`), what a merge would change field by
field, and what happens by default. Nothing is written: the plan is the preview, and the commit applies it
with the decisions taken per row.

A row is rejected only when it cannot become a place: no name, coordinates that cannot be read or lie
outside France, or no way to locate it. Everything else is a warning on a row that is imported: an unknown
type or service (it goes through the value mapping), an invalid SIRET or website (dropped), swapped
latitude and longitude (exchanged), a point taken from the commune.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tierslieux.geo.coordinates import CoordinateError, parse_coordinate, parse_pair, resolve_point
from tierslieux.geo.models import Commune
from tierslieux.geo.resolution import commune_resolve

from ..hours import parse_osm
from ..locating import commune_for
from ..matching import CHANGES, REPLACE, Candidate, CandidateIndex, Incoming, merge_plan
from ..models import LocationOrigin, Place, PlaceSourceRecord
from ..services import EDITABLE_FIELDS, place_validate
from ..text import normalise
from ..validation import in_france
from .fields import CHOICE_FIELDS, LIST_FIELDS, choice_code, field_label, split_values
from .formats import ImportFormat
from .reading import TOO_MANY, Table

BLANK_COORDINATES = {"", "-", "--", "?", "n/a", "na", "nc", "nd", "null", "none", "inconnu", "0"}
TEXT_FIELDS = (
    "short_description",
    "description",
    "address",
    "postcode",
    "website",
    "siret",
    "rna",
    "opening_date",
)
# Fields whose invalid value drops the value (with a warning) instead of the row.
LENIENT = frozenset(EDITABLE_FIELDS) - {"name", "lon", "lat", "commune"}
MAX_CANDIDATES = 5


@dataclass
class ImportPlan:
    rows: list[dict]
    unknown_values: dict[str, dict[str, int]] = field(default_factory=dict)  # field -> {value: rows}


def _json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Commune):
        return value.pk
    if isinstance(value, tuple):
        return [_json(v) for v in value]
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def _blank_coordinate(value: str) -> bool:
    return normalise(value) in BLANK_COORDINATES or bool(re.fullmatch(r"0+([.,]0+)?", value.strip()))


class Planner:
    """Plans the rows of one file for one source (caches communes and places between rows)."""

    def __init__(
        self,
        *,
        source: str,
        mapping: dict[str, str],
        value_mappings: dict[str, dict[str, list[str]]] | None = None,
        import_format: ImportFormat | None = None,
    ):
        self.source = source
        self.mapping = mapping
        self.format = import_format
        self.values = {f: dict(import_format.values.get(f, {}) if import_format else {}) for f in LIST_FIELDS}
        for name, known in (value_mappings or {}).items():
            self.values.setdefault(name, {}).update(known)
        self._communes: dict[tuple, object] = {}
        self._commune_rows: dict[str, Commune] = {}
        self.records = dict(
            PlaceSourceRecord.objects.filter(source=source).values_list("source_id", "place_id")
        )
        self.index = CandidateIndex(self._candidates())
        self._places: dict[int, Place] = {}
        self.unknown: dict[str, dict[str, int]] = {}

    # --- existing places ------------------------------------------------------------------------------
    @staticmethod
    def _candidates():
        rows = Place.objects.values_list(
            "id",
            "name",
            "commune_id",
            "commune__parent_id",
            "commune__name",
            "lon",
            "lat",
            "location_approximate",
            "website",
            "siret",
        )
        for pk, name, code, parent, commune_name, lon, lat, approximate, website, siret in rows.iterator():
            yield Candidate(pk, name, code, parent or "", commune_name, lon, lat, approximate, website, siret)

    def place(self, pk: int) -> Place | None:
        if pk not in self._places:
            self._places[pk] = Place.objects.select_related("commune").filter(pk=pk).first()
        return self._places[pk]

    def prefetch(self, ids: set[int]) -> None:
        missing = ids - set(self._places)
        if missing:
            self._places |= Place.objects.select_related("commune").in_bulk(list(missing))

    # --- communes -------------------------------------------------------------------------------------
    def commune(self, code: str) -> Commune | None:
        if code not in self._commune_rows:
            self._commune_rows[code] = (
                Commune.objects.defer("outline").select_related("parent").filter(pk=code).first()
            )
        return self._commune_rows[code]

    def resolve_commune(self, *, insee: str, name: str, postcode: str):
        key = (insee, normalise(name), postcode)
        if key not in self._communes:
            self._communes[key] = commune_resolve(insee=insee, name=name, postcode=postcode)
        return self._communes[key]

    # --- one row ----------------------------------------------------------------------------------------
    def read(self, row: dict[str, str]) -> tuple[dict, dict, list[str]]:
        """(place data, other values, warnings) of one row, list values mapped to codes."""
        data: dict = {}
        other: dict[str, str] = {}
        warnings: list[str] = []
        # In the file's column order (a mapping read back from PostgreSQL's jsonb has its keys reordered).
        for column in [c for c in row if c in self.mapping] + [c for c in self.mapping if c not in row]:
            target = self.mapping[column]
            value = (row.get(column) or "").strip()
            if target in LIST_FIELDS:
                codes, unknown = split_values(target, value, self.values.get(target))
                merged = data.setdefault(target, [])
                merged += [c for c in codes if c not in merged]
                for item in unknown:
                    counts = self.unknown.setdefault(target, {})
                    counts[item] = counts.get(item, 0) + 1
                    warnings.append(
                        _(
                            "Valeur « %(value)s » non reconnue pour « %(field)s » : ignorée (associez-la à un code)."
                        )
                        % {"value": item, "field": field_label(target)}
                    )
            elif target in CHOICE_FIELDS:
                code = choice_code(target, value) if value else ""
                if code is None:
                    warnings.append(
                        _("Valeur « %(value)s » non reconnue pour « %(field)s » : ignorée.")
                        % {"value": value, "field": field_label(target)}
                    )
                elif code:
                    data[target] = code
            elif target == "opening_hours":
                hours = parse_osm(value)
                if value and not hours:
                    warnings.append(_("Horaires « %(value)s » illisibles : ignorés.") % {"value": value[:80]})
                if hours:
                    data["opening_hours"] = hours
            elif target == "social_links":
                links = [v.strip() for v in re.split(r"[\s;|,]+", value) if v.strip()]
                if links:
                    data["social_links"] = links
            elif target == "website":
                if value:
                    data["website"] = re.split(r"[\s;|]+", value)[0]
            elif target == "name":
                data["name"] = " ".join(value.split())
            elif target in {"source_id", "slug", "commune", "commune_name", "lat", "lon", "latlon", "pivot"}:
                other[target] = value
            elif target == "address_complement":
                other[target] = value
            elif target == "surface_m2":
                value = re.sub(r"\s*(m²|m2|m)\s*$", "", value, flags=re.IGNORECASE)
                value = re.sub(r"\s", "", value).replace(",", ".").split(".")[0]
                if value:
                    data[target] = value
            elif target == "postcode":
                value = re.sub(r"\s*cedex.*$", "", value, flags=re.IGNORECASE).replace(" ", "")
                if value:
                    data[target] = value
            elif value:
                data[target] = value
        if other.get("address_complement"):
            data["address"] = ", ".join(
                p for p in (data.get("address", ""), other["address_complement"]) if p
            )
        pivot = re.sub(r"[\s.]", "", other.get("pivot", "")).upper()
        if pivot and set(pivot) != {"0"}:
            if re.fullmatch(r"W[0-9A-Z]{9}", pivot):
                data.setdefault("rna", pivot)
            else:
                data.setdefault("siret", pivot)
        if self.format:
            for name, codes in self.format.constant.items():
                merged = data.setdefault(name, [])
                merged += [c for c in codes if c not in merged]
        return data, other, warnings

    def locate(self, data: dict, other: dict, warnings: list[str]):
        """(commune, lon, lat, origin) of a row, or raise ValidationError (French)."""
        lat_text, lon_text = other.get("lat", ""), other.get("lon", "")
        point = None
        try:
            if other.get("latlon") and not _blank_coordinate(other["latlon"]):
                lat_c, lon_c = parse_pair(other["latlon"])
                point = resolve_point(lat_c, lon_c, inside=in_france)
            elif not (_blank_coordinate(lat_text) and _blank_coordinate(lon_text)):
                if _blank_coordinate(lat_text) or _blank_coordinate(lon_text):
                    raise CoordinateError(_("Latitude ou longitude manquante : il faut les deux."))
                point = resolve_point(
                    parse_coordinate(lat_text, "lat"), parse_coordinate(lon_text, "lon"), inside=in_france
                )
        except CoordinateError as error:
            raise ValidationError(str(error)) from None
        if point is not None and point.swapped:
            warnings.append(_("Latitude et longitude inversées dans le fichier : elles ont été échangées."))
        insee, name, postcode = (
            other.get("commune", ""),
            other.get("commune_name", ""),
            data.get("postcode", ""),
        )
        commune = None
        if insee or name or (postcode and point is None):
            match = self.resolve_commune(insee=insee, name=name, postcode=postcode)
            commune = match.commune
            if match.warning:
                warnings.append(match.warning)
            if commune is None and point is None:
                raise ValidationError(
                    _("Coordonnées absentes et commune introuvable : %(reason)s") % {"reason": match.message}
                )
            if commune is None:
                warnings.append(
                    _("Commune non retrouvée (%(reason)s) : celle du point est retenue.")
                    % {"reason": match.message}
                )
        if point is None:
            if commune is None:
                raise ValidationError(
                    _(
                        "Coordonnées absentes et commune introuvable : indiquez des coordonnées ou une commune."
                    )
                )
            spot = commune.point or (commune.parent.point if commune.parent_id and commune.parent else None)
            if spot is None:
                raise ValidationError(
                    _("Coordonnées absentes et la commune %(name)s n’a pas de point connu.")
                    % {"name": commune.name}
                )
            return commune, spot[0], spot[1], LocationOrigin.COMMUNE.value
        if commune is None:
            commune = commune_for(lon=point.lon, lat=point.lat, postcode=postcode)
            if commune is None:
                raise ValidationError(_("Impossible de trouver la commune de ce point."))
        return commune, point.lon, point.lat, LocationOrigin.SOURCE.value

    def validate(self, data: dict, warnings: list[str]) -> dict:
        """The values a creation would store; an invalid secondary value is dropped with a warning."""
        data = dict(data)
        for _attempt in range(len(LENIENT) + 1):
            try:
                return place_validate(data=data)
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    raise
                fields = [f for f in error.error_dict if f in LENIENT and f in data]
                if not fields or set(error.error_dict) - set(fields):
                    raise
                for name in fields:
                    messages = " ".join(m for e in error.error_dict[name] for m in e.messages)
                    warnings.append(
                        _("%(field)s « %(value)s » ignoré : %(reason)s")
                        % {"field": field_label(name), "value": str(data.pop(name))[:80], "reason": messages}
                    )
        raise ValidationError(_("Ligne illisible."))

    def current_values(self, place: Place) -> dict:
        values = {f: getattr(place, f) for f in EDITABLE_FIELDS if f not in {"lon", "lat", "commune"}}
        values["point"] = (place.lon, place.lat, place.location_origin)
        values["commune"] = (place.commune_id, place.commune.parent_id or "")
        return values

    def plan_row(self, line: int, row: dict[str, str], seen: dict) -> dict:
        raw = {k: v for k, v in row.items() if k != TOO_MANY}
        plan = {"line": line, "raw": raw, "name": "", "errors": [], "warnings": [], "status": "ok"}

        def reject(message: str) -> dict:
            plan["status"] = "rejected"
            plan["errors"].append(message)
            return plan

        if row.get(TOO_MANY):
            return reject(_("Cette ligne a plus de valeurs que l’en-tête n’a de colonnes."))
        data, other, warnings = self.read(row)
        plan["warnings"] = warnings
        plan["name"] = data.get("name", "")
        if not plan["name"]:
            return reject(_("Le nom du lieu est obligatoire."))
        try:
            commune, lon, lat, origin = self.locate(data, other, warnings)
        except ValidationError as error:
            return reject(" ".join(error.messages))
        data |= {"commune": commune, "lon": lon, "lat": lat, "location_origin": origin}
        try:
            values = self.validate(data, warnings)
        except ValidationError as error:
            return reject(
                " ".join(
                    f"{field_label(f)} : {' '.join(m for e in errors for m in e.messages)}"
                    for f, errors in getattr(error, "error_dict", {"__all__": [error]}).items()
                )
                if hasattr(error, "error_dict")
                else " ".join(error.messages)
            )
        parent = commune.parent_id or ""
        source_id = (
            other.get("source_id", "")[:80] or f"{slugify(normalise(values['name']))[:70]}-{commune.pk}"
        )
        keys = (
            [("id", source_id)]
            if other.get("source_id")
            else [("name", normalise(values["name"]), parent or commune.pk)]
        )
        slug = slugify(other.get("slug", ""))[:220]
        if slug:
            keys.append(("slug", slug))
        for key in keys:
            if key in seen:
                what = {
                    "id": _("le même identifiant"),
                    "name": _("le même nom dans la même commune"),
                    "slug": _("le même identifiant d’URL"),
                }[key[0]]
                return reject(
                    _("Doublon dans le fichier : %(what)s que la ligne %(line)s.")
                    % {"what": what, "line": seen[key]}
                )
        for key in keys:
            seen[key] = line
        given = set(data) - {"commune", "lon", "lat", "location_origin"}
        create = {f: _json(values[f]) for f in given | {"name"} if f in values}
        create |= {"commune": commune.pk, "lon": lon, "lat": lat, "location_origin": origin}
        if slug:
            create["slug"] = slug
        plan |= {
            "name": values["name"],
            "commune": commune.pk,
            "commune_name": commune.name,
            "department": commune.department_id,
            "source_id": source_id,
            "create": create,
        }
        incoming = {f: values[f] for f in given if f in values} | {
            "point": (lon, lat, origin),
            "commune": (commune.pk, parent),
        }
        plan["candidates"] = self.candidates(values, incoming, commune, lon, lat, origin, source_id, slug)
        plan["default"] = self.default(plan["candidates"])
        return plan

    def candidates(self, values, incoming, commune, lon, lat, origin, source_id, slug) -> list[dict]:
        matches = self.index.find(
            Incoming(
                name=values["name"],
                commune=commune.pk,
                commune_parent=commune.parent_id or "",
                commune_name=commune.name,
                lon=lon,
                lat=lat,
                approximate=origin == LocationOrigin.COMMUNE,
                website=values.get("website", ""),
                siret=values.get("siret", ""),
            ),
            limit=MAX_CANDIDATES,
        )
        found: list[dict] = []
        pinned: list[tuple[int, str]] = []
        record = self.records.get(source_id)
        if record is not None:
            pinned.append((record, "record"))
        if slug:
            by_slug = Place.objects.filter(slug=slug).values_list("pk", flat=True).first()
            if by_slug is not None and by_slug != record:
                pinned.append((by_slug, "slug"))
        by_id = {m.candidate.id: m for m in matches}
        self.prefetch({pk for pk, _why in pinned} | set(by_id))
        for pk, why in pinned:
            place = self.place(pk)
            if place is None:
                continue
            match = by_id.pop(pk, None)
            same = why == "record" or commune.pk in {place.commune_id, place.commune.parent_id}
            found.append(self._candidate(place, incoming, match, automatic=same, pinned=why))
        for match in matches:
            if match.candidate.id in by_id:
                place = self.place(match.candidate.id)
                if place is not None:
                    found.append(self._candidate(place, incoming, match, automatic=match.automatic))
        return found[:MAX_CANDIDATES]

    def _candidate(self, place: Place, incoming: dict, match, *, automatic: bool, pinned: str = "") -> dict:
        changes = merge_plan(self.current_values(place), incoming).changes
        reasons = list(match.reasons) if match else []
        if pinned:
            reasons.insert(0, pinned)
        return {
            "id": place.pk,
            "name": place.name,
            "slug": place.slug,
            "commune": place.commune_id,
            "commune_name": place.commune.name,
            "distance_m": round(match.distance_m) if match and match.distance_m is not None else None,
            "similarity": round(match.similarity, 2) if match else None,
            "reasons": reasons,
            "automatic": automatic,
            "changes": [
                {
                    "field": c.field,
                    "kind": c.kind,
                    "current": _json(c.current),
                    "incoming": _json(c.incoming),
                    "result": _json(c.result),
                }
                for c in changes
            ],
        }

    @staticmethod
    def default(candidates: list[dict]) -> str:
        for candidate in candidates:
            if candidate["automatic"]:
                return f"merge:{candidate['id']}"
        return "create"


def plan_table(
    table: Table,
    mapping: dict[str, str],
    *,
    source: str,
    value_mappings: dict[str, dict[str, list[str]]] | None = None,
    import_format: ImportFormat | None = None,
) -> ImportPlan:
    """The plan of every row of `table` (nothing is written)."""
    planner = Planner(
        source=source, mapping=mapping, value_mappings=value_mappings, import_format=import_format
    )
    seen: dict = {}
    rows = [planner.plan_row(line, row, seen) for line, row in table.rows]
    return ImportPlan(rows=rows, unknown_values=planner.unknown)


# --- Decisions and outcomes -----------------------------------------------------------------------------
def candidate_of(row: dict, decision: str) -> dict | None:
    kind, _sep, pk = decision.partition(":")
    if kind not in {"merge", "fill"} or not pk.isdigit():
        return None
    return next((c for c in row.get("candidates", []) if c["id"] == int(pk)), None)


def valid_decision(row: dict, decision: str) -> bool:
    if row.get("status") == "rejected":
        return False
    return decision in {"create", "skip"} or candidate_of(row, decision) is not None


def decision_for(row: dict, decisions: dict) -> str:
    decision = decisions.get(str(row["line"]), "")
    if decision and valid_decision(row, decision):
        return decision
    return row.get("default", "create")


def merge_data(candidate: dict, *, replace: bool) -> dict:
    """The values a merge writes (`replace` False: only what fills, unites or improves)."""
    kinds = CHANGES if replace else CHANGES - {REPLACE}
    data: dict = {}
    for change in candidate["changes"]:
        if change["kind"] not in kinds:
            continue
        if change["field"] == "point":
            data["lon"], data["lat"], data["location_origin"] = change["result"]
        else:
            data[change["field"]] = change["result"]
    return data


def outcome(row: dict, decision: str) -> str:
    """ "rejected", "skip", "create", "merge" (the place changes) or "unchanged"."""
    if row.get("status") == "rejected":
        return "rejected"
    if decision in {"create", "skip"}:
        return decision
    candidate = candidate_of(row, decision)
    if candidate is None:
        return "create"
    return "merge" if merge_data(candidate, replace=decision.startswith("merge")) else "unchanged"


def needs_review(row: dict, decision: str) -> bool:
    """A row a person should look at: a proposed (not automatic) match, a replacement, a warning."""
    if row.get("status") == "rejected":
        return False
    if row.get("warnings"):
        return True
    candidates = row.get("candidates", [])
    if decision == "create" and candidates:
        return True
    automatic = [c for c in candidates if c["automatic"]]
    if len(automatic) > 1:
        return True
    candidate = candidate_of(row, decision)
    return bool(
        candidate and decision.startswith("merge") and any(c["kind"] == REPLACE for c in candidate["changes"])
    )
