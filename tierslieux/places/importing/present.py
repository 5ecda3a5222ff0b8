"""How the rows of an import plan read in the staff pages: field labels, values as people read them (type
labels, not codes), distances, similarity, the choices of a row. Translated when shown."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from tierslieux.geo.coordinates import format_decimal

from ..exports import osm_hours
from ..matching import REPLACE
from ..models import Accessibility, Label, LegalForm, LocationOrigin, Place, PlaceStatus, PlaceType, Service
from .planning import candidate_of, merge_data

CHOICES = {
    "types": PlaceType,
    "services": Service,
    "labels": Label,
    "accessibility": Accessibility,
    "status": PlaceStatus,
    "legal_form": LegalForm,
    "location_origin": LocationOrigin,
}


def kind_label(kind: str) -> str:
    return {
        "same": _("identique"),
        "keep": _("conservé"),
        "fill": _("complété"),
        "union": _("réuni"),
        "improve": _("amélioré"),
        "replace": _("remplacé"),
    }[kind]


def field_name(field: str) -> str:
    if field == "point":
        return _("Position")
    try:
        label = str(Place._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:  # a field the model does not have
        return field
    return label[:1].upper() + label[1:]


def value_text(field: str, value) -> str:
    if value in (None, "", [], {}):
        return "—"
    if field == "point":
        lon, lat, origin = value
        return _("%(lat)s ; %(lon)s (%(origin)s)") % {
            "lat": format_decimal(lat, 5),
            "lon": format_decimal(lon, 5),
            "origin": str(LocationOrigin(origin).label) if origin in LocationOrigin.values else origin,
        }
    if field == "opening_hours":
        return osm_hours(value)
    if field in CHOICES:
        choices = dict(CHOICES[field].choices)
        if isinstance(value, list):
            return ", ".join(str(choices.get(v, v)) for v in value)
        return str(choices.get(value, value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def distance_text(distance) -> str:
    if distance is None:
        return ""
    if distance < 1000:
        return _("%(n)s m") % {"n": int(distance)}
    return _("%(n)s km") % {"n": format_decimal(distance / 1000, 1)}


def reason_label(reason: str) -> str:
    return {
        "record": _("déjà importé depuis cette source"),
        "slug": _("même identifiant d’URL"),
        "name": _("nom semblable"),
        "commune": _("même commune"),
        "near": _("à quelques centaines de mètres"),
        "website": _("même site web"),
        "siret": _("même SIRET"),
    }.get(reason, reason)


def present_changes(row: dict, candidate: dict) -> list[dict]:
    shown = []
    for change in candidate["changes"]:
        if change["kind"] == "same":
            continue
        field = change["field"]
        if field == "commune":
            current, incoming = candidate["commune_name"], row.get("commune_name", "")
            result = incoming if change["kind"] == REPLACE else current
        else:
            current, incoming, result = (
                value_text(field, change["current"]),
                value_text(field, change["incoming"]),
                value_text(field, change["result"]),
            )
        shown.append(
            {
                "field": field_name(field),
                "kind": change["kind"],
                "kind_label": kind_label(change["kind"]),
                "current": current,
                "incoming": incoming,
                "result": result,
            }
        )
    return shown


def present_candidate(row: dict, candidate: dict) -> dict:
    similarity = candidate.get("similarity")
    return {
        "id": candidate["id"],
        "name": candidate["name"],
        "url": f"/lieux/{candidate['slug']}/",
        "commune_name": candidate["commune_name"],
        "distance": distance_text(candidate.get("distance_m")),
        "similarity": f"{round(similarity * 100)} %" if similarity is not None else "",
        "reasons": ", ".join(reason_label(r) for r in candidate.get("reasons", [])),
        "automatic": candidate["automatic"],
        "changes": present_changes(row, candidate),
        "replaces": sum(1 for c in candidate["changes"] if c["kind"] == REPLACE),
        "safe_changes": bool(merge_data(candidate, replace=False)),
    }


def decision_choices(row: dict) -> list[tuple[str, str]]:
    """The options of a row's select: create, merge into each candidate (or only complete it), skip."""
    choices = [("create", _("Créer un nouveau lieu"))]
    for candidate in row.get("candidates", []):
        details = [candidate["commune_name"]]
        if candidate.get("distance_m") is not None:
            details.append(distance_text(candidate["distance_m"]))
        if candidate.get("similarity") is not None:
            details.append(_("nom semblable à %(n)s %%") % {"n": round(candidate["similarity"] * 100)})
        label = _("Fusionner avec « %(name)s » (%(details)s)") % {
            "name": candidate["name"],
            "details": ", ".join(details),
        }
        choices.append((f"merge:{candidate['id']}", label))
        if any(c["kind"] == REPLACE for c in candidate["changes"]):
            choices.append(
                (
                    f"fill:{candidate['id']}",
                    _("Compléter « %(name)s » sans rien remplacer") % {"name": candidate["name"]},
                )
            )
    choices.append(("skip", _("Ne pas importer cette ligne")))
    return choices


def present_row(
    row: dict, decision: str, action: str, review: bool, columns: list[str] | None = None
) -> dict:
    target = candidate_of(row, decision)
    return {
        "line": row["line"],
        "name": row.get("name") or "",
        "commune_name": row.get("commune_name", ""),
        "errors": row.get("errors", []),
        "warnings": row.get("warnings", []),
        "raw_text": raw_text(row.get("raw", {}), columns),
        "action": action,
        "decision": decision,
        "review": review,
        "rejected": row.get("status") == "rejected",
        "choices": decision_choices(row) if row.get("status") != "rejected" else [],
        "target": present_candidate(row, target) if target else None,
        "others": [
            present_candidate(row, c)
            for c in row.get("candidates", [])
            if not target or c["id"] != target["id"]
        ],
    }


def raw_text(raw: dict, columns: list[str] | None = None) -> str:
    """The original values of a row, "column : value" separated by " ; ", in the file's column order."""
    order = [c for c in (columns or []) if c in raw] + [c for c in raw if c not in (columns or [])]
    return " ; ".join(f"{column} : {raw[column]}" for column in order if raw[column])
