"""Coverage figures for a group of communes (EPCI, department, region, France)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from tierslieux.geo.coverage.inputs import Communes, IntArray
from tierslieux.geo.coverage.results import CoverageResult, TerritoryCoverage, WhiteZoneCommune


def _share(part: float, whole: float) -> float:
    return part / whole if whole > 0 else math.nan


def _summarize_rows(
    communes: Communes,
    result: CoverageResult,
    rows: IntArray,
    place_count: int,
    label: str,
    limit: int | None,
) -> TerritoryCoverage:
    population = communes.population[rows]
    total = float(population.sum())
    covered = result.ring_counts[rows] > 0
    within = tuple(float(population[covered[:, k]].sum()) for k in range(covered.shape[1]))
    white_rows = rows[result.white_zone[rows]]
    white_population = communes.population[white_rows]
    # Most populated first; ties by id for a stable order.
    order = sorted(
        range(white_rows.size), key=lambda j: (-white_population[j], str(communes.ids[white_rows[j]]))
    )
    if limit is not None:
        order = order[:limit]
    white_list = tuple(
        WhiteZoneCommune(
            commune_id=communes.ids[white_rows[j]],
            name=None if communes.names is None else communes.names[white_rows[j]],
            population=float(white_population[j]),
            nearest_km=float(result.nearest_km[white_rows[j]]),
        )
        for j in order
    )
    white_total = float(white_population.sum())
    return TerritoryCoverage(
        label=label,
        commune_count=int(rows.size),
        population=total,
        place_count=place_count,
        places_per_10k=_share(place_count * 10_000.0, total),
        rings_km=result.settings.rings_km,
        population_within=within,
        share_within=tuple(_share(p, total) for p in within),
        white_zone_km=result.settings.white_zone_km,
        white_zone_population=white_total,
        white_zone_share=_share(white_total, total),
        white_zone_commune_count=int(white_rows.size),
        white_zone_communes=white_list,
    )


def summarize_territory(
    communes: Communes,
    result: CoverageResult,
    commune_mask: ArrayLike | None = None,
    *,
    label: str = "France",
    max_white_zone_communes: int | None = None,
) -> TerritoryCoverage:
    """Figures for the communes selected by ``commune_mask`` (all communes when ``None``).

    ``result`` must come from the full set of places (a territory's communes may be served by
    places outside it); to restrict to a type of place, compute it with ``place_subset``.
    """
    n = len(communes)
    mask = np.ones(n, dtype=bool) if commune_mask is None else np.asarray(commune_mask, dtype=bool)
    if mask.shape != (n,):
        raise ValueError(f"commune_mask must have length {n}")
    hosts = result.place_commune
    place_count = int(mask[hosts[hosts >= 0]].sum())
    return _summarize_rows(
        communes, result, np.flatnonzero(mask), place_count, label, max_white_zone_communes
    )


def summarize_by(
    communes: Communes, result: CoverageResult, key: str, *, max_white_zone_communes: int | None = None
) -> dict[Any, TerritoryCoverage]:
    """Figures for every territory of ``communes.territories[key]`` (e.g. ``"department"``)."""
    codes = communes.territories[key]
    labels, group = np.unique(codes.astype(str), return_inverse=True)
    order = np.argsort(group, kind="stable")
    bounds = np.searchsorted(group[order], np.arange(labels.size + 1))
    hosts = result.place_commune
    place_counts = np.bincount(group[hosts[hosts >= 0]], minlength=labels.size)
    return {
        str(label): _summarize_rows(
            communes,
            result,
            order[bounds[g] : bounds[g + 1]],
            int(place_counts[g]),
            str(label),
            max_white_zone_communes,
        )
        for g, label in enumerate(labels)
    }
