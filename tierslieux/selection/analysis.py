"""Figures around a selection for the pages (plain Python, no Django): which target communes are already
covered, newly covered by a selection, or left white; the population each application brings on its own;
the differences between two selections."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from tierslieux.geo.spherical import km_to_chord, lonlat_to_xyz

from .optimiser import SelectionProblem


def _located(points) -> list:
    return [p for p in points if math.isfinite(p.lon) and math.isfinite(p.lat)]


def _within(sources: Sequence, targets: Sequence, radius_km: float) -> list[list[int]]:
    """For each source, the indexes of the targets within `radius_km` (great-circle)."""
    if not sources or not targets:
        return [[] for _ in sources]
    tree = cKDTree(lonlat_to_xyz([t.lon for t in targets], [t.lat for t in targets]))
    xyz = lonlat_to_xyz([s.lon for s in sources], [s.lat for s in sources])
    return [sorted(hits) for hits in tree.query_ball_point(xyz, km_to_chord(radius_km))]


@dataclass(frozen=True)
class CoverageMap:
    already: frozenset[str]
    """Target commune codes within reach of an existing place."""
    reach: Mapping[str, tuple[str, ...]]
    """Application id -> codes of the uncovered target communes within reach."""
    alone: Mapping[str, int]
    """Application id -> population it would bring within reach on its own."""

    def newly_covered(self, selected: Iterable[str]) -> set[str]:
        codes: set[str] = set()
        for app_id in selected:
            codes.update(self.reach.get(app_id, ()))
        return codes


def coverage_map(problem: SelectionProblem) -> CoverageMap:
    coverage = problem.coverage
    targets = _located(coverage.targets)
    radius = coverage.radius_km
    already: set[str] = set()
    for hits in _within(_located(coverage.existing), targets, radius):
        already.update(targets[i].code for i in hits)
    apps = _located(problem.applications)
    reach: dict[str, tuple[str, ...]] = {a.id: () for a in problem.applications}
    alone: dict[str, int] = {a.id: 0 for a in problem.applications}
    for app, hits in zip(apps, _within(apps, targets, radius), strict=True):
        codes = tuple(targets[i].code for i in hits if targets[i].code not in already)
        reach[app.id] = codes
        alone[app.id] = int(sum(targets[i].population for i in hits if targets[i].code not in already))
    return CoverageMap(frozenset(already), reach, alone)


def reachable_targets(
    candidates: Sequence[tuple[float, float]], targets: Sequence[tuple[float, float]], radius_km: float
) -> np.ndarray:
    """Boolean mask over `targets` (lon, lat): within `radius_km` of at least one candidate."""
    mask = np.zeros(len(targets), dtype=bool)
    located = [(lon, lat) for lon, lat in candidates if math.isfinite(lon) and math.isfinite(lat)]
    if not located or not len(targets):
        return mask
    tree = cKDTree(lonlat_to_xyz([c[0] for c in located], [c[1] for c in located]))
    xyz = lonlat_to_xyz([t[0] for t in targets], [t[1] for t in targets])
    counts = tree.query_ball_point(xyz, km_to_chord(radius_km), return_length=True)
    return np.asarray(counts) > 0


@dataclass(frozen=True)
class Difference:
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    both: tuple[str, ...]
    moved: tuple[tuple[str, str, str], ...]
    """Selected by both but in another envelope: (id, envelope in A, envelope in B)."""


def difference(a: Mapping[str, str], b: Mapping[str, str]) -> Difference:
    both = sorted(set(a) & set(b))
    return Difference(
        only_a=tuple(sorted(set(a) - set(b))),
        only_b=tuple(sorted(set(b) - set(a))),
        both=tuple(both),
        moved=tuple((k, a[k], b[k]) for k in both if a[k] != b[k]),
    )
