"""Read an uploaded file into a table of texts, whatever it is: CSV (any usual delimiter, UTF-8 with or
without BOM, Windows-1252/Latin-1, or a mix of them line by line), XLSX, GeoJSON, or a JSON list of
objects (the national "lieux de médiation numérique" schema is published so). The format is told by the
content, the extension being a hint. Anything unreadable raises ImportFileError with a French message."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
DELIMITERS = (";", ",", "\t", "|")
EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".geojson": "json",
    ".json": "json",
}
TOO_MANY = "\x00"  # key of a row that had more values than the header has columns


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for people (French)."""


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, {column: text})
    kind: str = "csv"
    notes: tuple[str, ...] = ()  # what reading had to repair (French), shown with the mapping


# --- Text -----------------------------------------------------------------------------------------------
def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def decode(content: bytes) -> tuple[str, str]:
    """(text, note): UTF-8 (a BOM is dropped), else each line in UTF-8 or Windows-1252 (a superset of
    Latin-1 for text), so that a UTF-8 BOM before Latin-1 text, or a file pasted from two sources, reads."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), ""
        except UnicodeDecodeError:
            raise ImportFileError(_("Ce fichier UTF-16 est illisible.")) from None
    bom = content.startswith(b"\xef\xbb\xbf")
    body = content[3:] if bom else content
    try:
        return body.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    lines = body.splitlines(keepends=True)
    text = "".join(_decode_line(line) for line in lines)
    mixed = any(_is_utf8(line) and not line.isascii() for line in lines)
    note = (
        _(
            "Encodage : le fichier mélange UTF-8 et Latin-1 (Windows-1252) ; chaque ligne a été lue dans le sien."
        )
        if mixed or bom
        else ""
    )
    return text, note


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer() and abs(value) > 1000:
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, list):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def _header(columns: list[str]) -> tuple[list[str], list[str]]:
    """Column names (blank ones numbered, repeated ones suffixed) and the notes saying so."""
    columns = [str(c or "").strip().lstrip("\ufeff").strip() for c in columns]
    if not any(columns):
        raise ImportFileError(_("La première ligne doit contenir les noms des colonnes."))
    seen: set[str] = set()
    result, notes = [], []
    for number, column in enumerate(columns, start=1):
        name = column or _("colonne %(n)s") % {"n": number}
        if name in seen:
            renamed, copy = name, 2
            while renamed in seen:
                renamed = f"{name} ({copy})"
                copy += 1
            notes.append(
                _("La colonne « %(name)s » apparaît plusieurs fois : la suivante s’appelle « %(new)s ».")
                % {"name": name, "new": renamed}
            )
            name = renamed
        seen.add(name)
        result.append(name)
    return result, notes


def _check_rows(rows: list) -> None:
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("Le fichier dépasse %(n)s lignes.") % {"n": MAX_ROWS})


# --- CSV ------------------------------------------------------------------------------------------------
def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most, and most regular, columns."""
    sample = "\n".join(text.splitlines()[:30])
    best, best_score = ";", (-1, -1.0)
    for delimiter in DELIMITERS:
        try:
            lines = [row for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if row]
        except csv.Error:
            continue
        if not lines or len(lines[0]) < 2:
            continue
        width = len(lines[0])
        regular = sum(1 for row in lines if len(row) == width) / len(lines)
        score = (regular >= 0.8, regular * width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv(content: bytes) -> Table:
    text, note = decode(content)
    if "\x00" in text:
        raise ImportFileError(_("Ce fichier n’est pas un CSV lisible (il contient des caractères binaires)."))
    if not text.strip():
        raise ImportFileError(_("Le fichier est vide."))
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError(_("Le fichier est vide."))
        columns, notes = _header(header)
        rows = []
        while True:
            start = reader.line_num + 1
            values = next(reader, None)
            if values is None:
                break
            if not any(v.strip() for v in values):
                continue
            row = {column: (values[i].strip() if i < len(values) else "") for i, column in enumerate(columns)}
            if len(values) > len(columns) and any(v.strip() for v in values[len(columns) :]):
                row[TOO_MANY] = "1"
            rows.append((start, row))
            _check_rows(rows)
    except csv.Error as error:
        raise ImportFileError(
            _("Fichier CSV mal formé à la ligne %(line)s : %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    return Table(columns=columns, rows=rows, kind="csv", notes=tuple(n for n in [note, *notes] if n))


# --- XLSX -----------------------------------------------------------------------------------------------
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
        columns, notes = _header([_cell(v) for v in header])
        rows = []
        for line, values in enumerate(iterator, start=2):
            cells = [_cell(v) for v in values]
            if not any(cells):
                continue
            rows.append(
                (line, {column: (cells[i] if i < len(cells) else "") for i, column in enumerate(columns)})
            )
            _check_rows(rows)
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 — a corrupt sheet inside a valid archive
        raise ImportFileError(_("Ce fichier n’est pas un classeur XLSX lisible.")) from None
    finally:
        workbook.close()
    return Table(columns=columns, rows=rows, kind="xlsx", notes=tuple(notes))


# --- JSON and GeoJSON -----------------------------------------------------------------------------------
def _flatten(item: dict, prefix: str = "") -> dict[str, str]:
    """Nested objects as dotted keys ({"adresse": {"voie": …}} → {"adresse.voie": …})."""
    flat: dict[str, str] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value and len(value) < 30:
            flat |= _flatten(value, name + ".")
        else:
            flat[name] = _cell(value)
    return flat


def _objects(document) -> tuple[list, str]:
    if isinstance(document, dict):
        if isinstance(document.get("features"), list):
            return document["features"], "geojson"
        if document.get("type") == "Feature":
            raise ImportFileError(_("Un GeoJSON d’import doit être une « FeatureCollection »."))
        lists = [v for v in document.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if len(lists) == 1:
            return lists[0], "json"
        raise ImportFileError(
            _("Ce JSON doit être une liste d’objets (un par lieu) ou une « FeatureCollection » GeoJSON.")
        )
    if isinstance(document, list):
        return document, "json"
    raise ImportFileError(
        _("Ce JSON doit être une liste d’objets (un par lieu) ou une « FeatureCollection » GeoJSON.")
    )


def read_json(content: bytes) -> Table:
    text, _note = decode(content)
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ImportFileError(
            _("Ce fichier n’est pas un JSON ou GeoJSON valide : %(error)s") % {"error": error}
        ) from None
    items, kind = _objects(document)
    columns: list[str] = []
    rows = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportFileError(_("L’élément n° %(n)s n’est pas un objet.") % {"n": number})
        if kind == "geojson":
            row = _flatten(item.get("properties") or {})
            geometry = item.get("geometry") or {}
            coordinates = geometry.get("coordinates") if geometry.get("type") == "Point" else None
            if isinstance(coordinates, list) and len(coordinates) >= 2:
                row["longitude"], row["latitude"] = _cell(coordinates[0]), _cell(coordinates[1])
        else:
            row = _flatten(item)
        for key in row:
            if key not in columns:
                columns.append(key)
        rows.append((number, row))
        _check_rows(rows)
    if not columns:
        raise ImportFileError(_("Le fichier est vide."))
    for _line, row in rows:
        for column in columns:
            row.setdefault(column, "")
    return Table(columns=columns, rows=rows, kind=kind)


# --- Any file -------------------------------------------------------------------------------------------
def sniff(name: str, content: bytes) -> str:
    """ "csv", "xlsx" or "json" from the content (the extension decides only for plain text)."""
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head[:1] in (b"{", b"["):
        return "json"
    if re.match(rb"^(%PDF|\x89PNG|GIF8|\xff\xd8\xff|\xd0\xcf\x11\xe0)", content[:8]):
        raise ImportFileError(_("Format non reconnu : envoyez un fichier .csv, .xlsx, .json ou .geojson."))
    kind = EXTENSIONS.get(Path(name).suffix.lower())
    if kind is None:
        raise ImportFileError(_("Format non reconnu : envoyez un fichier .csv, .xlsx, .json ou .geojson."))
    if kind == "xlsx":
        raise ImportFileError(_("Ce fichier n’est pas un classeur XLSX lisible."))
    return kind


def read_file(name: str, content: bytes) -> Table:
    """Read an uploaded file into a table; raise ImportFileError (French) when it cannot be read."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            _("Le fichier pèse %(size)s Mo : la limite est de %(max)s Mo.")
            % {
                "size": f"{len(content) / 1024 / 1024:.1f}".replace(".", ","),
                "max": MAX_BYTES // 1024 // 1024,
            }
        )
    if not content.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportFileError(_("Le fichier est vide."))
    kind = sniff(name, content)
    table = {"csv": read_csv, "xlsx": read_xlsx, "json": read_json}[kind](content)
    if not table.rows:
        raise ImportFileError(_("Le fichier ne contient aucune ligne de données sous l’en-tête."))
    return table
