"""Merge the rows of several sources describing the same place (plain Python, no Django).

Precise rows (their own coordinates) merge when within `RADIUS_M` and with similar names. Rows that only
carry their commune's point (Fabriques, Manufactures) merge with a place of the same commune with a similar
name; otherwise they stay alone, flagged as approximate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .sources import SourceRow
from .text import name_similarity

RADIUS_M = 150.0
MIN_SIMILARITY = 0.6
_CELL_DEG = 0.002  # grid cell ≥ 150 m in latitude; neighbours are searched too


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class Group:
    rows: list[SourceRow] = field(default_factory=list)

    @property
    def main(self) -> SourceRow:
        precise = [row for row in self.rows if not row.approximate]
        return (precise or self.rows)[0]

    @property
    def approximate(self) -> bool:
        return all(row.approximate for row in self.rows)

    def data(self) -> dict:
        """Merged values for `place_create` (commune is the INSEE code set on the rows)."""
        main = self.main

        def first(attr):
            return next((getattr(r, attr) for r in [main, *self.rows] if getattr(r, attr)), None)

        def union(attr):
            values: list[str] = []
            for row in [main, *self.rows]:
                values += [v for v in getattr(row, attr) if v not in values]
            return values

        types = union("types")
        if len(types) > 1 and "autre" in types:
            types.remove("autre")
        statuses = {row.status for row in self.rows}
        return {
            "name": main.name,
            "lon": main.lon,
            "lat": main.lat,
            "commune": main.insee,
            "postcode": first("postcode") or "",
            "address": first("address") or "",
            "types": types or ["autre"],
            "services": union("services"),
            "labels": union("labels"),
            "status": "open" if "open" in statuses else main.status,
            "legal_form": first("legal_form") or "",
            "website": first("website") or "",
            "social_links": union("social_links"),
            "description": first("description") or "",
            "opening_hours": first("opening_hours") or {},
            "location_approximate": self.approximate,
            "private_contact": {
                f"{r.source}:{r.source_id}": r.private_contact for r in self.rows if r.private_contact
            },
        }


def merge(rows: list[SourceRow]) -> list[Group]:
    """Group rows (each with `insee` resolved); precise rows must come before approximate ones."""
    groups: list[Group] = []
    grid: dict[tuple[int, int], list[int]] = {}
    by_commune: dict[str, list[int]] = {}
    for row in rows:
        best, best_score = None, 0.0
        if not row.approximate:
            cx, cy = math.floor(row.lon / _CELL_DEG), math.floor(row.lat / _CELL_DEG)
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for number in grid.get((cx + dx, cy + dy), []):
                        main = groups[number].main
                        if distance_m(row.lon, row.lat, main.lon, main.lat) > RADIUS_M:
                            continue
                        score = name_similarity(
                            row.name, main.name, ignore=row.commune_name or main.commune_name
                        )
                        if score >= MIN_SIMILARITY and score > best_score:
                            best, best_score = number, score
        else:
            for number in by_commune.get(row.insee, []):
                score = max(
                    name_similarity(row.name, other.name, ignore=row.commune_name)
                    for other in groups[number].rows
                )
                if score >= MIN_SIMILARITY and score > best_score:
                    best, best_score = number, score
        if best is None:
            groups.append(Group([row]))
            best = len(groups) - 1
            if not row.approximate:
                grid.setdefault(
                    (math.floor(row.lon / _CELL_DEG), math.floor(row.lat / _CELL_DEG)), []
                ).append(best)
            by_commune.setdefault(row.insee, []).append(best)
        else:
            groups[best].rows.append(row)
    return groups
