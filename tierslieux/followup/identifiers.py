"""Identifiers of a legal entity: SIRET (with its Luhn key), SIREN, RNA. Plain Python.

A SIRET is 14 digits: the SIREN (9, itself Luhn-valid) and the NIC (5); the 14 digits together pass the Luhn
test. One documented exception: the establishments of La Poste (SIREN 356 000 000) have SIRETs whose digits
add up to a multiple of 5 instead. An RNA number (Répertoire national des associations) is "W" and 9 digits, as
the SCDL schema requires (`^W\\d{9}$`).
"""

from __future__ import annotations

import re

from tierslieux.core.i18n import gettext as _

LA_POSTE_SIREN = "356000000"
RNA = re.compile(r"^W\d{9}$")


def compact(value: str) -> str:
    """The identifier without the spaces, dots and dashes people type (" 123 456 789 00012" → digits)."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def luhn_valid(digits: str) -> bool:
    """True when the string of digits passes the Luhn test (every second digit from the right doubled)."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siren_problem(value: str) -> str | None:
    """Why `value` is not a SIREN (a French sentence), or None when it is one."""
    siren = compact(value)
    if not (len(siren) == 9 and siren.isdigit()):
        return _("Un SIREN compte 9 chiffres.")
    if not luhn_valid(siren):
        return _("Ce SIREN n’est pas valide : sa clé de contrôle ne correspond pas.")
    return None


def siret_problem(value: str) -> str | None:
    """Why `value` is not a SIRET (a French sentence), or None when it is one."""
    siret = compact(value)
    if not (len(siret) == 14 and siret.isdigit()):
        return _("Un SIRET compte 14 chiffres (SIREN à 9 chiffres et NIC à 5 chiffres).")
    if siret.startswith(LA_POSTE_SIREN):
        if sum(int(char) for char in siret) % 5 == 0:
            return None
        return _("Ce SIRET n’est pas valide : sa clé de contrôle ne correspond pas.")
    if not luhn_valid(siret[:9]):
        return _("Ce SIRET n’est pas valide : le SIREN (9 premiers chiffres) a une clé de contrôle fausse.")
    if not luhn_valid(siret):
        return _("Ce SIRET n’est pas valide : sa clé de contrôle ne correspond pas.")
    return None


def rna_problem(value: str) -> str | None:
    """Why `value` is not an RNA number, or None when it is one."""
    if RNA.match(compact(value)):
        return None
    return _("Un numéro RNA s’écrit « W » suivi de 9 chiffres (par exemple W291000123).")


def with_key(prefix: str) -> str:
    """`prefix` and the one last digit that makes it Luhn-valid: a SIREN from 8 digits, a SIRET from a valid
    SIREN and 4 digits of NIC (tests and demo data)."""
    for last in "0123456789":
        if luhn_valid(prefix + last):
            return prefix + last
    raise ValueError(prefix)  # pragma: no cover (a Luhn key always exists)
