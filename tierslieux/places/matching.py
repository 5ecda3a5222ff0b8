"""Which existing place a row of an import describes, and what merging it would change (plain Python, no
Django).

Matching never rests on the name alone: a place is a candidate when its normalised name is similar AND it
lies in the same commune, within `NEAR_M` metres, or shares the website or the SIRET; a place within
`NEAR_M` metres with the same website or SIRET is a candidate whatever its name (a near-duplicate). A match
is automatic only inside the same commune (a municipal arrondissement and its city count as one); any
other candidate is proposed, never applied unless a person chooses it.

The merge policy (`merge_plan`) fills what is blank, unites lists, keeps a precise point against a less
precise one and a name against its upper-case or shorter variant; every other difference is a
"replace", shown to the person, who may keep or drop the row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .merging import distance_m
from .text import name_similarity, normalise, significant_words

NEAR_M = 300.0
POINT_TOLERANCE_M = 50.0  # two precise points this close are the same point: the current one is kept
SIMILAR = 0.6  # names this similar (or more) may be the same place
CLOSE_NAMES = 0.8  # …and this similar are the same place when in the same commune
_CELL_DEG = 0.005  # grid cell > NEAR_M in latitude; neighbours are searched too
LIST_FIELDS = ("types", "services", "labels", "accessibility", "social_links")
# Precision of a point by its origin (higher is better); see places.models.LocationOrigin.
PRECISION = {"commune": 1, "address": 2, "source": 3, "person": 3}


def website_key(url: str) -> str:
    """A website without scheme, "www.", query or trailing slash: "https://www.ex.org/a/" → "ex.org/a"."""
    value = (url or "").strip().lower()
    value = re.sub(r"^[a-z]+://", "", value)
    value = re.sub(r"^www\d?\.", "", value)
    value = value.split("#")[0].split("?")[0].rstrip("/")
    return value


@dataclass(frozen=True)
class Candidate:
    """An existing place, as matching sees it."""

    id: int
    name: str
    commune: str  # INSEE code
    commune_parent: str = ""  # the city of a municipal arrondissement
    commune_name: str = ""
    lon: float | None = None
    lat: float | None = None
    approximate: bool = False
    website: str = ""
    siret: str = ""


@dataclass(frozen=True)
class Incoming:
    """A row of the file, located."""

    name: str
    commune: str
    commune_parent: str = ""
    commune_name: str = ""
    lon: float | None = None
    lat: float | None = None
    approximate: bool = False
    website: str = ""
    siret: str = ""


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    similarity: float
    distance_m: float | None
    same_commune: bool
    same_website: bool
    same_siret: bool
    automatic: bool

    @property
    def reasons(self) -> tuple[str, ...]:
        """Codes of what the two have in common: name, commune, near, website, siret."""
        found = []
        if self.similarity >= SIMILAR:
            found.append("name")
        if self.same_commune:
            found.append("commune")
        if self.distance_m is not None and self.distance_m <= NEAR_M:
            found.append("near")
        if self.same_website:
            found.append("website")
        if self.same_siret:
            found.append("siret")
        return tuple(found)


def same_commune(a_code: str, a_parent: str, b_code: str, b_parent: str) -> bool:
    """Same commune, a municipal arrondissement being part of its city (75111 and 75056)."""
    if not a_code or not b_code:
        return False
    return a_code == b_code or a_code == b_parent or b_code == a_parent


def evaluate(incoming: Incoming, candidate: Candidate) -> Match | None:
    """The match of `incoming` with `candidate`, or None when they are not the same place."""
    similarity = name_similarity(
        incoming.name, candidate.name, ignore=incoming.commune_name or candidate.commune_name
    )
    distance = None
    if (
        incoming.lon is not None
        and incoming.lat is not None
        and candidate.lon is not None
        and candidate.lat is not None
    ):
        distance = distance_m(incoming.lon, incoming.lat, candidate.lon, candidate.lat)
    near = distance is not None and distance <= NEAR_M and not (incoming.approximate or candidate.approximate)
    commune = same_commune(
        incoming.commune, incoming.commune_parent, candidate.commune, candidate.commune_parent
    )
    website = bool(incoming.website) and website_key(incoming.website) == website_key(candidate.website)
    siret = bool(incoming.siret) and incoming.siret == candidate.siret
    similar = similarity >= SIMILAR
    if not (
        (similar and (commune or near or website or siret))
        or (near and (website or siret))
        or (siret and commune)
    ):
        return None
    automatic = commune and (
        similarity >= CLOSE_NAMES
        or (similar and (near or website or siret))
        or (near and (website or siret))
        or siret
    )
    return Match(candidate, similarity, distance, commune, website, siret, automatic)


def _score(match: Match) -> tuple[Any, ...]:
    return (
        match.automatic,
        match.same_siret,
        match.similarity + 0.2 * match.same_website + 0.1 * match.same_commune,
        -(match.distance_m if match.distance_m is not None else math.inf),
    )


class CandidateIndex:
    """The existing places, indexed by commune, grid cell, website and SIRET, to find a row's candidates."""

    def __init__(self, candidates: Iterable[Candidate]):
        self.by_id: dict[int, Candidate] = {}
        self._commune: dict[str, list[int]] = {}
        self._grid: dict[tuple[int, int], list[int]] = {}
        self._website: dict[str, list[int]] = {}
        self._siret: dict[str, list[int]] = {}
        for candidate in candidates:
            self.add(candidate)

    @staticmethod
    def _cell(lon: float, lat: float) -> tuple[int, int]:
        return math.floor(lon / _CELL_DEG), math.floor(lat / _CELL_DEG)

    def add(self, candidate: Candidate) -> None:
        self.by_id[candidate.id] = candidate
        for code in {candidate.commune, candidate.commune_parent} - {""}:
            self._commune.setdefault(code, []).append(candidate.id)
        if candidate.lon is not None and candidate.lat is not None:
            self._grid.setdefault(self._cell(candidate.lon, candidate.lat), []).append(candidate.id)
        if candidate.website:
            self._website.setdefault(website_key(candidate.website), []).append(candidate.id)
        if candidate.siret:
            self._siret.setdefault(candidate.siret, []).append(candidate.id)

    def _nearby(self, incoming: Incoming) -> set[int]:
        ids: set[int] = set()
        for code in {incoming.commune, incoming.commune_parent} - {""}:
            ids.update(self._commune.get(code, []))
        if incoming.lon is not None and incoming.lat is not None:
            cx, cy = self._cell(incoming.lon, incoming.lat)
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    ids.update(self._grid.get((cx + dx, cy + dy), []))
        if incoming.website:
            ids.update(self._website.get(website_key(incoming.website), []))
        if incoming.siret:
            ids.update(self._siret.get(incoming.siret, []))
        return ids

    def find(self, incoming: Incoming, *, limit: int = 5) -> list[Match]:
        """The candidates of `incoming`, best first (automatic matches first)."""
        matches = [m for i in self._nearby(incoming) if (m := evaluate(incoming, self.by_id[i])) is not None]
        matches.sort(key=_score, reverse=True)
        return matches[:limit]


# --- Merge policy -----------------------------------------------------------------------------------------
SAME, KEEP, FILL, UNION, IMPROVE, REPLACE = "same", "keep", "fill", "union", "improve", "replace"
SAFE = frozenset({FILL, UNION, IMPROVE})  # applied by a merge without asking
CHANGES = SAFE | {REPLACE}


@dataclass(frozen=True)
class FieldChange:
    field: str
    kind: str  # same, keep, fill, union, improve, replace
    # Any: the values of any field (text, list, (lon, lat, origin) for "point").
    current: Any
    incoming: Any
    result: Any


@dataclass
class MergePlan:
    changes: list[FieldChange] = field(default_factory=list)

    def data(self, *, replace: bool = True) -> dict[str, Any]:
        """The values to write: the safe changes, and the replacements unless `replace` is False."""
        kinds = CHANGES if replace else SAFE
        values: dict[str, Any] = {}
        for change in self.changes:
            if change.kind not in kinds:
                continue
            if change.field == "point":
                values["lon"], values["lat"], values["location_origin"] = change.result
            else:
                values[change.field] = change.result
        return values

    @property
    def changed(self) -> list[FieldChange]:
        return [c for c in self.changes if c.kind in CHANGES]

    @property
    def replaced(self) -> list[FieldChange]:
        return [c for c in self.changes if c.kind == REPLACE]


def _blank(value: object) -> bool:
    return value in (None, "", [], {})


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def name_change(current: str, incoming: str) -> str:
    """How a merge treats a new name: keep the current name against its upper-case, lower-case or less
    complete variant; improve an upper-case current name; else replace."""
    if incoming == current:
        return SAME
    a, b = normalise(current), normalise(incoming)
    if a == b:
        if _shouting(current) and not _shouting(incoming):
            return IMPROVE
        return KEEP
    current_words, incoming_words = set(significant_words(current)), set(significant_words(incoming))
    if incoming_words and incoming_words <= current_words:
        return KEEP  # "Fabrique" against "La Fabrique du Port"
    if b and b in a:
        return KEEP
    return REPLACE


def _text_equal(a: object, b: object) -> bool:
    """Equal, or the same text but for case, accents and punctuation (the current spelling is kept)."""
    if isinstance(a, str) and isinstance(b, str):
        return normalise(a) == normalise(b)
    return a == b


def _union(current: list[Any], incoming: list[Any], field_name: str) -> list[Any]:
    result = list(current)
    for value in incoming:
        if value not in result:
            result.append(value)
    if field_name == "types" and len(result) > 1 and "autre" in result:
        result.remove("autre")
    return result


def merge_plan(current: dict[str, Any], incoming: dict[str, Any]) -> MergePlan:
    """What merging `incoming` (the fields a row carries, normalised) into `current` (a place's values)
    changes, field by field. The point travels as "point": (lon, lat, origin); the commune as "commune":
    (INSEE code, code of its city or ""), and follows the point: it changes only with it."""
    plan = MergePlan()
    point_moves = False
    for name, new in incoming.items():
        old = current.get(name)
        if name == "point":
            change = _point_change(old, new)
            point_moves = change.kind in CHANGES and change.result[:2] != (old or (None, None))[:2]
            plan.changes.append(change)
            continue
        if name == "commune":
            continue
        if _blank(new):
            continue
        if name == "name":
            kind = name_change(str(old or ""), str(new))
            plan.changes.append(FieldChange(name, kind, old, new, new if kind in CHANGES else old))
        elif name in LIST_FIELDS:
            result = _union(list(old or []), list(new), name)
            if result == list(old or []):
                plan.changes.append(FieldChange(name, SAME, old, new, old))
            else:
                plan.changes.append(FieldChange(name, FILL if _blank(old) else UNION, old, new, result))
        elif _blank(old):
            plan.changes.append(FieldChange(name, FILL, old, new, new))
        elif name == "website" and website_key(str(old)) == website_key(str(new)):
            plan.changes.append(FieldChange(name, SAME if old == new else KEEP, old, new, old))
        elif _text_equal(old, new):
            plan.changes.append(FieldChange(name, SAME if old == new else KEEP, old, new, old))
        else:
            plan.changes.append(FieldChange(name, REPLACE, old, new, new))
    if "commune" in incoming and current.get("commune"):
        old, new = current["commune"], incoming["commune"]
        if same_commune(old[0], old[1], new[0], new[1]) or not point_moves:
            plan.changes.append(
                FieldChange("commune", KEEP if old[0] != new[0] else SAME, old[0], new[0], old[0])
            )
        else:
            plan.changes.append(FieldChange("commune", REPLACE, old[0], new[0], new[0]))
            # A point moving to another commune is never a silent improvement.
            plan.changes = [
                FieldChange(c.field, REPLACE, c.current, c.incoming, c.result)
                if c.field == "point" and c.kind == IMPROVE
                else c
                for c in plan.changes
            ]
    return plan


def _point_change(old: Any, new: Any) -> FieldChange:
    """`old` and `new` are (lon, lat, origin)."""
    if old is None or None in old[:2]:
        return FieldChange("point", FILL, old, new, new)
    distance = distance_m(old[0], old[1], new[0], new[1])
    old_rank, new_rank = PRECISION.get(old[2], 3), PRECISION.get(new[2], 3)
    if distance < 1.0:
        kind = IMPROVE if new_rank > old_rank else SAME
        return FieldChange("point", kind, old, new, (old[0], old[1], new[2]) if kind == IMPROVE else old)
    if distance < POINT_TOLERANCE_M and new_rank <= old_rank:
        return FieldChange("point", KEEP, old, new, old)
    if new_rank < old_rank:
        return FieldChange("point", KEEP, old, new, old)
    if new_rank > old_rank:
        return FieldChange("point", IMPROVE, old, new, new)
    return FieldChange("point", REPLACE, old, new, new)
