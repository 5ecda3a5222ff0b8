"""Matching offers and needs of the network, and companions for mentoring. Pure: no Django import.

Offers and needs (`Item`) match when they are of the same kind and category ("equipment" / "fabrication"),
from different owners, and the target lies within the *source's* radius: for each need, the offers within the
need's radius; for each offer (the reverse), the needs within the offer's radius. Targets are ranked by
`score = distance_km + age_days × KM_PER_DAY` (distance and freshness: a listing published ten days earlier
ranks like one five kilometres farther), ties by id. Distances are great-circle distances rounded to the metre.

`MatchIndex(targets)` groups the targets by (kind, category) and puts each group in a k-d tree of points on the
unit sphere (SciPy's cKDTree): a source only looks at the targets of its group within its radius (as a chord,
slightly widened; the exact test is the rounded haversine distance, the same as the brute force's). `rank` pairs
many sources at once, vectorised, and keeps the `limit` best of each; `BruteForce` / `rank_brute_force` is the
reference that measures every pair, used by the tests and by `bench/matching.py` to check that both give
identical results.

`companions_for` proposes companion places to a mentoring request: at least one common theme, within the
distance the companion will travel, with room for one more project; ranked by number of common themes, then
distance.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

EARTH_KM = 6371.0088
KM_PER_DAY = 0.5
LIMIT = 20
"""The matches kept per listing by the platform (its pages and notifications)."""
DAY_SECONDS = 86_400.0


@dataclass(frozen=True)
class Item:
    """An offer or a need, as the matching sees it. `published` is a POSIX timestamp (seconds)."""

    id: int
    kind: str
    category: str
    lon: float
    lat: float
    radius_km: float
    published: float
    owner: int = 0  # two items of the same owner (non-zero) never match


@dataclass(frozen=True)
class Match:
    source: int
    target: int
    distance_km: float
    score: float


def haversine_km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) between aligned arrays of points, rounded to the metre."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km: np.ndarray = np.round(2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0))), 3)
    return km


def _unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    cos_lat = np.cos(lat_r)
    return np.column_stack([cos_lat * np.cos(lon_r), cos_lat * np.sin(lon_r), np.sin(lat_r)])


def _chord(radius_km: np.ndarray) -> np.ndarray:
    """The chord (on the unit sphere) of a great-circle distance, widened so that no candidate is missed."""
    angle = np.minimum((np.asarray(radius_km, dtype=float) + 0.01) / EARTH_KM, math.pi)
    return 2 * np.sin(angle / 2) * (1 + 1e-9) + 1e-12


class _Columns:
    """Items as aligned NumPy columns."""

    def __init__(self, items: Sequence[Item]) -> None:
        self.items = list(items)
        self.ids = np.array([item.id for item in self.items], dtype=np.int64)
        self.lon = np.array([item.lon for item in self.items], dtype=float)
        self.lat = np.array([item.lat for item in self.items], dtype=float)
        self.radius = np.array([item.radius_km for item in self.items], dtype=float)
        self.published = np.array([item.published for item in self.items], dtype=float)
        self.owner = np.array([item.owner for item in self.items], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.items)


def _groups(items: Iterable[Item]) -> dict[tuple[str, str], list[Item]]:
    groups: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        groups.setdefault((item.kind, item.category), []).append(item)
    return groups


def _finish(
    sources: _Columns,
    targets: _Columns,
    src: np.ndarray,
    tgt: np.ndarray,
    distance: np.ndarray,
    now: float,
    limit: int | None,
    result: dict[int, list[Match]],
) -> None:
    """Keep the pairs within the source's radius and of different owners, score, sort, store per source."""
    keep = distance <= sources.radius[src]
    owners = sources.owner[src]
    keep &= (owners == 0) | (owners != targets.owner[tgt])
    src, tgt, distance = src[keep], tgt[keep], distance[keep]
    score = distance + (now - targets.published[tgt]) / DAY_SECONDS * KM_PER_DAY
    target_ids = targets.ids[tgt]
    order = np.lexsort((target_ids, score, src))
    src, target_ids, distance, score = src[order], target_ids[order], distance[order], score[order]
    if not len(src):
        return
    first = np.r_[True, src[1:] != src[:-1]]
    if limit is not None:  # keep the `limit` best of each source before leaving NumPy
        starts = np.flatnonzero(first)
        position = np.arange(len(src)) - starts[np.cumsum(first) - 1]
        keep = position < limit
        src, target_ids, distance, score = src[keep], target_ids[keep], distance[keep], score[keep]
        first = first[keep]
    starts = np.flatnonzero(first)
    ends = np.r_[starts[1:], len(src)]
    source_ids = sources.ids[src[starts]].tolist()
    ids, dists, scores = target_ids.tolist(), distance.tolist(), score.tolist()
    for source_id, start, end in zip(source_ids, starts.tolist(), ends.tolist(), strict=True):
        result[source_id] = [Match(source_id, ids[k], dists[k], scores[k]) for k in range(start, end)]


class MatchIndex:
    """The targets (offers, or needs), grouped by (kind, category), each group in a k-d tree."""

    def __init__(self, targets: Iterable[Item]) -> None:
        self._groups: dict[tuple[str, str], tuple[_Columns, cKDTree]] = {}
        for key, items in _groups(targets).items():
            columns = _Columns(items)
            self._groups[key] = (columns, cKDTree(_unit_vectors(columns.lon, columns.lat)))

    def rank(
        self, sources: Iterable[Item], *, now: float, limit: int | None = None
    ) -> dict[int, list[Match]]:
        """{source id: its matches, best first}; sources with no match are absent."""
        result: dict[int, list[Match]] = {}
        for key, items in _groups(sources).items():
            group = self._groups.get(key)
            if group is None:
                continue
            targets, tree = group
            columns = _Columns(items)
            found = tree.query_ball_point(
                _unit_vectors(columns.lon, columns.lat), r=_chord(columns.radius), return_sorted=False
            )
            counts = np.fromiter((len(hits) for hits in found), dtype=np.int64, count=len(found))
            if not counts.sum():
                continue
            src = np.repeat(np.arange(len(columns)), counts)
            tgt = np.concatenate([np.asarray(hits, dtype=np.int64) for hits in found if len(hits)])
            distance = haversine_km(columns.lon[src], columns.lat[src], targets.lon[tgt], targets.lat[tgt])
            _finish(columns, targets, src, tgt, distance, now, limit, result)
        return result


def rank(
    sources: Iterable[Item], targets: Iterable[Item], *, now: float, limit: int | None = None
) -> dict[int, list[Match]]:
    """For each source, the matching targets, best first (see the module's docstring)."""
    return MatchIndex(targets).rank(sources, now=now, limit=limit)


class BruteForce:
    """The reference: every source measured against every target (vectorised per source, no index)."""

    def __init__(self, targets: Sequence[Item]) -> None:
        self.targets = _Columns(targets)
        codes: dict[tuple[str, str], int] = {}
        self.groups = np.array(
            [codes.setdefault((t.kind, t.category), len(codes)) for t in self.targets.items], dtype=np.int64
        )
        self.codes = codes

    def rank(
        self, sources: Sequence[Item], *, now: float, limit: int | None = None
    ) -> dict[int, list[Match]]:
        source_columns = _Columns(sources)
        targets, n = self.targets, len(self.targets)
        result: dict[int, list[Match]] = {}
        for position, source in enumerate(source_columns.items):
            code = self.codes.get((source.kind, source.category))
            if code is None:
                continue
            distance = haversine_km(np.full(n, source.lon), np.full(n, source.lat), targets.lon, targets.lat)
            tgt = np.flatnonzero(self.groups == code)
            _finish(
                source_columns, targets, np.full(len(tgt), position), tgt, distance[tgt], now, limit, result
            )
        return result


def rank_brute_force(
    sources: Sequence[Item], targets: Sequence[Item], *, now: float, limit: int | None = None
) -> dict[int, list[Match]]:
    """Same answer as `rank`, by measuring every pair (the reference of the tests and the benchmark)."""
    return BruteForce(targets).rank(sources, now=now, limit=limit)


# --- Mentoring ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Companion:
    """A place that offers to accompany: its themes, how far it travels, how many more projects it can take."""

    id: int
    lon: float
    lat: float
    themes: frozenset[str]
    travel_km: float
    free_places: int


@dataclass(frozen=True)
class Seeker:
    id: int
    lon: float
    lat: float
    themes: frozenset[str]


@dataclass(frozen=True)
class CompanionMatch:
    companion: int
    common_themes: tuple[str, ...]
    distance_km: float


def companions_for(
    seeker: Seeker, companions: Iterable[Companion], *, limit: int = 10
) -> list[CompanionMatch]:
    """The companions for `seeker`, most common themes first, then nearest, then by id."""
    companions = [c for c in companions if c.free_places > 0 and c.themes & seeker.themes]
    if not companions:
        return []
    distances = haversine_km(
        np.full(len(companions), seeker.lon),
        np.full(len(companions), seeker.lat),
        np.array([c.lon for c in companions]),
        np.array([c.lat for c in companions]),
    ).tolist()
    found = [
        CompanionMatch(c.id, tuple(sorted(c.themes & seeker.themes)), distance)
        for c, distance in zip(companions, distances, strict=True)
        if distance <= c.travel_km
    ]
    found.sort(key=lambda m: (-len(m.common_themes), m.distance_km, m.companion))
    return found[:limit]
