"""Exports of the atlas (CSV, XLSX, GeoJSON) and their Table Schema (frictionless).

One list of fields drives the three formats and the schema. Personal data (`private_contact`, source
records) is never exported.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings

from tierslieux.core.spreadsheets import xlsx_cells

from .models import Accessibility, Label, LegalForm, Place, PlaceStatus, PlaceType, Service

SCHEMA_VERSION = "0.1.0"
LIST_SEPARATOR = "|"


@dataclass(frozen=True)
class ExportField:
    name: str
    type: str
    title: str
    description: str
    example: str = ""
    required: bool = False
    enum: tuple[str, ...] = ()
    is_list: bool = False
    pattern: str = ""
    format: str = ""


FIELDS: tuple[ExportField, ...] = (
    ExportField("id", "integer", "Identifiant", "Identifiant du lieu sur la plateforme.", "42", True),
    ExportField("nom", "string", "Nom", "Nom d’usage du tiers-lieu.", "La Fabrique du Port", True),
    ExportField(
        "url",
        "string",
        "Page du lieu",
        "Adresse de la fiche du lieu sur la plateforme.",
        "https://tiers-lieux.example/lieux/la-fabrique-du-port/",
        True,
        format="uri",
    ),
    ExportField(
        "types",
        "string",
        "Types",
        "Types du lieu (codes séparés par « | »).",
        "fablab|coworking",
        True,
        tuple(PlaceType.values),
        True,
    ),
    ExportField("description_courte", "string", "Description courte", "Présentation en une phrase.", ""),
    ExportField("adresse", "string", "Adresse", "Numéro et voie.", "12 rue du Port"),
    ExportField(
        "code_postal",
        "string",
        "Code postal",
        "Code postal (5 caractères).",
        "29900",
        pattern=r"^(\d{5}|\d[AB]\d{3})?$",
    ),
    ExportField(
        "code_insee_commune",
        "string",
        "Code INSEE de la commune",
        "Code officiel géographique.",
        "29039",
        True,
        pattern=r"^\d[0-9AB]\d{3}$",
    ),
    ExportField("commune", "string", "Commune", "Nom de la commune.", "Concarneau", True),
    ExportField("code_departement", "string", "Département", "Code du département.", "29", True),
    ExportField("code_region", "string", "Région", "Code INSEE de la région.", "53", True),
    ExportField("siren_epci", "string", "EPCI", "SIREN de l’EPCI à fiscalité propre.", "242900645"),
    ExportField("longitude", "number", "Longitude", "WGS 84 (EPSG:4326), degrés décimaux.", "-3.92", True),
    ExportField("latitude", "number", "Latitude", "WGS 84 (EPSG:4326), degrés décimaux.", "47.87", True),
    ExportField(
        "localisation_approximative",
        "boolean",
        "Localisation approximative",
        "Vrai quand les coordonnées sont celles de la commune et non du lieu.",
        "false",
        True,
    ),
    ExportField("statut", "string", "Statut", "Statut d’activité.", "open", True, tuple(PlaceStatus.values)),
    ExportField(
        "services",
        "string",
        "Services",
        "Services proposés (codes séparés par « | »).",
        "bureaux|machines",
        enum=tuple(Service.values),
        is_list=True,
    ),
    ExportField(
        "labels",
        "string",
        "Labels",
        "Labels et programmes (codes séparés par « | »).",
        "fabrique_territoire",
        enum=tuple(Label.values),
        is_list=True,
    ),
    ExportField(
        "accessibilite",
        "string",
        "Accessibilité",
        "Critères d’accessibilité (codes séparés par « | »).",
        "plain_pied",
        enum=tuple(Accessibility.values),
        is_list=True,
    ),
    ExportField(
        "horaires",
        "string",
        "Horaires",
        "Horaires d’ouverture (syntaxe opening_hours d’OpenStreetMap).",
        "Mo-Fr 09:00-17:00",
    ),
    ExportField("site_web", "string", "Site web", "Site web du lieu.", "https://example.org", format="uri"),
    ExportField("reseaux_sociaux", "string", "Réseaux sociaux", "Adresses séparées par « | ».", ""),
    ExportField(
        "forme_juridique",
        "string",
        "Forme juridique",
        "Forme juridique de la structure porteuse.",
        "association",
        enum=tuple(v for v in LegalForm.values if v),
    ),
    ExportField(
        "siret",
        "string",
        "SIRET",
        "SIRET de la structure porteuse (14 chiffres).",
        "",
        pattern=r"^(\d{14})?$",
    ),
    ExportField(
        "rna",
        "string",
        "RNA",
        "Numéro au répertoire national des associations.",
        "",
        pattern=r"^(W[0-9][0-9AB][0-9]{7})?$",
    ),
    ExportField("date_ouverture", "date", "Date d’ouverture", "Date d’ouverture au public.", "2021-09-01"),
    ExportField("surface_m2", "integer", "Surface", "Surface en m².", "350"),
    ExportField("source", "string", "Source", "Source principale de la fiche.", "cget2019"),
    ExportField("date_verification", "date", "Dernière vérification", "Date de dernière vérification.", ""),
    ExportField(
        "completude", "integer", "Complétude", "Part des informations renseignées (0–100).", "60", True
    ),
    ExportField(
        "date_maj",
        "datetime",
        "Écriture dans la plateforme",
        "Date de dernière écriture de la fiche dans la plateforme, chargement des sources compris : ni la date des "
        "données (celle de la source) ni une vérification (date_verification).",
        "",
        True,
    ),
)
HEADERS = [f.name for f in FIELDS]


def osm_hours(hours: dict) -> str:
    names = {"mo": "Mo", "tu": "Tu", "we": "We", "th": "Th", "fr": "Fr", "sa": "Sa", "su": "Su"}
    return "; ".join(
        f"{names[day]} " + ",".join(f"{s}-{e}" for s, e in spans)
        for day, spans in hours.items()
        if spans and day in names
    )


# Columns read for an export row (`.values(*VALUE_FIELDS)`): no model instances, no private data.
VALUE_FIELDS = (
    "id",
    "name",
    "slug",
    "types",
    "short_description",
    "address",
    "postcode",
    "commune_id",
    "commune__name",
    "commune__department_id",
    "commune__region_id",
    "commune__epci_id",
    "lon",
    "lat",
    "location_approximate",
    "status",
    "services",
    "labels",
    "accessibility",
    "opening_hours",
    "website",
    "social_links",
    "legal_form",
    "siret",
    "rna",
    "opening_date",
    "surface_m2",
    "source",
    "last_verified_at",
    "completeness",
    "updated_at",
)


def row_from_values(v: dict) -> dict:
    """One export row (keys: HEADERS) from the VALUE_FIELDS of a place."""
    return {
        "id": v["id"],
        "nom": v["name"],
        "url": f"{settings.SITE_URL}/lieux/{v['slug']}/",
        "types": v["types"],
        "description_courte": v["short_description"],
        "adresse": v["address"],
        "code_postal": v["postcode"],
        "code_insee_commune": v["commune_id"],
        "commune": v["commune__name"],
        "code_departement": v["commune__department_id"],
        "code_region": v["commune__region_id"],
        "siren_epci": v["commune__epci_id"] or "",
        "longitude": round(v["lon"], 6),
        "latitude": round(v["lat"], 6),
        "localisation_approximative": v["location_approximate"],
        "statut": v["status"],
        "services": v["services"],
        "labels": v["labels"],
        "accessibilite": v["accessibility"],
        "horaires": osm_hours(v["opening_hours"] or {}),
        "site_web": v["website"],
        "reseaux_sociaux": v["social_links"],
        "forme_juridique": v["legal_form"],
        "siret": v["siret"],
        "rna": v["rna"],
        "date_ouverture": v["opening_date"].isoformat() if v["opening_date"] else "",
        "surface_m2": v["surface_m2"] if v["surface_m2"] is not None else "",
        "source": v["source"],
        "date_verification": v["last_verified_at"].isoformat() if v["last_verified_at"] else "",
        "completude": v["completeness"],
        "date_maj": v["updated_at"].isoformat(timespec="seconds"),
    }


def row_for(place: Place) -> dict:
    values = {field: getattr(place, field) for field in VALUE_FIELDS if "__" not in field}
    commune = place.commune
    values |= {
        "commune__name": commune.name,
        "commune__department_id": commune.department_id,
        "commune__region_id": commune.region_id,
        "commune__epci_id": commune.epci_id,
    }
    return row_from_values(values)


def rows(queryset) -> Iterator[dict]:
    """Export rows of a Place queryset, streamed."""
    for values in queryset.values(*VALUE_FIELDS).iterator(chunk_size=2000):
        yield row_from_values(values)


def rows_for_ids(ids: list[int]) -> list[dict]:
    """Export rows of these places, in the order of `ids`."""
    by_id = {v["id"]: v for v in Place.objects.filter(pk__in=ids).values(*VALUE_FIELDS)}
    return [row_from_values(by_id[pk]) for pk in ids if pk in by_id]


def _flat(row: dict) -> list:
    return [
        LIST_SEPARATOR.join(v)
        if isinstance(v, list)
        else ("true" if v is True else "false" if v is False else v)
        for v in row.values()
    ]


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(_flat(row))
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(rows: Iterable[dict]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("tiers-lieux")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(xlsx_cells(sheet, _flat(row)))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def feature_from_row(row: dict) -> dict:
    properties = dict(row)
    return {
        "type": "Feature",
        "id": properties["id"],
        "geometry": {
            "type": "Point",
            "coordinates": [properties.pop("longitude"), properties.pop("latitude")],
        },
        "properties": properties,
    }


def feature(place: Place) -> dict:
    return feature_from_row(row_for(place))


def geojson_chunks(rows: Iterable[dict]) -> Iterator[str]:
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for row in rows:
        yield ("" if first else ",\n") + json.dumps(feature_from_row(row), ensure_ascii=False)
        first = False
    yield "]}"


def table_schema() -> dict:
    """Table Schema (https://specs.frictionlessdata.io/table-schema/) of the CSV export."""
    fields = []
    for f in FIELDS:
        field = {"name": f.name, "title": f.title, "description": f.description, "type": f.type}
        if f.example:
            field["example"] = f.example
        if f.format:
            field["format"] = f.format
        constraints = {}
        if f.required:
            constraints["required"] = True
        if f.enum and not f.is_list:
            constraints["enum"] = list(f.enum)
        if f.pattern:
            constraints["pattern"] = f.pattern
        if f.is_list and f.enum:
            constraints["pattern"] = "^((" + "|".join(f.enum) + r")(\|(" + "|".join(f.enum) + "))*)?$"
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "name": "schema-tiers-lieux",
        "title": "Lieux de la plateforme Tiers-Lieux",
        "description": (
            "Schéma des tiers-lieux (coworkings, fablabs, ateliers partagés, tiers-lieux culturels et "
            "nourriciers, lieux de médiation numérique…). Il n’existe pas encore de standard national de données "
            "pour les tiers-lieux : ce schéma est proposé comme base. Les listes sont des codes séparés par « | ». "
            "Aucune donnée personnelle n’y figure."
        ),
        "version": SCHEMA_VERSION,
        "licenses": [
            {
                "name": "etalab-2.0",
                "title": "Licence Ouverte / Open Licence version 2.0",
                "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            }
        ],
        "homepage": settings.SITE_URL + "/lieux/",
        "path": settings.SITE_URL + "/lieux/export.csv",
        "missingValues": [""],
        "primaryKey": "id",
        "fields": fields,
        "codes": {
            "types": {c.value: str(c.label) for c in PlaceType},
            "services": {c.value: str(c.label) for c in Service},
            "labels": {c.value: str(c.label) for c in Label},
            "accessibilite": {c.value: str(c.label) for c in Accessibility},
            "statut": {c.value: str(c.label) for c in PlaceStatus},
            "forme_juridique": {c.value: str(c.label) for c in LegalForm if c.value},
        },
    }


# --- National schema of the "lieux de médiation numérique" ------------------------------------------------
# Flat form of the schema (v2.3, docs/data.md): the same fields in its CSV (lists separated by ";") and JSON.
MEDIATION_HEADERS = (
    "id",
    "pivot",
    "nom",
    "commune",
    "code_postal",
    "code_insee",
    "adresse",
    "complement_adresse",
    "latitude",
    "longitude",
    "typologie",
    "telephone",
    "courriels",
    "site_web",
    "horaires",
    "presentation_resume",
    "presentation_detail",
    "source",
    "structure_parente",
    "date_maj",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "itinerance",
    "modalites_acces",
    "modalites_accompagnement",
    "fiche_acces_libre",
    "prise_rdv",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
)
MEDIATION_REQUIRED = ("id", "pivot", "nom", "commune", "code_postal", "adresse", "date_maj")
UNKNOWN_PIVOT = "00000000000000"
# Atlas codes -> the schema's typology codes and service labels (what has no counterpart is left out).
MEDIATION_TYPOLOGIES = {
    "fablab": "FABLAB",
    "makerspace": "FABLAB",
    "france_services": "RFS",
} | {
    code: "TIERS_LIEUX"
    for code in (
        "coworking",
        "atelier_partage",
        "repair_cafe",
        "living_lab",
        "culturel",
        "nourricier",
        "campus_connecte",
        "micro_folie",
        "garage_solidaire",
        "autre",
    )
}
MEDIATION_SERVICES = {
    "internet": "Accès internet et matériel informatique",
    "aide_numerique": "Maîtrise des outils numériques du quotidien",
    "services_publics": "Aide aux démarches administratives",
    "machines": "Loisirs et créations numériques",
    "formation": "Insertion professionnelle via le numérique",
}
MEDIATION_VALUE_FIELDS = (*VALUE_FIELDS, "description", "commune__postcodes")


def _joined(values) -> str:
    return ";".join(dict.fromkeys(v for v in values if v))


def mediation_row(v: dict) -> dict:
    """One place in the flat form of the "lieux de médiation numérique" schema. No personal data: the
    telephone and email fields stay empty (the platform publishes none)."""
    postcodes = (v.get("commune__postcodes") or "").split()
    labels = v["labels"] or []
    return {
        "id": str(v["id"]),
        "pivot": v["siret"] or v["rna"] or UNKNOWN_PIVOT,
        "nom": v["name"],
        "commune": v["commune__name"],
        "code_postal": v["postcode"] or (postcodes[0] if postcodes else ""),
        "code_insee": v["commune_id"],
        "adresse": v["address"],
        "complement_adresse": "",
        "latitude": round(v["lat"], 6),
        "longitude": round(v["lon"], 6),
        "typologie": _joined(MEDIATION_TYPOLOGIES.get(t, "") for t in v["types"] or []),
        "telephone": "",
        "courriels": "",
        "site_web": v["website"],
        "horaires": osm_hours(v["opening_hours"] or {}),
        "presentation_resume": v["short_description"],
        "presentation_detail": v.get("description", ""),
        "source": "Tiers-Lieux" + (f" ({v['source']})" if v["source"] else ""),
        "structure_parente": "",
        "date_maj": v["updated_at"].date().isoformat(),
        "services": _joined(MEDIATION_SERVICES.get(s, "") for s in v["services"] or []),
        "publics_specifiquement_adresses": "",
        "prise_en_charge_specifique": "",
        "frais_a_charge": "",
        "itinerance": "",
        "modalites_acces": "",
        "modalites_accompagnement": "",
        "fiche_acces_libre": "",
        "prise_rdv": "",
        "dispositif_programmes_nationaux": "France Services" if "france_services" in labels else "",
        "formations_labels": "Fabriques de Territoire"
        if {"fabrique_territoire", "fabrique_numerique"} & set(labels)
        else "",
        "autres_formations_labels": "",
    }


def mediation_rows(queryset) -> Iterator[dict]:
    for values in queryset.values(*MEDIATION_VALUE_FIELDS).iterator(chunk_size=2000):
        yield mediation_row(values)


def mediation_csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    """CSV of the schema (UTF-8, comma, header line)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(MEDIATION_HEADERS)
    for row in rows:
        writer.writerow([row[h] for h in MEDIATION_HEADERS])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def mediation_json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """JSON of the schema: a list of flat objects; empty optional fields are left out."""
    yield "["
    first = True
    for row in rows:
        item = {k: v for k, v in row.items() if k in MEDIATION_REQUIRED or v not in ("", None)}
        yield ("" if first else ",\n") + json.dumps(item, ensure_ascii=False)
        first = False
    yield "]"
