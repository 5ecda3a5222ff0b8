"""What the columns of a file may fill, how headers are recognised, and how the values of list fields
(types, services, labels, accessibility) are read: their codes, their labels and the usual spellings of
third-party files; a value still unknown goes through the value-mapping step (remembered per source)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..models import Accessibility, Label, LegalForm, PlaceStatus, PlaceType, Service
from ..text import normalise
from .reading import ImportFileError

# The fields a column may fill, with their label (French, also accepted as a header; translated when shown).
IMPORT_FIELDS: dict[str, str] = {
    "source_id": gettext_noop("Identifiant dans la source"),
    "slug": gettext_noop("Identifiant d’URL"),
    "name": gettext_noop("Nom"),
    "types": gettext_noop("Types"),
    "short_description": gettext_noop("Description courte"),
    "description": gettext_noop("Description"),
    "address": gettext_noop("Adresse"),
    "address_complement": gettext_noop("Complément d’adresse"),
    "postcode": gettext_noop("Code postal"),
    "commune_name": gettext_noop("Commune"),
    "commune": gettext_noop("Code INSEE de la commune"),
    "lat": gettext_noop("Latitude"),
    "lon": gettext_noop("Longitude"),
    "latlon": gettext_noop("Coordonnées (latitude et longitude)"),
    "status": gettext_noop("Statut"),
    "legal_form": gettext_noop("Forme juridique"),
    "siret": gettext_noop("SIRET"),
    "rna": gettext_noop("Numéro RNA"),
    "pivot": gettext_noop("SIRET ou RNA (pivot)"),
    "opening_date": gettext_noop("Date d’ouverture"),
    "opening_hours": gettext_noop("Horaires (syntaxe OpenStreetMap)"),
    "labels": gettext_noop("Labels"),
    "services": gettext_noop("Services"),
    "accessibility": gettext_noop("Accessibilité"),
    "website": gettext_noop("Site web"),
    "social_links": gettext_noop("Réseaux sociaux"),
    "surface_m2": gettext_noop("Surface (m²)"),
}
LIST_FIELDS = {"types": PlaceType, "services": Service, "labels": Label, "accessibility": Accessibility}
CHOICE_FIELDS = {"status": PlaceStatus, "legal_form": LegalForm}
# Normalised header -> field (the field names and labels themselves are added below).
HEADER_ALIASES = {
    "id": "source_id",
    "identifiant": "source_id",
    "ref": "source_id",
    "reference": "source_id",
    "nom": "name",
    "name": "name",
    "nom du lieu": "name",
    "nom du tiers lieu": "name",
    "nom tiers lieu": "name",
    "nom tl": "name",
    "structure": "name",
    "nom de la structure": "name",
    "nom structure": "name",
    "raison sociale": "name",
    "denomination": "name",
    "enseigne": "name",
    "lieu": "name",
    "libelle": "name",
    "intitule": "name",
    "titre": "name",
    "type": "types",
    "type de lieu": "types",
    "typologie": "types",
    "typologies": "types",
    "categorie": "types",
    "categories": "types",
    "resume": "short_description",
    "accroche": "short_description",
    "presentation resume": "short_description",
    "presentation": "description",
    "presentation detail": "description",
    "adresse": "address",
    "adresse postale": "address",
    "adresse voie": "address",
    "rue": "address",
    "voie": "address",
    "complement adresse": "address_complement",
    "complement d adresse": "address_complement",
    "adresse complement adresse": "address_complement",
    "cp": "postcode",
    "code postal": "postcode",
    "adresse code postal": "postcode",
    "postal code": "postcode",
    "zip": "postcode",
    "commune": "commune_name",
    "nom commune": "commune_name",
    "nom de la commune": "commune_name",
    "libelle commune": "commune_name",
    "ville": "commune_name",
    "localite": "commune_name",
    "city": "commune_name",
    "nomcom": "commune_name",
    "adresse commune": "commune_name",
    "insee": "commune",
    "code insee": "commune",
    "code commune": "commune",
    "code insee commune": "commune",
    "code commune insee": "commune",
    "insee commune": "commune",
    "inseecom": "commune",
    "codgeo": "commune",
    "adresse code insee": "commune",
    "longitude": "lon",
    "lng": "lon",
    "long": "lon",
    "lon": "lon",
    "x": "lon",
    "localisation longitude": "lon",
    "latitude": "lat",
    "lat": "lat",
    "y": "lat",
    "localisation latitude": "lat",
    "coordonnees": "latlon",
    "coordonnees gps": "latlon",
    "gps": "latlon",
    "geolocalisation": "latlon",
    "position": "latlon",
    "lat lon": "latlon",
    "latlon": "latlon",
    "statut": "status",
    "etat": "status",
    "statut juridique": "legal_form",
    "numero siret": "siret",
    "n siret": "siret",
    "siret": "siret",
    "rna": "rna",
    "pivot": "pivot",
    "ouverture": "opening_date",
    "horaires": "opening_hours",
    "horaires d ouverture": "opening_hours",
    "label": "labels",
    "accessibilite": "accessibility",
    "services proposes": "services",
    "site": "website",
    "site web": "website",
    "site internet": "website",
    "web": "website",
    "url": "website",
    "contact site web": "website",
    "reseaux sociaux": "social_links",
    "surface": "surface_m2",
    "surface m2": "surface_m2",
}
HEADER_ALIASES |= {normalise(f): f for f in IMPORT_FIELDS if f not in {"commune"}} | {
    normalise(label): f for f, label in IMPORT_FIELDS.items()
}

# Usual spellings of list values in third-party files (normalised) -> codes.
VALUE_ALIASES: dict[str, dict[str, list[str]]] = {
    "types": {
        "fab lab": ["fablab"],
        "fablab": ["fablab"],
        "atelier de fabrication numerique": ["fablab"],
        "coworking": ["coworking"],
        "co working": ["coworking"],
        "espace de co working": ["coworking"],
        "bureaux partages": ["coworking"],
        "tiers lieu coworking": ["coworking"],
        "tiers lieu et coworking": ["coworking"],
        "maker space": ["makerspace"],
        "hackerspace": ["makerspace"],
        "hacker space": ["makerspace"],
        "hacklab": ["makerspace"],
        "atelier": ["atelier_partage"],
        "ateliers": ["atelier_partage"],
        "atelier partage": ["atelier_partage"],
        "ateliers partages": ["atelier_partage"],
        "atelier collaboratif": ["atelier_partage"],
        "repair": ["repair_cafe"],
        "repair cafe": ["repair_cafe"],
        "repaircafe": ["repair_cafe"],
        "cafe reparation": ["repair_cafe"],
        "livinglab": ["living_lab"],
        "friche": ["culturel"],
        "friche culturelle": ["culturel"],
        "tiers lieu culturel": ["culturel"],
        "culturel": ["culturel"],
        "culture": ["culturel"],
        "nourricier": ["nourricier"],
        "tiers lieu nourricier": ["nourricier"],
        "alimentation": ["nourricier"],
        "ferme": ["nourricier"],
        "campus connecte": ["campus_connecte"],
        "microfolie": ["micro_folie"],
        "micro folie": ["micro_folie"],
        "france services": ["france_services"],
        "espace france services": ["france_services"],
        "maison france services": ["france_services"],
        "msap": ["france_services"],
        "maison de services au public": ["france_services"],
        "epn": ["mediation_numerique"],
        "espace public numerique": ["mediation_numerique"],
        "mediation numerique": ["mediation_numerique"],
        "inclusion numerique": ["mediation_numerique"],
        "garage solidaire": ["garage_solidaire"],
        "autres": ["autre"],
        "divers": ["autre"],
    },
    "services": {
        "bureau": ["bureaux"],
        "bureaux": ["bureaux"],
        "postes de travail": ["bureaux"],
        "coworking": ["bureaux"],
        "salle de reunion": ["salles_reunion"],
        "salles de reunion": ["salles_reunion"],
        "machines": ["machines"],
        "outils": ["machines"],
        "impression 3d": ["machines"],
        "decoupe laser": ["machines"],
        "formation": ["formation"],
        "formations": ["formation"],
        "accompagnement numerique": ["aide_numerique"],
        "aide numerique": ["aide_numerique"],
        "mediation numerique": ["aide_numerique"],
        "wifi": ["internet"],
        "internet": ["internet"],
        "acces internet": ["internet"],
        "cafe": ["cafe"],
        "bar": ["cafe"],
        "restauration": ["cafe"],
        "cantine": ["cafe"],
        "garde d enfants": ["garde_enfants"],
        "creche": ["garde_enfants"],
        "evenements": ["evenements"],
        "evenementiel": ["evenements"],
        "ateliers d artistes": ["ateliers"],
        "stockage": ["stockage"],
        "vente": ["vente"],
        "boutique": ["vente"],
        "epicerie": ["vente"],
        "hebergement": ["hebergement"],
        "services publics": ["services_publics"],
    },
    "labels": {
        "fabrique": ["fabrique_territoire"],
        "fabrique de territoire": ["fabrique_territoire"],
        "fabriques de territoire": ["fabrique_territoire"],
        "fabrique numerique": ["fabrique_numerique"],
        "manufacture": ["manufacture_proximite"],
        "manufacture de proximite": ["manufacture_proximite"],
        "france services": ["france_services"],
    },
    "accessibility": {
        "pmr": ["plain_pied"],
        "acces pmr": ["plain_pied"],
        "accessible pmr": ["plain_pied"],
        "plain pied": ["plain_pied"],
        "rampe": ["plain_pied"],
        "ascenseur": ["ascenseur"],
        "sanitaires adaptes": ["sanitaires"],
        "toilettes adaptees": ["sanitaires"],
        "parking pmr": ["stationnement"],
        "stationnement": ["stationnement"],
        "boucle magnetique": ["boucle_magnetique"],
        "transports en commun": ["transports"],
    },
}
CHOICE_ALIASES = {
    "status": {
        "ouvert": "open",
        "actif": "open",
        "en activite": "open",
        "en fonctionnement": "open",
        "projet": "project",
        "en projet": "project",
        "en construction": "project",
        "ferme": "closed",
        "fermee": "closed",
        "ferme definitivement": "closed",
        "ferme temporairement": "temporarily_closed",
    },
    "legal_form": {
        "asso": "association",
        "association loi 1901": "association",
        "sarl": "company",
        "sas": "company",
        "sasu": "company",
        "eurl": "company",
        "entreprise": "company",
        "commune": "local_authority",
        "collectivite": "local_authority",
        "epci": "local_authority",
    },
}
_ITEM_SEPARATORS = re.compile(r"[;|\n]")
_PART_SEPARATORS = re.compile(r"\s*(?:/|\+|&|,|\bet\b)\s*")


def field_label(field: str) -> str:
    return _(IMPORT_FIELDS.get(field, field))


def guess_mapping(columns: list[str], preset: dict[str, str] | None = None) -> dict[str, str]:
    """{column: field} guessed from the headers (or a format's preset); each field is used once, but
    several columns may fill a list field (their values are united)."""
    mapping: dict[str, str] = {}
    for column in columns:
        key = normalise(column)
        target = (preset or {}).get(key) or HEADER_ALIASES.get(key)
        if target and (target in LIST_FIELDS or target not in mapping.values()):
            mapping[column] = target
    return mapping


def parse_mapping_args(
    items: list[str], columns: list[str], preset: dict[str, str] | None = None
) -> dict[str, str]:
    """`col=field` strings (command line) on top of the guessed mapping; `col=` ignores a column."""
    mapping = guess_mapping(columns, preset)
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
        if target not in LIST_FIELDS:
            mapping = {c: f for c, f in mapping.items() if f != target or not target}
        if target:
            mapping[column] = target
        else:
            mapping.pop(column, None)
    return mapping


def check_mapping(mapping: dict[str, str]) -> None:
    """Raise ImportFileError (French) when the mapping cannot import anything."""
    unknown = set(mapping.values()) - set(IMPORT_FIELDS)
    if unknown:
        raise ImportFileError(_("Champs inconnus : %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "name" not in mapping.values():
        raise ImportFileError(_("Aucune colonne n’est associée au nom du lieu : choisissez-la ci-dessous."))


def known_codes(field: str, value: str, extra: dict[str, list[str]] | None = None) -> list[str] | None:
    """The codes `value` stands for in list field `field` (its code, its label, a usual spelling, or a
    mapping chosen for the source), or None when unknown. An empty list means "known, nothing to keep"."""
    key = normalise(value)
    if not key:
        return []
    if extra and key in extra:
        return list(extra[key])
    for code, label in LIST_FIELDS[field].choices:
        if key in (normalise(code), normalise(str(label))):
            return [code]
    if key in VALUE_ALIASES.get(field, {}):
        return list(VALUE_ALIASES[field][key])
    return None


def guess_codes(field: str, value: str) -> list[str]:
    """A proposal for an unknown value, from its parts ("FabLab / atelier" → fablab, atelier_partage)."""
    codes: list[str] = []
    for part in _PART_SEPARATORS.split(value):
        found = known_codes(field, part) if part.strip() else []
        for code in found or []:
            if code not in codes:
                codes.append(code)
    return codes


def split_values(
    field: str, cell: str, extra: dict[str, list[str]] | None = None
) -> tuple[list[str], list[str]]:
    """(codes, unknown values) of one cell of a list field. The whole cell is tried first ("Café, bar ou
    restauration" is one label), then its items separated by ; | or a new line, then by commas."""
    cell = (cell or "").strip()
    if not cell:
        return [], []
    whole = known_codes(field, cell, extra)
    if whole is not None:
        return whole, []
    codes: list[str] = []
    unknown: list[str] = []
    for item in (i.strip() for i in _ITEM_SEPARATORS.split(cell)):
        if not item:
            continue
        found = known_codes(field, item, extra)
        if found is None and "," in item:
            parts = [known_codes(field, p, extra) for p in item.split(",") if p.strip()]
            if parts and all(p is not None for p in parts):
                found = [code for p in parts for code in p]
        if found is None:
            unknown.append(item)
            continue
        codes += [code for code in found if code not in codes]
    return codes, unknown


def choice_code(field: str, value: str) -> str | None:
    """A choice code (status, legal form) from its code, label or a usual spelling; None when unknown."""
    wanted = normalise(value)
    if not wanted:
        return ""
    for code, label in CHOICE_FIELDS[field].choices:
        if code and wanted in (normalise(code), normalise(str(label))):
            return code
    return CHOICE_ALIASES.get(field, {}).get(wanted)


def value_key(value: str) -> str:
    """How an unknown list value is remembered (normalised, at most 200 characters)."""
    return normalise(value)[:200]
