"""Readers of the real source files of `tierslieux/places/data/` (docs/data.md): each yields `SourceRow`s,
or a rejection with its reason. Plain Python: no Django import."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .hours import parse_osm

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class SourceRow:
    source: str
    source_id: str
    name: str
    lon: float | None
    lat: float | None
    insee: str = ""
    postcode: str = ""
    commune_name: str = ""
    address: str = ""
    types: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    status: str = "open"
    legal_form: str = ""
    website: str = ""
    social_links: list[str] = field(default_factory=list)
    description: str = ""
    opening_hours: dict = field(default_factory=dict)
    private_contact: dict = field(default_factory=dict)
    approximate: bool = False  # the point is the commune's, not the place's
    raw: dict = field(default_factory=dict)
    line: int = 0  # line (or item number) in the source file


@dataclass
class Rejected:
    source: str
    line: int
    source_id: str
    reason: str


SOURCES = {
    "cget2019": "CGET_TiersLieux_2019.csv.gz",
    "ping2022": "tiers_lieux_pays_de_la_loire_ping.csv.gz",
    "hinaura": "mediation_numerique_hinaura_sample.json.gz",
    "fabriques": "fabriques_de_territoire_liste.csv.gz",
    "manufactures": "manufactures_de_proximite_liste.csv.gz",
}
SOURCE_LABELS = {
    "cget2019": "CGET — Mission Coworking, recensement 2019",
    "ping2022": "PiNG — tiers-lieux des Pays de la Loire, 2022",
    "hinaura": "Hinaura — lieux de médiation numérique (Auvergne-Rhône-Alpes)",
    "fabriques": "ANCT — Fabriques de territoire",
    "manufactures": "ANCT — Manufactures de proximité",
}
# Rows of precise sources come first: commune-point sources are matched against them.
ORDER = ("cget2019", "ping2022", "hinaura", "fabriques", "manufactures")


def _text(path: Path) -> str:
    data = gzip.open(path).read()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def _csv(path: Path) -> list[dict]:
    text = _text(path)
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _float(value) -> float | None:
    try:
        number = float(str(value).replace(",", ".").strip())
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN


_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def _clean(value) -> str:
    """Unescaped, single-spaced text with e-mail addresses removed (personal data is never published)."""
    return " ".join(_EMAIL_RE.sub("", html.unescape(str(value or ""))).split())


def _postcode(value) -> str:
    value = re.sub(r"\D", "", str(value or ""))
    if len(value) == 4:
        value = "0" + value
    return value if len(value) == 5 and value != "00000" else ""


def _insee(value) -> str:
    value = str(value or "").strip().upper()
    if value in {"", "0", "00000"}:
        return ""
    return value.zfill(5) if re.fullmatch(r"\d{1,5}|\d[AB]\d{3}", value) else ""


_URL_RE = re.compile(r"^https?://[a-z0-9.-]+\.[a-z]{2,}(:\d+)?(/\S*)?$", re.I)


def _url(value, base: str = "") -> str:
    """A web address, or "" when the value is not one (the raw value stays in the source record).
    `base` turns a bare account name ("LeFive-2028") into an address on that site."""
    value = _clean(value)
    if not value or " " in value:
        return ""
    if base and re.fullmatch(r"[@\w.-]+", value) and "." not in value.lstrip("@").split("/")[0][-5:]:
        return base + value.lstrip("@")
    if not re.match(r"^https?://", value, re.I):
        value = "https://" + value.lstrip("/")
    return value if _URL_RE.match(value) else ""


def cget_types(typo: str | None) -> list[str]:
    """Type codes of the 2019 census's TYPO ("à dominante coworking" / "à dominante fablab"; empty: none)."""
    typo = (typo or "").lower()
    return ["coworking"] if "coworking" in typo else ["fablab"] if "fablab" in typo else []


def read_cget(path: Path) -> Iterator[SourceRow | Rejected]:
    for line, row in enumerate(_csv(path), start=2):
        types = cget_types(row.get("TYPO"))
        socials = [
            link
            for link in (
                _url(row.get("TWITTER"), "https://twitter.com/"),
                _url(row.get("FACEBOOK"), "https://www.facebook.com/"),
            )
            if link
        ]
        private = {
            k: " ".join(str(row.get(src) or "").split())
            for k, src in (("names", "CONTACT"), ("emails", "MAIL"))
            if str(row.get(src) or "").strip()
        }
        name = _clean(row.get("NOM_TL"))
        if not name:
            yield Rejected("cget2019", line, row.get("ID", ""), "nom absent")
            continue
        yield SourceRow(
            line=line,
            source="cget2019",
            source_id=str(row.get("ID", "")).strip(),
            name=name,
            lon=_float(row.get("LONG")),
            lat=_float(row.get("LAT")),
            insee=_insee(row.get("INSEECOM")),
            postcode=_postcode(row.get("CP")),
            commune_name=_clean(row.get("NOMCOM") or row.get("COMINIT")),
            address=_clean(row.get("ADRESSE")),
            types=types,
            website=_url(row.get("WEB")),
            social_links=socials,
            private_contact=private,
            raw={
                k: v
                for k, v in row.items()
                if k
                in {
                    "ID",
                    "NOM_TL",
                    "ADRESSE",
                    "CP",
                    "COMINIT",
                    "INSEECOM",
                    "NOMCOM",
                    "WEB",
                    "TWITTER",
                    "FACEBOOK",
                    "TYPO",
                    "LAT",
                    "LONG",
                    "GEOCOD",
                    "PRECISION",
                    "CONTACT",
                    "MAIL",
                    "METRO",  # the census's own "in a métropole" (1/0), compared by the observatory
                }
            },
        )


PING_SPACES = {
    "1": "bureaux",
    "2": "bureaux",
    "3": "ateliers",
    "4": "ateliers",
    "6": "salles_reunion",
    "7": "evenements",
    "8": "evenements",
    "9": "ateliers",
    "11": "labo_alimentaire",
    "12": "machines",
    "13": "stockage",
    "14": "vente",
    "16": "garde_enfants",
    "18": "cafe",
    "19": "hebergement",
}
PING_LEGAL = {
    "association": "association",
    "sarl/sas/sa": "company",
    "entreprise": "company",
    "scic": "scic",
    "scic ou scop": "scic",
    "collectivité": "local_authority",
    "autre": "other",
}


def read_ping(path: Path) -> Iterator[SourceRow | Rejected]:
    for line, row in enumerate(_csv(path), start=2):
        name = _clean(row.get("NOM DU LIEU"))
        if not name:
            yield Rejected("ping2022", line, str(line), "nom absent")
            continue
        codes = [c.strip() for c in (row.get("ESPACES PROPOSÉS") or "").split("-") if c.strip()]
        services = list(dict.fromkeys(PING_SPACES[c] for c in codes if c in PING_SPACES))
        typology = (row.get("TYPOLOGIE") or "").upper().split("-")
        types = []
        if "T" in typology or "1" in codes or "2" in codes:
            types.append("coworking")
        if "12" in codes:
            types.append("fablab")
        if "11" in codes or "15" in codes:
            types.append("nourricier")
        if "3" in codes or "9" in codes:
            types.append("culturel")
        legal = PING_LEGAL.get(
            _clean(row.get("MODELE_JURIDIQUE")).lower(), "other" if row.get("MODELE_JURIDIQUE") else ""
        )
        phone = _clean(row.get("TELEPHONE"))
        yield SourceRow(
            line=line,
            source="ping2022",
            source_id=f"{line - 1}-{re.sub(r'[^a-z0-9]+', '-', name.lower())[:40]}",
            name=name,
            lon=_float(row.get("longitude")),
            lat=_float(row.get("latitude")),
            postcode=_postcode(row.get("BAN_postcode")),
            commune_name=_clean(row.get("BAN_city")),
            address=_clean(row.get("BAN_adress") or row.get("ADRESSE")),
            types=types,
            services=services,
            labels=["fabrique_territoire"]
            if (row.get("FABRIQUE_DE_TERRITOIRE") or "").upper() == "OUI"
            else [],
            status="project" if "projet" in (row.get("ÉTAT DE VOTRE TIERS-LIEUX") or "").lower() else "open",
            legal_form=legal,
            website=_url(row.get("URL")),
            description=_clean(row.get("DESCRIPTION")),
            private_contact={"phone": phone} if phone and phone.lower() != "non renseigné" else {},
            raw=dict(row),
        )


def read_hinaura(path: Path) -> Iterator[SourceRow | Rejected]:
    for number, row in enumerate(json.loads(_text(path)), start=1):
        name = _clean(row.get("nom"))
        if not name:
            yield Rejected("hinaura", number, str(row.get("id", "")), "nom absent")
            continue
        offered = (row.get("services") or "").lower()
        services = ["aide_numerique"]
        if "connexion internet" in offered:
            services.append("internet")
        if "démarches" in offered:
            services.append("services_publics")
        lowered = name.lower()
        types, labels = ["mediation_numerique"], []
        if "france services" in lowered or "maison de services au public" in lowered or "msap" in lowered:
            types.insert(0, "france_services")
            services.append("services_publics")
            if "france services" in lowered:
                labels.append("france_services")
        private = {k: row[k] for k in ("courriel", "telephone") if row.get(k)}
        yield SourceRow(
            line=number,
            source="hinaura",
            source_id=str(row.get("id", number)),
            name=name,
            lon=_float(row.get("longitude")),
            lat=_float(row.get("latitude")),
            postcode=_postcode(row.get("code_postal")),
            commune_name=_clean(row.get("commune")),
            address=_clean(row.get("adresse")),
            types=types,
            services=list(dict.fromkeys(services)),
            labels=labels,
            website=_url(row.get("site_web")),
            opening_hours=parse_osm(row.get("horaires") or ""),
            private_contact=private,
            raw=row,
        )


def read_commune_list(source: str, path: Path, label: str, kind: str) -> Iterator[SourceRow | Rejected]:
    for line, row in enumerate(_csv(path), start=2):
        name = _clean(row.get("lib_territoire"))
        if not name:
            yield Rejected(source, line, row.get("id_territoire", ""), "nom absent")
            continue
        labels = [label]
        if label == "fabrique_territoire" and "numérique" in name.lower():
            labels.append("fabrique_numerique")
        yield SourceRow(
            line=line,
            source=source,
            source_id=_clean(row.get("id_territoire")),
            name=name,
            lon=_float(row.get("commune_lon")),
            lat=_float(row.get("commune_lat")),
            insee=_insee(row.get("insee_com")),
            commune_name=_clean(row.get("lib_com")),
            types=[kind],
            labels=labels,
            approximate=True,
            raw=dict(row),
        )


def read_all(data_dir: Path = DATA_DIR, sources: tuple[str, ...] = ORDER) -> Iterator[SourceRow | Rejected]:
    readers = {
        "cget2019": read_cget,
        "ping2022": read_ping,
        "hinaura": read_hinaura,
        "fabriques": lambda p: read_commune_list("fabriques", p, "fabrique_territoire", "autre"),
        "manufactures": lambda p: read_commune_list(
            "manufactures", p, "manufacture_proximite", "atelier_partage"
        ),
    }
    for source in sources:
        yield from readers[source](data_dir / SOURCES[source])
