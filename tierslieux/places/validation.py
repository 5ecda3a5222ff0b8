"""Validators of place data: SIRET, RNA, coordinates inside France (overseas included: see
`tierslieux.geo.coordinates.in_france`)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tierslieux.geo.coordinates import in_france

RNA_RE = re.compile(r"^W[0-9][0-9AB][0-9]{7}$")


def validate_coordinates(lon, lat) -> tuple[float, float]:
    """Return (lon, lat) as floats, or raise ValidationError when they are not numbers inside France."""
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise ValidationError(
            _("Les coordonnées doivent être des nombres (longitude, latitude)."), code="coordinates"
        ) from None
    if not in_france(lon, lat):
        raise ValidationError(
            _("Les coordonnées (%(lon)s, %(lat)s) sont hors de France (métropole et outre-mer)."),
            code="outside_france",
            params={"lon": round(lon, 5), "lat": round(lat, 5)},
        )
    return lon, lat


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value: str) -> str:
    """Return the SIRET without spaces; raise ValidationError unless it has 14 digits and a valid key."""
    cleaned = re.sub(r"[\s.]", "", value or "")
    if not cleaned:
        return ""
    if not re.fullmatch(r"\d{14}", cleaned):
        raise ValidationError(_("Le numéro SIRET doit comporter 14 chiffres."), code="siret_format")
    # La Poste's establishments (SIREN 356000000) use a sum of digits divisible by 5 instead of Luhn.
    if cleaned.startswith("356000000"):
        valid = sum(int(c) for c in cleaned) % 5 == 0
    else:
        valid = _luhn_ok(cleaned[:9]) and _luhn_ok(cleaned)
    if not valid:
        raise ValidationError(
            _("Le numéro SIRET %(value)s n’est pas valide (clé de contrôle)."),
            code="siret_checksum",
            params={"value": cleaned},
        )
    return cleaned


def validate_rna(value: str) -> str:
    """Return the RNA number upper-cased; raise ValidationError unless it reads W + 9 characters."""
    cleaned = re.sub(r"\s", "", value or "").upper()
    if not cleaned:
        return ""
    if not RNA_RE.fullmatch(cleaned):
        raise ValidationError(
            _("Le numéro RNA doit avoir la forme W suivie de 9 caractères (par exemple W751234567)."),
            code="rna_format",
        )
    return cleaned
