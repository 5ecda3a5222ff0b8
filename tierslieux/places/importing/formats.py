"""Import formats with a known layout: their column mapping and the meaning of their values.

The national "lieux de médiation numérique" schema (`docs/data.md`, schéma de données des lieux de médiation
numérique, v2.3, and the older field set its first publications used, e.g. Hinaura) is published as CSV
(flat fields, lists separated by ";") and as JSON (a list of the same flat objects, or of the typed model
with nested `adresse`, `localisation`, `contact`, `presentation`). Both read into the same table; this
module maps it onto the atlas: every place is a "lieu de médiation numérique", its typologies and services
become types and services, the national programmes and labels become labels, the pivot a SIRET or an RNA
number. Telephone numbers and email addresses are kept only in the private raw record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from ..text import normalise

MEDIATION = "mediation_numerique"


@dataclass(frozen=True)
class ImportFormat:
    code: str
    label: str
    mapping: dict[str, str]  # normalised header -> field
    values: dict[str, dict[str, list[str]]]  # field -> {normalised value: codes}
    constant: dict[str, list[str]] = field(default_factory=dict)  # list values every row gets
    signature: frozenset[str] = frozenset()  # normalised headers that identify the format


_SERVICES = {
    # Schema v2.3
    "acces internet et materiel informatique": ["internet"],
    "acquisition de materiel informatique a prix solidaire": ["vente"],
    "aide aux demarches administratives": ["services_publics", "aide_numerique"],
    "maitrise des outils numeriques du quotidien": ["aide_numerique"],
    "insertion professionnelle via le numerique": ["aide_numerique", "formation"],
    "utilisation securisee du numerique": ["aide_numerique"],
    "parentalite et education avec le numerique": ["aide_numerique"],
    "loisirs et creations numeriques": ["aide_numerique"],
    "comprehension du monde numerique": ["aide_numerique"],
    # Older publications (Hinaura, 2021)
    "acceder a une connexion internet": ["internet"],
    "acceder a du materiel": ["internet"],
    "utiliser le numerique au quotidien": ["aide_numerique"],
    "approfondir ma culture numerique": ["aide_numerique"],
    "prendre en main un ordinateur": ["aide_numerique"],
    "prendre en main un smartphone ou une tablette": ["aide_numerique"],
    "realiser des demarches administratives avec un accompagnement": ["services_publics", "aide_numerique"],
    "devenir autonome dans les demarches administratives": ["services_publics", "aide_numerique"],
    "accompagner les demarches de sante": ["services_publics", "aide_numerique"],
    "promouvoir la citoyennete numerique": ["aide_numerique"],
    "creer avec le numerique": ["aide_numerique"],
    "creer et developper mon entreprise": ["aide_numerique"],
    "trouver un emploi ou une formation": ["aide_numerique", "formation"],
    "accompagner mon enfant": ["aide_numerique"],
}
# Typology codes of the schema: those with a counterpart, the others are digital-inclusion places only.
_TYPOLOGIES = {
    "tiers lieux": ["coworking"],
    "tiers lieu coworking": ["coworking"],
    "fablab": ["fablab"],
    "rfs": ["france_services"],
    "msap": ["france_services"],
    "reseau france services": ["france_services"],
} | {
    normalise(code): []
    for code in (
        "ACI ACL ADI AFPA AI ASE ASSO BIB CAF CADA CAARUD CAS CCAS CCONS CD CHRS CHU CIAS CIDFF CITMET CPH "
        "CS CSAPA DEPT EA EATT EI EITI EPCI EPI EPN ESS ETTI EVS FABRIQUE FAIS FJT FT GEIQ HUDA LA_POSTE MDE "
        "MDEF MDPH MDS MJC ML MQ MUNI OACAS OF PAD PE PIJ_BIJ PIMMS PJJ PLIE PREF PREVENTION REG RESSOURCERIE "
        "SCP SPIP TIERS_LIEUX UDAF Autre"
    ).split()
    if normalise(code) not in {"tiers lieux", "fablab"}
}
_LABELS = {
    "france services": ["france_services"],
    "fabriques de territoire": ["fabrique_territoire"],
    "fabrique de territoire": ["fabrique_territoire"],
} | {
    normalise(label): []
    for label in (
        "Aidants Connect",
        "Bibliothèques numérique de référence",
        "Certification PIX",
        "Conseillers numériques",
        "Emmaüs Connect",
        "Grande école du numérique",
        "La Croix Rouge",
        "Point d'accès numérique CAF",
        "Promeneurs du net",
        "Relais numérique (Emmaüs Connect)",
        "Formé à « Mon Espace Santé »",
        "Formé à « DUPLEX » (illettrisme)",
        "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
        "Collectif ressources et acteurs réemploi (Normandie)",
        "Étapes numériques (La Poste)",
        "Les Éclaireurs du numérique (Drôme)",
        "Mes Papiers (Métropole de Lyon)",
        "ORDI 3.0",
        "SUD LABS (PACA)",
    )
}

MEDIATION_NUMERIQUE = ImportFormat(
    code=MEDIATION,
    label=gettext_noop("Lieux de médiation numérique (schéma national)"),
    mapping={
        "id": "source_id",
        "nom": "name",
        "pivot": "pivot",
        "adresse": "address",
        "adresse voie": "address",
        "complement adresse": "address_complement",
        "adresse complement adresse": "address_complement",
        "code postal": "postcode",
        "adresse code postal": "postcode",
        "code insee": "commune",
        "adresse code insee": "commune",
        "commune": "commune_name",
        "adresse commune": "commune_name",
        "latitude": "lat",
        "localisation latitude": "lat",
        "longitude": "lon",
        "localisation longitude": "lon",
        "services": "services",
        "typologie": "types",
        "typologies": "types",
        "site web": "website",
        "contact site web": "website",
        "presentation resume": "short_description",
        "presentation detail": "description",
        "horaires": "opening_hours",
        "dispositif programmes nationaux": "labels",
        "formations labels": "labels",
    },
    values={"services": _SERVICES, "types": _TYPOLOGIES, "labels": _LABELS},
    constant={"types": [MEDIATION]},
    signature=frozenset({"nom", "pivot", "code postal", "date maj"}),
)
FORMATS = {MEDIATION: MEDIATION_NUMERIQUE}


def detect_format(columns: list[str]) -> ImportFormat | None:
    """The known format whose signature headers the file has (flat or nested spellings)."""
    headers = {normalise(c) for c in columns}
    flattened = {h.replace("adresse ", "") for h in headers}
    for candidate in FORMATS.values():
        if candidate.signature <= headers | flattened:
            return candidate
    return None
