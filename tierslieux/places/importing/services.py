"""Writes of the import: start an import from a file, set its column and value mappings, plan it (the
preview), take the decisions per row, commit it in one transaction, cancel it. The staff pages and the
`import_places` command both go through these functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tierslieux.accounts.models import User
from tierslieux.core.numbers import fr_int, plural_number
from tierslieux.core.spreadsheets import csv_bytes

from ..models import ImportValueMapping, Place, PlaceImport, PlaceImportChange, PlaceSourceRecord
from ..services import place_create, place_snapshot, place_update
from .fields import LIST_FIELDS, check_mapping, guess_mapping, value_key
from .formats import FORMATS, ImportFormat, detect_format
from .planning import (
    ImportPlan,
    candidate_of,
    decision_for,
    merge_data,
    needs_review,
    outcome,
    plan_table,
    valid_decision,
)
from .reading import ImportFileError, Table, read_file

DRAFT_LIFETIME = dt.timedelta(days=1)
ACTIONS = ("create", "merge", "unchanged", "rejected", "skip")


def action_label(action: str) -> str:
    return {
        "create": _("création"),
        "merge": _("fusion"),
        "unchanged": _("inchangé"),
        "rejected": _("rejetée"),
        "skip": _("écartée"),
    }[action]


def summary_text(counts: dict) -> str:
    """ "3 lieux créés, 1 lieu complété ou modifié, …" (French plurals: 0 and 1 singular)."""
    n = {action: int(counts.get(action, 0)) for action in ACTIONS}
    p = {action: plural_number(n[action]) for action in ACTIONS}
    parts = [
        ngettext("%(n)s lieu créé", "%(n)s lieux créés", p["create"]) % {"n": fr_int(n["create"])},
        ngettext("%(n)s lieu complété ou modifié", "%(n)s lieux complétés ou modifiés", p["merge"])
        % {"n": fr_int(n["merge"])},
        ngettext("%(n)s lieu inchangé", "%(n)s lieux inchangés", p["unchanged"])
        % {"n": fr_int(n["unchanged"])},
        ngettext("%(n)s ligne rejetée", "%(n)s lignes rejetées", p["rejected"])
        % {"n": fr_int(n["rejected"])},
        ngettext("%(n)s ligne écartée", "%(n)s lignes écartées", p["skip"]) % {"n": fr_int(n["skip"])},
    ]
    return ", ".join(parts)


def clean_source(source: str) -> str:
    source = slugify(source or "")[:40]
    if not source:
        raise ImportFileError(_("Indiquez le nom de la source."))
    return source


# --- Reads of an import ----------------------------------------------------------------------------------
def import_table(place_import: PlaceImport) -> Table:
    return read_file(place_import.file_name, bytes(place_import.content))


def import_format(place_import: PlaceImport) -> ImportFormat | None:
    return FORMATS.get(place_import.file_format)


def source_value_mappings(source: str) -> dict[str, dict[str, list[str]]]:
    """The value mappings remembered for `source`: {field: {normalised value: codes}}."""
    known: dict[str, dict[str, list[str]]] = {}
    for field, value, codes in ImportValueMapping.objects.filter(source=source).values_list(
        "field", "value", "codes"
    ):
        known.setdefault(field, {})[value] = list(codes)
    return known


def _value_mappings(place_import: PlaceImport) -> dict[str, dict[str, list[str]]]:
    known = source_value_mappings(place_import.source)
    for field, values in (place_import.value_mappings or {}).items():
        known.setdefault(field, {}).update(values)
    return known


def plan_rows(place_import: PlaceImport) -> list[dict]:
    return (place_import.plan or {}).get("rows", [])


def unknown_values(place_import: PlaceImport) -> dict[str, dict[str, int]]:
    return (place_import.plan or {}).get("unknown", {})


def decided_rows(place_import: PlaceImport) -> list[tuple[dict, str, str]]:
    """(row, decision, outcome) of every planned row."""
    decisions = place_import.decisions or {}
    result = []
    for row in plan_rows(place_import):
        decision = decision_for(row, decisions)
        result.append((row, decision, outcome(row, decision)))
    return result


def plan_counts(place_import: PlaceImport) -> dict:
    counts = {action: 0 for action in ACTIONS} | {"review": 0}
    for row, decision, action in decided_rows(place_import):
        counts[action] += 1
        counts["review"] += needs_review(row, decision)
    return counts


# --- Writes ----------------------------------------------------------------------------------------------
def _forget_stale_drafts() -> None:
    PlaceImport.objects.filter(
        status=PlaceImport.Status.DRAFT, created_at__lt=timezone.now() - DRAFT_LIFETIME
    ).delete()


@transaction.atomic
def place_import_start(
    *, file_name: str, content: bytes, source: str, user: User | AnonymousUser | None = None
) -> PlaceImport:
    """Read the file (ImportFileError when it cannot be read) and keep it as a draft import, with the
    column mapping guessed from its headers (or from its format, when it is a known one)."""
    source = clean_source(source)
    table = read_file(file_name, content)
    known = detect_format(table.columns)
    _forget_stale_drafts()
    place_import = PlaceImport.objects.create(
        source=source,
        file_name=file_name[:255],
        file_format=known.code if known else table.kind,
        content=content,
        mapping=guess_mapping(table.columns, known.mapping if known else None),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    return place_import


def _require_draft(place_import: PlaceImport) -> PlaceImport:
    locked = PlaceImport.objects.select_for_update().get(pk=place_import.pk)
    if locked.status != PlaceImport.Status.DRAFT:
        raise ValidationError(_("Cet import est déjà terminé : il ne peut plus être modifié."))
    return locked


@transaction.atomic
def place_import_set_mapping(*, place_import: PlaceImport, mapping: dict[str, str]) -> ImportPlan:
    """Set the column mapping (ImportFileError when it cannot import anything) and plan the rows."""
    check_mapping(mapping)
    locked = _require_draft(place_import)
    locked.mapping = mapping
    locked.save(update_fields=["mapping"])
    plan = place_import_prepare(place_import=locked)
    place_import.mapping, place_import.plan, place_import.decisions = mapping, locked.plan, locked.decisions
    return plan


@transaction.atomic
def place_import_prepare(*, place_import: PlaceImport) -> ImportPlan:
    """Plan every row with the current mappings and keep the plan (the preview)."""
    locked = _require_draft(place_import)
    check_mapping(locked.mapping)
    plan = plan_table(
        import_table(locked),
        locked.mapping,
        source=locked.source,
        value_mappings=_value_mappings(locked),
        import_format=import_format(locked),
    )
    locked.plan = {"rows": plan.rows, "unknown": plan.unknown_values}
    locked.decisions = {
        line: decision
        for line, decision in (locked.decisions or {}).items()
        if any(str(row["line"]) == line and valid_decision(row, decision) for row in plan.rows)
    }
    locked.save(update_fields=["plan", "decisions"])
    place_import.plan, place_import.decisions = locked.plan, locked.decisions
    return plan


@transaction.atomic
def place_import_set_values(
    *, place_import: PlaceImport, mappings: dict[str, dict[str, list[str]]], remember: bool = True
) -> ImportPlan:
    """What unknown values of list fields mean ({field: {value: codes}}, [] to ignore a value); remembered for
    the source (`remember`) so the next import of the same source knows them; then plan again."""
    locked = _require_draft(place_import)
    current = dict(locked.value_mappings or {})
    for field, values in mappings.items():
        if field not in LIST_FIELDS:
            raise ValidationError(_("Champ inconnu : « %(name)s ».") % {"name": field})
        allowed = set(LIST_FIELDS[field].values)
        for value, codes in values.items():
            wrong = [c for c in codes if c not in allowed]
            if wrong:
                raise ValidationError(_("Code inconnu : %(codes)s.") % {"codes": ", ".join(wrong)})
            key = value_key(value)
            if not key:
                continue
            current.setdefault(field, {})[key] = list(dict.fromkeys(codes))
            if remember:
                ImportValueMapping.objects.update_or_create(
                    source=locked.source,
                    field=field,
                    value=key,
                    defaults={"codes": list(dict.fromkeys(codes))},
                )
    locked.value_mappings = current
    locked.save(update_fields=["value_mappings"])
    plan = place_import_prepare(place_import=locked)
    place_import.value_mappings, place_import.plan, place_import.decisions = (
        current,
        locked.plan,
        locked.decisions,
    )
    return plan


@transaction.atomic
def place_import_decide(*, place_import: PlaceImport, decisions: dict[str, str]) -> None:
    """Decisions per row ({line: "create" | "skip" | "merge:<id>" | "fill:<id>"}) on top of the defaults;
    a decision the row does not allow raises ValidationError."""
    locked = _require_draft(place_import)
    rows = {str(row["line"]): row for row in plan_rows(locked)}
    current = dict(locked.decisions or {})
    for line, decision in decisions.items():
        row = rows.get(str(line))
        if row is None or not valid_decision(row, decision):
            raise ValidationError(_("Choix impossible pour la ligne %(line)s.") % {"line": line})
        if decision == row.get("default"):
            current.pop(str(line), None)
        else:
            current[str(line)] = decision
    locked.decisions = current
    locked.save(update_fields=["decisions"])
    place_import.decisions = current


def _reason(place_import: PlaceImport, line: int) -> str:
    return _("Import n° %(number)s « %(source)s » (%(file)s, ligne %(line)s)") % {
        "number": place_import.pk,
        "source": place_import.source,
        "file": place_import.file_name,
        "line": line,
    }


def _report_row(
    row: dict, action: str, place: Place | None = None, errors: list[str] | None = None
) -> dict[str, Any]:
    return {
        "line": row["line"],
        "name": row.get("name", ""),
        "action": action,
        "errors": list(errors if errors is not None else row.get("errors", [])),
        "warnings": list(row.get("warnings", [])),
        "place": place.pk if place else None,
        "slug": place.slug if place else "",
        "place_name": place.name if place else "",
        "commune_name": row.get("commune_name", ""),
        "raw": row.get("raw", {}),
    }


def _link_record(
    place_import: PlaceImport, row: dict[str, Any], place: Place, change: PlaceImportChange | None
) -> PlaceImportChange | None:
    """Point the (source, source id) record at `place`; remember what it was, to cancel."""
    record = PlaceSourceRecord.objects.filter(source=place_import.source, source_id=row["source_id"]).first()
    if record is not None and record.place_id == place.pk and record.raw == row["raw"]:
        return change
    before = None if record is None else {"place": record.place_id, "raw": record.raw}
    PlaceSourceRecord.objects.update_or_create(
        source=place_import.source, source_id=row["source_id"], defaults={"place": place, "raw": row["raw"]}
    )
    if change is None:
        change = PlaceImportChange(
            place_import=place_import, place=place, line=row["line"], action=PlaceImportChange.Action.UPDATED
        )
    change.record_key = [place_import.source, row["source_id"]]
    change.record_before = before
    return change


def _apply_row(
    place_import: PlaceImport, row: dict, decision: str, user: User | None
) -> tuple[str, Place | None]:
    reason = _reason(place_import, row["line"])
    change = None
    if decision == "create":
        place = place_create(data=row["create"], user=user, source=place_import.source, reason=reason)
        change = PlaceImportChange(
            place_import=place_import,
            place=place,
            line=row["line"],
            action=PlaceImportChange.Action.CREATED,
            after=place_snapshot(place),
        )
        action = "create"
    else:
        candidate = candidate_of(row, decision)
        place = Place.objects.filter(pk=candidate["id"]).first() if candidate else None
        if place is None:
            raise ValidationError(_("Le lieu visé par la fusion n’existe plus."))
        data = merge_data(candidate, replace=decision.startswith("merge"))
        before = place_snapshot(place)
        if data:
            place = place_update(place=place, data=data, user=user, reason=reason)
        after = place_snapshot(place)
        changed = [f for f in before if before[f] != after.get(f)]
        action = "merge" if changed else "unchanged"
        if changed:
            change = PlaceImportChange(
                place_import=place_import,
                place=place,
                line=row["line"],
                action=PlaceImportChange.Action.UPDATED,
                before={f: before[f] for f in changed},
                after={f: after[f] for f in changed},
            )
    change = _link_record(place_import, row, place, change)
    if change is not None:
        change.save()
    return action, place


@transaction.atomic
def place_import_commit(*, place_import: PlaceImport, user: User | AnonymousUser | None = None) -> dict:
    """Apply every row as decided (each in a savepoint: a row refused by validation is reported, never half
    written), in one transaction; keep the report and what changed. Returns the counts."""
    locked = _require_draft(place_import)
    check_mapping(locked.mapping)
    value_mappings = _value_mappings(locked)
    plan = plan_table(
        import_table(locked),
        locked.mapping,
        source=locked.source,
        value_mappings=value_mappings,
        import_format=import_format(locked),
    )
    user = user if user is not None and user.is_authenticated else None
    report = []
    for row in plan.rows:
        decision = decision_for(row, locked.decisions or {})
        action = outcome(row, decision)
        if action in {"rejected", "skip"}:
            report.append(_report_row(row, action))
            continue
        try:
            with transaction.atomic():
                action, place = _apply_row(locked, row, decision, user)
        except ValidationError as error:
            report.append(_report_row(row, "rejected", errors=error.messages))
            continue
        report.append(_report_row(row, action, place))
    counts = {action: sum(1 for r in report if r["action"] == action) for action in ACTIONS}
    locked.report = report
    locked.counts = counts
    locked.status = PlaceImport.Status.DONE
    locked.committed_at = timezone.now()
    locked.plan = {}
    locked.save()
    place_import.status, place_import.report, place_import.counts = locked.status, report, counts
    return counts


@transaction.atomic
def place_import_cancel(*, place_import: PlaceImport, user: User | AnonymousUser | None) -> dict:
    """ "Annuler cet import": give every place it changed its former values (the fields it changed, unless
    someone changed them since), remove the places it created, restore the source records. Refused
    (ValidationError) when a place it created is now used by an application or managed by someone."""
    locked = PlaceImport.objects.select_for_update().get(pk=place_import.pk)
    if locked.status != PlaceImport.Status.DONE:
        raise ValidationError(_("Seul un import terminé peut être annulé."))
    changes = list(locked.changes.select_related("place").order_by("-line", "-pk"))
    created = [c for c in changes if c.action == PlaceImportChange.Action.CREATED and c.place_id]
    blocked = [
        c.place.name for c in created if c.place.call_applications.exists() or c.place.managers.exists()
    ]
    if blocked:
        raise ValidationError(
            _(
                "Impossible d’annuler : ces lieux créés par l’import ont désormais des gestionnaires ou des "
                "candidatures : %(names)s."
            )
            % {"names": ", ".join(blocked)}
        )
    reason = _("Annulation de l’import n° %(number)s (%(file)s)") % {
        "number": locked.pk,
        "file": locked.file_name,
    }
    restored = removed = 0
    kept: list[str] = []
    for change in changes:
        if change.record_key:
            source, source_id = change.record_key
            if (
                change.record_before is None
                or not Place.objects.filter(pk=change.record_before["place"]).exists()
            ):
                PlaceSourceRecord.objects.filter(source=source, source_id=source_id).delete()
            else:
                PlaceSourceRecord.objects.filter(source=source, source_id=source_id).update(
                    place_id=change.record_before["place"], raw=change.record_before["raw"]
                )
        if change.place is None:
            continue
        if change.action == PlaceImportChange.Action.CREATED:
            change.place.delete()
            removed += 1
            continue
        if not change.before:
            continue
        current = place_snapshot(change.place)
        restore = {f: v for f, v in change.before.items() if current.get(f) == change.after.get(f)}
        kept += [f"{change.place.name} ({f})" for f in change.before if f not in restore]
        if restore:
            place_update(place=change.place, data=restore, user=user, reason=reason)
            restored += 1
    locked.status = PlaceImport.Status.CANCELLED
    locked.cancelled_by = user if user is not None and user.is_authenticated else None
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["status", "cancelled_by", "cancelled_at"])
    place_import.status = locked.status
    return {"restored": restored, "removed": removed, "kept": kept}


# --- Report ----------------------------------------------------------------------------------------------
def report_csv(rows: list[dict], *, site_url: str = "", columns: list[str] | None = None) -> bytes:
    """The report of an import (or of its preview) as a CSV for spreadsheets: line, result, place, reasons,
    warnings, then the original values of the row (in the order of `columns`, the file's)."""
    columns = list(columns or [])
    for row in rows:
        for column in row.get("raw", {}):
            if column not in columns:
                columns.append(column)
    header = [
        _("Ligne"),
        _("Résultat"),
        _("Lieu"),
        _("Adresse de la fiche"),
        _("Commune"),
        _("Raison du rejet"),
        _("Avertissements"),
    ] + [_("Fichier : %(column)s") % {"column": c} for c in columns]
    lines = []
    for row in rows:
        url = f"{site_url}/lieux/{row['slug']}/" if row.get("slug") else ""
        lines.append(
            [
                row["line"],
                action_label(row["action"]),
                row.get("place_name") or row.get("name", ""),
                url,
                row.get("commune_name", ""),
                " ; ".join(row.get("errors", [])),
                " ; ".join(row.get("warnings", [])),
            ]
            + [row.get("raw", {}).get(c, "") for c in columns]
        )
    return csv_bytes(header, lines)


def preview_report(place_import: PlaceImport) -> list[dict]:
    """The report the commit would write, from the plan and the decisions (for the preview's download)."""
    report = []
    for row, decision, action in decided_rows(place_import):
        candidate = candidate_of(row, decision)
        entry = _report_row(row, action)
        if candidate:
            entry |= {"place": candidate["id"], "slug": candidate["slug"], "place_name": candidate["name"]}
        report.append(entry)
    return report


# --- In one go (command line, tests) ----------------------------------------------------------------------
@dataclass
class ImportReport:
    place_import: PlaceImport | None
    rows: list[dict]
    counts: dict
    committed: bool

    def count(self, action: str) -> int:
        return int(self.counts.get(action, 0))

    @property
    def created(self) -> int:
        return self.count("create")

    @property
    def updated(self) -> int:
        return self.count("merge")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def rejected(self) -> list[dict]:
        return [row for row in self.rows if row["action"] == "rejected"]

    def summary(self) -> str:
        return summary_text(self.counts)


def run_import(
    table_or_file: str | Table,
    mapping: dict[str, str] | None = None,
    *,
    source: str,
    user: User | None = None,
    dry_run: bool = False,
    decisions: dict[str, str] | None = None,
    value_mappings: dict[str, dict[str, list[str]]] | None = None,
    file_name: str = "",
    content: bytes = b"",
) -> ImportReport:
    """Import a file in one go: start, map (`mapping`, else the guess), value mappings, decisions, then
    commit — or, with `dry_run`, plan only and write nothing. `table_or_file` is a file name whose
    `content` is given, or a `Table` (written back to CSV to be kept with the import)."""
    if isinstance(table_or_file, Table):
        content, file_name = _table_csv(table_or_file), file_name or "tableau.csv"
    else:
        file_name = file_name or str(table_or_file)
    with transaction.atomic():
        place_import = place_import_start(file_name=file_name, content=content, source=source, user=user)
        if mapping is not None:
            place_import.mapping = mapping
        check_mapping(place_import.mapping)
        place_import.save(update_fields=["mapping"])
        if value_mappings:
            place_import_set_values(place_import=place_import, mappings=value_mappings, remember=not dry_run)
        else:
            place_import_prepare(place_import=place_import)
        if decisions:
            place_import_decide(place_import=place_import, decisions=decisions)
        if dry_run:
            rows = preview_report(place_import)
            counts = {action: sum(1 for r in rows if r["action"] == action) for action in ACTIONS}
            transaction.set_rollback(True)
            return ImportReport(None, rows, counts, committed=False)
        counts = place_import_commit(place_import=place_import, user=user)
    return ImportReport(place_import, place_import.report, counts, committed=True)


def _table_csv(table: Table) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(table.columns)
    for _line, row in table.rows:
        writer.writerow([row.get(c, "") for c in table.columns])
    return buffer.getvalue().encode("utf-8")
