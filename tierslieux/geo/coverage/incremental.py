"""Incremental coverage: add, move and remove places; what-if for a new place."""

from __future__ import annotations

from typing import Any

import numpy as np

from tierslieux.geo.coverage.compute import (
    build_result,
    coverage_arrays,
    host_communes,
    radius_chords,
)
from tierslieux.geo.coverage.inputs import (
    SAME_ZONE_MAX_CHORD,
    Communes,
    CoverageSettings,
    FloatArray,
    IntArray,
    Places,
    kdtree,
    validated_coordinates,
)
from tierslieux.geo.coverage.results import CoverageResult, WhatIf


def _chords_to(xyz: FloatArray, point: FloatArray) -> FloatArray:
    d = xyz - point
    chords: FloatArray = np.sqrt(np.einsum("ij,ij->i", d, d))
    return chords


class CoverageIndex:
    """Coverage kept up to date while places are added, moved and removed.

    Each update touches only the communes whose values can change (see ``docs/coverage.md``):
    counts change only within the largest radius of the old/new position; the nearest place
    changes only for communes whose nearest place was the one moved/removed (re-queried) or that
    are strictly closer to the new position than to their current nearest place - those are in
    the ball of the largest radius, or among the few communes whose nearest place is farther.
    The state always equals :func:`compute_coverage` on the current places: with zones, points are in the
    communes' embedding (a ball never reaches another territory) and a nearest place is only ever one of the
    commune's own territory.

    Places are indexed by a KD-tree snapshot plus the changes since it was built: pending slots
    (added or moved places, searched by brute force) and stale snapshot entries (skipped). The
    snapshot is rebuilt after ``rebuild_every`` changes (default: max(64, places / 50)), which
    keeps the amortised cost of a rebuild per update small.
    """

    def __init__(
        self,
        communes: Communes,
        places: Places | None = None,
        settings: CoverageSettings | None = None,
        *,
        rebuild_every: int | None = None,
        workers: int = 1,
    ) -> None:
        self.communes = communes
        self.settings = settings or CoverageSettings()
        self._chords = radius_chords(self.settings)
        self._rebuild_every = None if rebuild_every is None else max(1, rebuild_every)
        self._workers = workers
        self._xyz = communes.xyz
        self._tree = communes.tree
        # Lists are accepted: Places.__post_init__ turns them into arrays.
        places = places if places is not None else Places(ids=[], lon=[], lat=[])  # type: ignore[arg-type]
        n_places = len(places)
        self._slot_of: dict[Any, int] = {pid: i for i, pid in enumerate(places.ids)}
        self._place_ids: list[Any] = list(places.ids)
        place_xyz = communes.place_xyz(places)
        self._place_xyz = np.empty((max(16, 2 * n_places), self._xyz.shape[1]))
        self._place_xyz[:n_places] = place_xyz
        self._alive = np.zeros(len(self._place_xyz), dtype=bool)
        self._alive[:n_places] = True
        self._host = np.full(len(self._place_xyz), -1, dtype=np.int64)
        self._host[:n_places] = host_communes(communes, places)
        self._rebuild_places()
        self._nearest_chord, self._nearest_slot, self._counts = coverage_arrays(
            communes, place_xyz, self._chords, workers
        )
        self.last_recomputed = len(communes)
        """Number of communes whose values were recomputed by the last operation."""

    # -- place spatial index: snapshot KD-tree + stale entries + pending slots

    def _rebuild_places(self) -> None:
        slots = np.flatnonzero(self._alive)
        self._snapshot_slots = slots
        self._snapshot = kdtree(self._place_xyz[slots]) if slots.size else None
        self._stale = np.zeros(slots.size, dtype=bool)
        self._n_stale = 0
        self._snapshot_pos = {int(s): i for i, s in enumerate(slots)}
        self._pending: list[int] = []

    def _retire(self, slot: int) -> None:
        """Take ``slot`` out of the place index (it is being moved or removed)."""
        pos = self._snapshot_pos.pop(slot, None)
        if pos is not None:
            self._stale[pos] = True
            self._n_stale += 1
        else:
            self._pending.remove(slot)

    def _after_change(self) -> None:
        limit = self._rebuild_every or max(64, len(self._slot_of) // 50)
        if self._n_stale + len(self._pending) >= limit:
            self._rebuild_places()

    def _query_nearest(self, rows: IntArray) -> tuple[FloatArray, IntArray]:
        """Exact nearest live place for the communes ``rows``."""
        best = np.full(rows.size, np.inf)
        slot = np.full(rows.size, -1, dtype=np.int64)
        if rows.size == 0:
            return best, slot
        points = self._xyz[rows]
        if self._snapshot is not None:
            # The first live entry among the k nearest is the nearest live one; widen k until found.
            todo, k = np.arange(rows.size), (2 if self._n_stale else 1)
            while todo.size:
                k = min(k, self._snapshot.n)
                dist, pos = self._snapshot.query(points[todo], k=k)
                dist, pos = dist.reshape(todo.size, k), pos.reshape(todo.size, k)
                live = ~self._stale[pos]
                first = np.argmax(live, axis=1)
                found = live[np.arange(todo.size), first]
                hit = todo[found]
                best[hit] = dist[found, first[found]]
                slot[hit] = self._snapshot_slots[pos[found, first[found]]]
                if k == self._snapshot.n:
                    break  # every remaining snapshot entry is stale
                todo, k = todo[~found], 4 * k
        if self._pending:
            pending = np.asarray(self._pending, dtype=np.int64)
            diff = points[:, None, :] - self._place_xyz[pending][None, :, :]
            chords = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
            j = np.argmin(chords, axis=1)
            d = chords[np.arange(rows.size), j]
            closer = d < best
            best[closer] = d[closer]
            slot[closer] = pending[j[closer]]
        # The nearest live place of another territory is no nearest place (its chord exceeds 2).
        other = best > SAME_ZONE_MAX_CHORD
        best[other], slot[other] = np.inf, -1
        return best, slot

    # -- geometric effects of one point on the communes

    def _ball(self, point: FloatArray) -> tuple[IntArray, FloatArray]:
        rows = np.asarray(self._tree.query_ball_point(point, self._chords[-1]), dtype=np.int64)
        return rows, _chords_to(self._xyz[rows], point)

    def _shift_counts(self, point: FloatArray, sign: int) -> IntArray:
        rows, chords = self._ball(point)
        self._counts[rows] += sign * (chords[:, None] <= self._chords[None, :])
        return rows

    def _claim(self, slot: int, point: FloatArray, ball_rows: IntArray) -> IntArray:
        """Make ``slot`` the nearest place of the communes strictly closer to it; returns them.

        ``ball_rows`` are the communes within the largest radius of ``point``; the others can only
        be closer to it than to their nearest place if that one is beyond the largest radius.
        """
        far_rows = np.flatnonzero(self._nearest_chord > self._chords[-1])
        rows = np.union1d(ball_rows, far_rows)
        chords = _chords_to(self._xyz[rows], point)
        closer = (chords < self._nearest_chord[rows]) & (chords <= SAME_ZONE_MAX_CHORD)  # same territory
        rows = rows[closer]
        self._nearest_chord[rows] = chords[closer]
        self._nearest_slot[rows] = slot
        return rows

    def _requery(self, slot: int) -> IntArray:
        rows = np.flatnonzero(self._nearest_slot == slot)
        self._nearest_chord[rows], self._nearest_slot[rows] = self._query_nearest(rows)
        return rows

    def _point(self, lon: float, lat: float, commune_id: Any = None) -> FloatArray:
        """The point in the communes' embedding (in the zone of ``commune_id``, else of the nearest commune)."""
        lon_arr, lat_arr = validated_coordinates([lon], [lat], "place")
        return self.communes.point_xyz(float(lon_arr[0]), float(lat_arr[0]), commune_id)

    # -- public API

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._slot_of

    def add_place(self, place_id: Any, lon: float, lat: float, commune_id: Any = None) -> None:
        """Add a place; ``commune_id`` is its host commune (else the commune with the nearest point)."""
        if place_id in self._slot_of:
            raise ValueError(f"place {place_id!r} already exists")
        point = self._point(lon, lat, commune_id)
        slot = len(self._place_ids)
        if slot == len(self._place_xyz):
            grow = len(self._place_xyz)
            self._place_xyz = np.vstack([self._place_xyz, np.empty((grow, self._place_xyz.shape[1]))])
            self._alive = np.concatenate([self._alive, np.zeros(grow, dtype=bool)])
            self._host = np.concatenate([self._host, np.full(grow, -1, dtype=np.int64)])
        self._place_ids.append(place_id)
        self._slot_of[place_id] = slot
        self._place_xyz[slot] = point
        self._alive[slot] = True
        self._host[slot] = self._host_of(point, commune_id)
        self._pending.append(slot)
        ball_rows = self._shift_counts(point, +1)
        touched = np.union1d(ball_rows, self._claim(slot, point, ball_rows))
        self.last_recomputed = int(touched.size)
        self._after_change()

    def move_place(self, place_id: Any, lon: float, lat: float, commune_id: Any = None) -> None:
        """Move a place to a new point (its host commune is updated the same way as in ``add_place``)."""
        slot = self._slot_of[place_id]
        point = self._point(lon, lat, commune_id)
        old_rows = self._shift_counts(self._place_xyz[slot], -1)
        self._retire(slot)
        self._place_xyz[slot] = point
        self._host[slot] = self._host_of(point, commune_id)
        self._pending.append(slot)
        new_rows = self._shift_counts(point, +1)
        orphans = self._requery(slot)  # their nearest was this place: query again (it may still be)
        claimed = self._claim(slot, point, new_rows)
        self.last_recomputed = int(
            np.union1d(np.union1d(old_rows, new_rows), np.union1d(orphans, claimed)).size
        )
        self._after_change()

    def remove_place(self, place_id: Any) -> None:
        """Remove a place."""
        slot = self._slot_of.pop(place_id)
        rows = self._shift_counts(self._place_xyz[slot], -1)
        self._retire(slot)
        self._alive[slot] = False
        orphans = self._requery(slot)
        self.last_recomputed = int(np.union1d(rows, orphans).size)
        self._after_change()

    def _host_of(self, point: FloatArray, commune_id: Any) -> int:
        if commune_id is not None:
            return self.communes.position.get(commune_id, -1)
        return int(self.communes.nearest_rows(point[:3])[0])

    def compact(self) -> None:
        """Rebuild the places KD-tree snapshot now (otherwise done automatically; results are unchanged)."""
        self._rebuild_places()

    def result(self) -> CoverageResult:
        """The current coverage (a copy, safe to keep)."""
        slots = np.flatnonzero(self._alive)
        remap = np.full(len(self._alive) + 1, -1, dtype=np.int64)
        remap[slots] = np.arange(slots.size)
        place_ids = np.empty(slots.size, dtype=object)
        place_ids[:] = [self._place_ids[s] for s in slots]
        return build_result(
            self.communes,
            self.settings,
            self._nearest_chord.copy(),
            remap[self._nearest_slot],  # -1 maps to the extra last cell, which is -1
            place_ids,
            self._host[slots].copy(),
            self._counts.copy(),
        )

    def what_if(self, lon: float, lat: float) -> WhatIf:
        """Population a new place at (lon, lat) would bring within each radius (nothing is changed); the
        place is in the zone of the commune whose point is nearest."""
        point = self._point(lon, lat)
        rows, chords = self._ball(point)
        population = self.communes.population[rows]
        newly = (chords[:, None] <= self._chords[None, :]) & (self._counts[rows] == 0)
        gained = population @ newly
        radii = self.settings.radii_km
        white = radii.index(self.settings.white_zone_km)
        leaving = rows[newly[:, white]]
        leaving = leaving[np.argsort(-self.communes.population[leaving], kind="stable")]
        return WhatIf(
            lon=float(lon),
            lat=float(lat),
            white_zone_km=self.settings.white_zone_km,
            population_gained=float(gained[white]),
            rings_km=self.settings.rings_km,
            population_gained_by_ring=tuple(float(gained[radii.index(r)]) for r in self.settings.rings_km),
            communes_leaving_white_zone=tuple(self.communes.ids[leaving]),
        )
