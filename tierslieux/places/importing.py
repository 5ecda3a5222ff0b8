"""The import engine of the atlas: read a CSV, XLSX or GeoJSON file, map its columns to place fields,
check every row, then write everything in one transaction through `place_create` / `place_update`.

- CSV: the delimiter is sniffed; the encoding is UTF-8 (with or without BOM), else Windows-1252/Latin-1.
- A place already imported is found by (source, source id), else by its slug; re-importing the same file
  changes nothing (0 created, 0 updated).
- Each row is written in its own savepoint: a rejected row is listed with its line number and the reason
  (in French) and never half-written; `dry_run` rolls the whole import back (the preview is exact).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from tierslieux.core.numbers import fr_int, plural_number

from .locating import commune_for
from .models import Accessibility, Label, LegalForm, Place, PlaceSourceRecord, PlaceStatus, PlaceType, Service
from .services import place_create, place_snapshot, place_update
from .text import normalise

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".geojson": "geojson",
    ".json": "geojson",
}

# The fields a column may fill, with their label (French, also accepted as a column header; translated when shown).
IMPORT_FIELDS: dict[str, str] = {
    "source_id": gettext_noop("Identifiant dans la source"),
    "slug": gettext_noop("Identifiant d’URL"),
    "name": gettext_noop("Nom"),
    "types": gettext_noop("Types"),
    "short_description": gettext_noop("Description courte"),
    "description": gettext_noop("Description"),
    "address": gettext_noop("Adresse"),
    "postcode": gettext_noop("Code postal"),
    "commune": gettext_noop("Code INSEE de la commune"),
    "lon": gettext_noop("Longitude"),
    "lat": gettext_noop("Latitude"),
    "status": gettext_noop("Statut"),
    "legal_form": gettext_noop("Forme juridique"),
    "siret": gettext_noop("SIRET"),
    "rna": gettext_noop("Numéro RNA"),
    "opening_date": gettext_noop("Date d’ouverture"),
    "labels": gettext_noop("Labels"),
    "services": gettext_noop("Services"),
    "accessibility": gettext_noop("Accessibilité"),
    "website": gettext_noop("Site web"),
    "surface_m2": gettext_noop("Surface (m²)"),
}
LIST_FIELDS = {"types": PlaceType, "labels": Label, "services": Service, "accessibility": Accessibility}
CHOICE_FIELDS = {"status": PlaceStatus, "legal_form": LegalForm}
# Normalised header -> field (the field names and labels themselves are added below).
HEADER_ALIASES = {
    "id": "source_id",
    "identifiant": "source_id",
    "ref": "source_id",
    "reference": "source_id",
    "nom": "name",
    "nom du lieu": "name",
    "titre": "name",
    "type": "types",
    "type de lieu": "types",
    "typologie": "types",
    "resume": "short_description",
    "adresse postale": "address",
    "rue": "address",
    "cp": "postcode",
    "code postal": "postcode",
    "insee": "commune",
    "code insee": "commune",
    "code commune": "commune",
    "longitude": "lon",
    "lng": "lon",
    "long": "lon",
    "x": "lon",
    "latitude": "lat",
    "y": "lat",
    "statut": "status",
    "etat": "status",
    "site": "website",
    "site internet": "website",
    "url": "website",
    "surface": "surface_m2",
}
# "commune" alone usually holds a name, not an INSEE code: never guessed.
HEADER_ALIASES |= {normalise(f): f for f in IMPORT_FIELDS if f != "commune"} | {
    normalise(label): f for f, label in IMPORT_FIELDS.items()
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for people (French)."""


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, {column: text})
    kind: str = "csv"


@dataclass
class RowResult:
    line: int
    name: str
    action: str  # "create", "update", "unchanged" or "rejected"
    errors: list[str] = field(default_factory=list)
    slug: str = ""

    @property
    def action_label(self) -> str:
        return {
            "create": _("création"),
            "update": _("mise à jour"),
            "unchanged": _("inchangé"),
            "rejected": _("rejetée"),
        }[self.action]


@dataclass
class ImportReport:
    rows: list[RowResult]
    committed: bool

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def rejected(self) -> list[RowResult]:
        return [row for row in self.rows if row.action == "rejected"]

    def summary(self) -> str:
        """ "2 lieux créés, 1 mis à jour, 0 inchangé, 1 ligne rejetée" (French agreement, 0 singular)."""
        rejected = len(self.rejected)
        parts = [
            ngettext("%(n)s lieu créé", "%(n)s lieux créés", plural_number(self.created)),
            ngettext("%(n)s mis à jour", "%(n)s mis à jour", plural_number(self.updated)),
            ngettext("%(n)s inchangé", "%(n)s inchangés", plural_number(self.unchanged)),
            ngettext("%(n)s ligne rejetée", "%(n)s lignes rejetées", plural_number(rejected)),
        ]
        counts = (self.created, self.updated, self.unchanged, rejected)
        return ", ".join(part % {"n": fr_int(n)} for part, n in zip(parts, counts, strict=True))


# --- Reading --------------------------------------------------------------------------------------------
def decode(content: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252 (a superset of Latin-1 for text), else Latin-1."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) > 1000:
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _header(columns: list[str]) -> list[str]:
    columns = [str(c or "").strip() for c in columns]
    if not any(columns):
        raise ImportFileError(_("La première ligne doit contenir les noms des colonnes."))
    seen: dict[str, int] = {}
    result = []
    for number, column in enumerate(columns, start=1):
        column = column or _("colonne %(n)s") % {"n": number}
        if column in seen:
            raise ImportFileError(_("La colonne « %(name)s » apparaît deux fois.") % {"name": column})
        seen[column] = number
        result.append(column)
    return result


class _Semicolon(csv.excel):
    delimiter = ";"


def read_csv(content: bytes) -> Table:
    text = decode(content)
    if "\x00" in text:
        raise ImportFileError(_("Ce fichier n’est pas un CSV lisible (il contient des caractères binaires)."))
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        dialect = _Semicolon if sample.count(";") > sample.count(",") else csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError(_("Le fichier est vide."))
        columns = _header(header)
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(columns):
                values = values[: len(columns)] + ["\x00TOO_MANY"]
            row = {column: (values[i].strip() if i < len(values) else "") for i, column in enumerate(columns)}
            if values and values[-1] == "\x00TOO_MANY":
                row["\x00"] = "too_many"
            rows.append((reader.line_num, row))
            if len(rows) > MAX_ROWS:
                raise ImportFileError(_("Le fichier dépasse %(n)s lignes.") % {"n": MAX_ROWS})
    except csv.Error as error:
        raise ImportFileError(
            _("Fichier CSV mal formé à la ligne %(line)s : %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    return Table(columns=columns, rows=rows, kind="csv")


def read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — any failure of openpyxl means an unreadable file
        raise ImportFileError(_("Ce fichier n’est pas un classeur XLSX lisible.")) from None
    try:
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        header = next(iterator, None)
        if header is None:
            raise ImportFileError(_("Le fichier est vide."))
        columns = _header([_cell(v) for v in header])
        rows = []
        for line, values in enumerate(iterator, start=2):
            cells = [_cell(v) for v in values]
            if not any(cells):
                continue
            rows.append(
                (line, {column: (cells[i] if i < len(cells) else "") for i, column in enumerate(columns)})
            )
            if len(rows) > MAX_ROWS:
                raise ImportFileError(_("Le fichier dépasse %(n)s lignes.") % {"n": MAX_ROWS})
    finally:
        workbook.close()
    return Table(columns=columns, rows=rows, kind="xlsx")


def read_geojson(content: bytes) -> Table:
    try:
        document = json.loads(decode(content))
    except ValueError as error:
        raise ImportFileError(
            _("Ce fichier n’est pas un GeoJSON valide : %(error)s") % {"error": error}
        ) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise ImportFileError(_("Un GeoJSON d’import doit être une « FeatureCollection »."))
    columns: list[str] = []
    rows = []
    for number, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        row = {
            str(k): _cell(v) if not isinstance(v, list) else ", ".join(map(str, v))
            for k, v in properties.items()
        }
        geometry = (feature or {}).get("geometry") or {}
        coordinates = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        if coordinates and len(coordinates) >= 2:
            row["longitude"], row["latitude"] = str(coordinates[0]), str(coordinates[1])
        for key in row:
            if key not in columns:
                columns.append(key)
        rows.append((number, row))
    for _line, row in rows:
        for column in columns:
            row.setdefault(column, "")
    return Table(columns=columns, rows=rows, kind="geojson")


def read_file(name: str, content: bytes) -> Table:
    """Read an uploaded file (CSV, XLSX or GeoJSON) into a table; raise ImportFileError in French."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            _("Le fichier pèse %(size).1f Mo : la limite est de %(max)s Mo.")
            % {"size": len(content) / 1024 / 1024, "max": MAX_BYTES // 1024 // 1024}
        )
    if not content.strip():
        raise ImportFileError(_("Le fichier est vide."))
    kind = EXTENSIONS.get(Path(name).suffix.lower())
    if kind is None:
        raise ImportFileError(_("Format non reconnu : envoyez un fichier .csv, .xlsx ou .geojson."))
    return {"csv": read_csv, "xlsx": read_xlsx, "geojson": read_geojson}[kind](content)


# --- Mapping --------------------------------------------------------------------------------------------
def guess_mapping(columns: list[str]) -> dict[str, str]:
    """{column: field} guessed from the headers; each field is used once."""
    mapping: dict[str, str] = {}
    for column in columns:
        target = HEADER_ALIASES.get(normalise(column))
        if target and target not in mapping.values():
            mapping[column] = target
    return mapping


def parse_mapping_args(items: list[str], columns: list[str]) -> dict[str, str]:
    """`col=field` strings (command line) on top of the guessed mapping; `col=` ignores a column."""
    mapping = guess_mapping(columns)
    for item in items:
        column, sep, target = item.partition("=")
        if not sep:
            raise ImportFileError(
                _("Correspondance invalide « %(item)s » : attendu colonne=champ.") % {"item": item}
            )
        if column not in columns:
            raise ImportFileError(_("Colonne inconnue : « %(name)s ».") % {"name": column})
        if target and target not in IMPORT_FIELDS:
            raise ImportFileError(_("Champ inconnu : « %(name)s ».") % {"name": target})
        mapping = {c: f for c, f in mapping.items() if f != target or not target}
        if target:
            mapping[column] = target
        else:
            mapping.pop(column, None)
    return mapping


def _code(value: str, choices) -> str:
    """A choice code from its code or its label, accents and case ignored."""
    wanted = normalise(value)
    for code, label in choices.choices:
        if wanted in (normalise(code), normalise(str(label))):
            return code
    return value


def _number(value: str) -> str | float:
    try:
        return float(value.replace(",", ".").replace(" ", ""))
    except ValueError:
        return value


def row_data(row: dict[str, str], mapping: dict[str, str]) -> tuple[dict, str, str]:
    """(place data, source id, requested slug) from one row and the mapping."""
    data: dict = {}
    source_id = slug = ""
    for column, target in mapping.items():
        value = (row.get(column) or "").strip()
        if target == "source_id":
            source_id = value[:80]
        elif target == "slug":
            slug = slugify(value)[:220]
        elif target in LIST_FIELDS:
            data[target] = [
                _code(v.strip(), LIST_FIELDS[target]) for v in re.split(r"[,;|]", value) if v.strip()
            ]
        elif target in CHOICE_FIELDS:
            data[target] = _code(value, CHOICE_FIELDS[target]) if value else ""
        elif target in {"lon", "lat"}:
            data[target] = _number(value) if value else None
        else:
            data[target] = value
    return data, source_id, slug


# --- Import ---------------------------------------------------------------------------------------------
class _DryRun(Exception):
    pass


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{_(IMPORT_FIELDS.get(f, f)) if f != '__all__' else ''}{' : ' if f != '__all__' else ''}{m}"
            for f, errors in error.error_dict.items()
            for e in errors
            for m in e.messages
        ]
    return list(error.messages)


def _locate(data: dict) -> None:
    """Without coordinates, use the town hall of the commune (INSEE code or postcode): approximate."""
    if data.get("lon") not in (None, "") and data.get("lat") not in (None, ""):
        return
    commune = commune_for(
        lon=None, lat=None, insee=str(data.get("commune") or ""), postcode=str(data.get("postcode") or "")
    )
    if commune is None or commune.town_hall_lon is None:
        raise ValidationError(
            _("Coordonnées absentes et commune introuvable : indiquez longitude et latitude.")
        )
    data["commune"] = commune.pk
    data["lon"], data["lat"] = commune.town_hall_lon, commune.town_hall_lat
    data["location_approximate"] = True


def _find(source: str, source_id: str, slug: str) -> Place | None:
    record = (
        PlaceSourceRecord.objects.filter(source=source, source_id=source_id).select_related("place").first()
    )
    if record is not None:
        return record.place
    return Place.objects.filter(slug=slug).first() if slug else None


def _import_row(line: int, row: dict, mapping: dict, source: str, user, seen: dict) -> RowResult:
    if row.get("\x00"):
        return RowResult(
            line, "", "rejected", [_("Cette ligne a plus de valeurs que l’en-tête n’a de colonnes.")]
        )
    data, source_id, slug = row_data(row, mapping)
    name = str(data.get("name") or "")
    if not name.strip():
        return RowResult(line, name, "rejected", [_("Le nom du lieu est obligatoire.")])
    has_id = bool(source_id)
    source_id = source_id or slugify(normalise(name))[:80]
    keys = [("id", source_id)] + ([("slug", slug)] if slug else [])
    for key in keys:
        if key in seen:
            what = _("le même identifiant") if key[0] == "id" else _("le même identifiant d’URL")
            return RowResult(
                line,
                name,
                "rejected",
                [
                    _("Doublon dans le fichier : %(what)s que la ligne %(line)s.")
                    % {"what": what, "line": seen[key]}
                ],
            )
    try:
        with transaction.atomic():
            _locate(data)
            place = _find(source, source_id, slug or ("" if has_id else source_id))
            if place is None:
                if slug:
                    data["slug"] = slug
                place = place_create(
                    data=data, user=user, source=source, reason=_("Import « %(s)s »") % {"s": source}
                )
                action = "create"
            else:
                before = place_snapshot(place)
                place = place_update(
                    place=place, data=data, user=user, reason=_("Import « %(s)s »") % {"s": source}
                )
                action = "update" if place_snapshot(place) != before else "unchanged"
            PlaceSourceRecord.objects.update_or_create(
                source=source, source_id=source_id, defaults={"place": place, "raw": row}
            )
    except ValidationError as error:
        return RowResult(line, name, "rejected", _messages(error))
    for key in keys:
        seen[key] = line
    return RowResult(line, name, action, slug=place.slug)


def run_import(
    table: Table, mapping: dict[str, str], *, source: str, user=None, dry_run: bool = False
) -> ImportReport:
    """Import every row in one transaction (each row in a savepoint); `dry_run` rolls everything back."""
    if "name" not in mapping.values():
        raise ImportFileError(_("Aucune colonne n’est associée au nom du lieu."))
    unknown = set(mapping.values()) - set(IMPORT_FIELDS)
    if unknown:
        raise ImportFileError(_("Champs inconnus : %(f)s") % {"f": ", ".join(sorted(unknown))})
    source = slugify(source)[:40]
    if not source:
        raise ImportFileError(_("Indiquez le nom de la source."))
    results: list[RowResult] = []
    try:
        with transaction.atomic():
            seen: dict = {}
            for line, row in table.rows:
                results.append(_import_row(line, row, mapping, source, user, seen))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return ImportReport(rows=results, committed=not dry_run)
