"""Reads: which commune a person or a file means by a text.

    commune_resolve(text="Pélussin")                    # one commune
    commune_resolve(text="Saint-Denis (93)")             # the department, a postcode or the INSEE code in brackets
    commune_resolve(name="ST BRIEUC CEDEX 1", postcode="22099")   # a CEDEX code: the name decides
    commune_resolve(postcode="29000")                    # a postcode shared by several communes: ambiguous
    commune_suggestions("pelus")                         # the autocomplete's options

A name matches without accents, case, hyphens or apostrophes, with or without its article ("Le Havre",
"Havre"), "St"/"Ste" for Saint/Sainte, and "Paris 11e" / "Lyon 3" / "Marseille 13e arrondissement" for the
municipal arrondissements. When a text fits several communes, the answer lists them (`candidates`) with a
French message saying what to add; nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.utils.translation import gettext as _

from .models import Commune
from .text import normalize_name, normalize_query

ARTICLES = ("le", "la", "les", "l")
CODE = re.compile(r"^\d[\dAB]\d{3}$")
_CEDEX = re.compile(r"\s*\bcedex\b(?:\s*\d+)?", re.IGNORECASE)
_BRACKETS = re.compile(r"^(.*?)\s*\(\s*([0-9ABab]{2,5})\s*\)\s*$")
_LEADING_CODE = re.compile(r"^(\d[\dAB]\d{3})\s+(.+)$")
_TRAILING_CODE = re.compile(r"^(.+?)\s+(\d[\dAB]\d{3})$")
_ARRONDISSEMENT = re.compile(
    r"^(paris|lyon|marseille)\s+(\d{1,2})\s*(?:e|er|eme|ieme|em)?(?:\s+arrondissement)?$"
)
_ARRONDISSEMENT_CODES = {"paris": (75100, 20), "lyon": (69380, 9), "marseille": (13200, 16)}
MAX_CANDIDATES = 10
_FIELDS = (
    "insee",
    "kind",
    "name",
    "name_search",
    "parent_id",
    "department_id",
    "postcodes",
    "population",
    "town_hall_lon",
    "town_hall_lat",
    "interior_lon",
    "interior_lat",
)


@dataclass
class CommuneMatch:
    """The commune a text means, or why there is none (`message`, French) and the communes it could be."""

    commune: Commune | None
    candidates: list[Commune] = field(default_factory=list)
    message: str = ""
    warning: str = ""  # found, but not quite as written (e.g. by the postcode only)


def name_keys(name: str) -> list[str]:
    """The normalised spellings a commune name may be stored under: with and without its article."""
    query = normalize_query(_CEDEX.sub("", name or ""))
    if not query:
        return []
    words = query.split(" ")
    keys = [query, normalize_name(_CEDEX.sub("", name or ""))]
    if words[0] in ARTICLES and len(words) > 1:
        keys.append(" ".join(words[1:]))
    else:
        keys += [f"{article} {query}" for article in ARTICLES]
    return list(dict.fromkeys(k for k in keys if k))


def departments_of_postcode(postcode: str) -> list[str]:
    """The department codes a postcode may belong to (Corsica: 2A or 2B; overseas: three digits)."""
    if not re.fullmatch(r"\d{5}", postcode or ""):
        return []
    if postcode.startswith("20"):
        return ["2A", "2B"]
    if postcode.startswith(("97", "98")):
        return [postcode[:3]]
    return [postcode[:2]]


def _queryset():
    # The most populated first, on every database (PostgreSQL puts NULLs first in a descending order).
    return Commune.objects.only(*_FIELDS).order_by(F("population").desc(nulls_last=True), "insee")


def _with_postcode(communes: list[Commune], postcode: str) -> list[Commune]:
    return [c for c in communes if postcode in c.postcodes.split()]


def _label(commune: Commune) -> str:
    return f"{commune.name} ({commune.department_id})"


def _names(communes: list[Commune]) -> str:
    return ", ".join(_label(c) for c in communes[:MAX_CANDIDATES]) + (
        "…" if len(communes) > MAX_CANDIDATES else ""
    )


def communes_named(name: str) -> list[Commune]:
    """Communes (and municipal arrondissements) whose name is `name`, the most populated first; a name without
    its article also matches the name INSEE sorts by ("havre", "marais" for Aux Marais)."""
    match = _ARRONDISSEMENT.match(normalize_query(_CEDEX.sub("", name or "")))
    if match:
        base, count = _ARRONDISSEMENT_CODES[match.group(1)]
        number = int(match.group(2))
        if 1 <= number <= count:
            return list(_queryset().filter(insee=str(base + number)))
    keys = name_keys(name)
    if not keys:
        return []
    return list(_queryset().filter(Q(name_search__in=keys) | Q(sort_name=keys[0])))


def communes_with_postcode(postcode: str) -> list[Commune]:
    return _with_postcode(list(_queryset().filter(postcodes__contains=postcode)), postcode)


def _by_code(code: str) -> list[Commune]:
    """The commune with this INSEE code and those with this postcode."""
    found = list(_queryset().filter(insee=code))
    for commune in communes_with_postcode(code):
        if commune not in found:
            found.append(commune)
    return found


def _one(communes: list[Commune], *, ambiguous: str, missing: str) -> CommuneMatch:
    if len(communes) == 1:
        return CommuneMatch(communes[0])
    if not communes:
        return CommuneMatch(None, [], missing)
    return CommuneMatch(None, communes, ambiguous)


def _resolve_name_and_postcode(name: str, postcode: str) -> CommuneMatch:
    named = communes_named(name)
    shown = name.strip()
    if postcode:
        with_code = _with_postcode(named, postcode)
        if len(with_code) == 1:
            return CommuneMatch(with_code[0])
        departments = departments_of_postcode(postcode)
        in_department = [c for c in named if c.department_id in departments]
        if len(in_department) == 1:
            return CommuneMatch(in_department[0])  # a CEDEX or an outdated postcode: the name decides
        if len(with_code or in_department) > 1:
            return CommuneMatch(
                None,
                with_code or in_department,
                _("Plusieurs communes s’appellent « %(name)s » avec le code postal %(postcode)s : %(list)s.")
                % {"name": shown, "postcode": postcode, "list": _names(with_code or in_department)},
            )
        by_postcode = communes_with_postcode(postcode)
        if len(by_postcode) == 1:
            warning = (
                _("Commune « %(name)s » inconnue : la commune du code postal %(postcode)s est retenue.")
                % {"name": shown, "postcode": postcode}
                if shown
                else ""
            )
            return CommuneMatch(by_postcode[0], warning=warning)
        if by_postcode:
            return CommuneMatch(
                None,
                by_postcode,
                _(
                    "Le code postal %(postcode)s est partagé par plusieurs communes (%(list)s) et le nom "
                    "« %(name)s » ne désigne aucune d’elles."
                )
                % {"postcode": postcode, "list": _names(by_postcode), "name": shown}
                if shown
                else _(
                    "Le code postal %(postcode)s est partagé par plusieurs communes (%(list)s) : "
                    "indiquez aussi le nom de la commune."
                )
                % {"postcode": postcode, "list": _names(by_postcode)},
            )
        if not named:
            return CommuneMatch(
                None,
                [],
                _("Aucune commune « %(name)s » ni aucun code postal %(postcode)s.")
                % {"name": shown, "postcode": postcode}
                if shown
                else _("Aucune commune n’a le code postal %(postcode)s.") % {"postcode": postcode},
            )
    return _one(
        named,
        ambiguous=_("Plusieurs communes s’appellent « %(name)s » : %(list)s. Précisez le code postal.")
        % {"name": shown, "list": _names(named)},
        missing=_("Aucune commune ne s’appelle « %(name)s ».") % {"name": shown},
    )


def commune_resolve(*, text: str = "", name: str = "", postcode: str = "", insee: str = "") -> CommuneMatch:
    """The commune meant by an INSEE code, a name and/or a postcode, or by one `text` as a person types it:
    "Pélussin", "42410", "42168", "Pélussin (42)", "Pélussin (42410)", "42410 Pélussin"."""
    insee = re.sub(r"\s", "", insee or "").upper()
    if re.fullmatch(r"\d{4}", insee):
        insee = "0" + insee
    if insee:
        commune = _queryset().filter(insee=insee).first()
        if commune is not None:
            return CommuneMatch(commune)
        if not (name or postcode or text):
            return CommuneMatch(None, [], _("Aucune commune n’a le code INSEE %(code)s.") % {"code": insee})
    postcode = re.sub(r"\D", "", postcode or "")[:5]
    if len(postcode) == 4:
        postcode = "0" + postcode
    if text:
        text = " ".join(text.split())
        upper = text.upper().replace(" ", "")
        if CODE.match(upper):
            found = _by_code(upper)
            return _one(
                found,
                ambiguous=_(
                    "Le code %(code)s correspond à plusieurs communes : %(list)s. Indiquez aussi le nom."
                )
                % {"code": upper, "list": _names(found)},
                missing=_("Aucune commune n’a le code %(code)s (code postal ou code INSEE).")
                % {"code": upper},
            )
        match = _BRACKETS.match(text)
        if match:
            name, code = match.group(1), match.group(2).upper()
            named = communes_named(name)
            if len(code) == 5:
                narrowed = [c for c in named if c.insee == code] or _with_postcode(named, code)
                if not narrowed and not named:
                    return _resolve_name_and_postcode(name, code)
            else:
                narrowed = [c for c in named if c.department_id == code]
            return _one(
                narrowed,
                ambiguous=_("Plusieurs communes s’appellent « %(name)s » (%(code)s) : %(list)s.")
                % {"name": name, "code": code, "list": _names(narrowed)},
                missing=_("Aucune commune « %(name)s » ne correspond à « %(code)s ».")
                % {"name": name, "code": code},
            )
        match = _LEADING_CODE.match(text) or _TRAILING_CODE.match(text)
        if match:
            first, second = match.group(1), match.group(2)
            code, name = (first, second) if CODE.match(first.upper()) else (second, first)
            return _resolve_name_and_postcode(name, code)
        return _resolve_name_and_postcode(text, "")
    if not name and not postcode:
        return CommuneMatch(None, [], _("Indiquez une commune."))
    return _resolve_name_and_postcode(name, postcode)


def commune_label(commune: Commune) -> str:
    """A commune as a commune field shows it: its name and its postcode (its department when it has several)."""
    postcodes = commune.postcodes.split()
    return f"{commune.name} ({postcodes[0] if len(postcodes) == 1 else commune.department_id})"


def commune_display(commune: Commune) -> str:
    """`commune_label`, or the name and INSEE code when that label would also fit another commune."""
    label = commune_label(commune)
    if commune_resolve(text=label).commune == commune:
        return label
    return f"{commune.name} ({commune.insee})"


def commune_chosen(*, text: str, insee: str) -> Commune | None:
    """The commune an autocomplete chose (its INSEE code), as long as the text still names it: its label, its
    name or its code. None when there is no code, an unknown one, or a text edited since the choice."""
    text = " ".join((text or "").split())
    if not insee or not text:
        return None
    chosen = Commune.objects.filter(pk=str(insee).strip()[:5]).first()
    if chosen is None:
        return None
    if text in {commune_label(chosen), chosen.name, chosen.insee} or text == commune_display(chosen):
        return chosen
    return None


@dataclass(frozen=True)
class CommuneSuggestion:
    insee: str
    name: str
    label: str  # what the field shows once chosen: "Pélussin (42410)"
    detail: str  # "Loire (42) — 42410"
    lon: float | None
    lat: float | None


def commune_suggestions(q: str, *, limit: int = 8) -> list[CommuneSuggestion]:
    """Options of the commune autocomplete for what was typed (name, postcode or INSEE code): the territory
    search's communes, best first."""
    from .selectors import territory_search

    results = territory_search(q, limit=limit, kinds=("commune",)) if len((q or "").strip()) >= 2 else []
    communes = (
        Commune.objects.select_related("department")
        .defer("outline", "department__outline")
        .in_bulk([r.code for r in results])
    )
    suggestions = []
    for result in results:
        commune = communes.get(result.code)
        if commune is None:
            continue
        point = commune.point or (None, None)
        postcodes = commune.postcodes.split()
        detail = f"{commune.department.name} ({commune.department_id})"
        if postcodes:
            detail += " — " + (postcodes[0] if len(postcodes) == 1 else f"{postcodes[0]}…{postcodes[-1]}")
        suggestions.append(
            CommuneSuggestion(commune.insee, commune.name, commune_label(commune), detail, point[0], point[1])
        )
    return suggestions
