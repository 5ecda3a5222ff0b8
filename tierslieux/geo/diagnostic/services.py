"""Writes of the stored coverage: full recomputation and incremental update after places change."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Iterable

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from tierslieux.geo.coverage import CoverageIndex, CoverageResult, Places
from tierslieux.places.models import Place, Publication

from .inputs import (
    DEFAULT_FILTER,
    coverage_parameters,
    coverage_settings,
    data_fingerprint,
    geography,
    places_for,
)
from .models import CommuneCoverage, CoveragePlace, CoverageRun

_BATCH = 2000
RUNS_KEPT = 500
"""Incremental runs older than the last RUNS_KEPT runs are deleted (full runs are all kept)."""
_INDEX_LOCK = threading.Lock()
_INDEX: dict[str, object] = {}
"""The incremental index of this process, with the (run id, fingerprint) it matches."""


def places_state_fingerprint(places: Places, parameters: dict) -> str:
    """Hash of the counted places (id, point, host commune), the communes and the parameters."""
    digest = hashlib.sha256(repr(sorted(parameters.items())).encode())
    digest.update(repr([int(i) for i in places.ids]).encode())
    digest.update(np.asarray(places.lon, dtype=np.float64).tobytes())
    digest.update(np.asarray(places.lat, dtype=np.float64).tobytes())
    commune_ids = [] if places.commune_ids is None else [str(c) for c in places.commune_ids]
    digest.update(repr(commune_ids).encode())
    return digest.hexdigest()[:32]


def _commune_rows(result: CoverageResult, rows: Iterable[int]) -> list[CommuneCoverage]:
    nearest_ids = result.nearest_place_id
    out = []
    for i in rows:
        km = float(result.nearest_km[i])
        counts = result.ring_counts[i]
        out.append(
            CommuneCoverage(
                commune_id=result.commune_ids[i],
                nearest_place_id=nearest_ids[i],
                nearest_km=km if math.isfinite(km) else None,
                within_5km=int(counts[0]),
                within_10km=int(counts[1]),
                within_20km=int(counts[2]),
                white_zone=bool(result.white_zone[i]),
            )
        )
    return out


def _remember(run: CoverageRun, index: CoverageIndex | None) -> None:
    with _INDEX_LOCK:
        _INDEX.clear()
        if index is not None:
            _INDEX.update(key=(run.pk, run.fingerprint), index=index)


def coverage_recompute_all(*, progress: bool = False) -> CoverageRun:
    """Recompute the coverage of every commune by the open places and store it (atomic)."""
    started_at, start = timezone.now(), time.perf_counter()
    geo = geography()
    places = places_for(DEFAULT_FILTER, data_fingerprint())
    parameters = coverage_parameters()
    index = CoverageIndex(geo.communes, places, coverage_settings())
    result = index.result()
    with transaction.atomic():
        CommuneCoverage.objects.all().delete()
        CoveragePlace.objects.all().delete()
        _insert_rows(result, progress=progress)
        CoveragePlace.objects.bulk_create(
            [
                CoveragePlace(place_id=int(pid), lon=float(lon), lat=float(lat), commune_id=str(commune))
                for pid, lon, lat, commune in zip(
                    places.ids, places.lon, places.lat, places.commune_ids, strict=True
                )
            ],
            batch_size=_BATCH,
        )
        run = CoverageRun.objects.create(
            kind=CoverageRun.Kind.FULL,
            started_at=started_at,
            duration_ms=(time.perf_counter() - start) * 1000.0,
            parameters=parameters,
            fingerprint=places_state_fingerprint(places, parameters),
            commune_count=len(geo.communes),
            place_count=len(places),
            changed_communes=len(geo.communes),
        )
    transaction.on_commit(lambda: _remember(run, index))
    return run


def _insert_rows(result: CoverageResult, *, progress: bool) -> None:
    """Insert every commune's row with plain parameterised INSERTs (the ORM's bulk_create is 10x slower here)."""
    meta = CommuneCoverage._meta
    quote = connection.ops.quote_name
    columns = [
        "commune",
        "nearest_place",
        "nearest_km",
        "within_5km",
        "within_10km",
        "within_20km",
        "white_zone",
        "updated_at",
    ]
    names = ", ".join(quote(meta.get_field(c).column) for c in columns)
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 (model's names, quoted; values parameterised)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    nearest_ids = result.nearest_place_id
    km = result.nearest_km
    counts = result.ring_counts.tolist()
    white = result.white_zone.tolist()
    n = len(result.commune_ids)
    bar = tqdm(total=n, unit=" communes", desc="Couverture", disable=not progress)
    with connection.cursor() as cursor:
        for begin in range(0, n, _BATCH):
            params = [
                (
                    str(result.commune_ids[i]),
                    None if nearest_ids[i] is None else int(nearest_ids[i]),
                    float(km[i]) if math.isfinite(km[i]) else None,
                    *counts[i],
                    white[i],
                    now,
                )
                for i in range(begin, min(n, begin + _BATCH))
            ]
            cursor.executemany(sql, params)
            bar.update(len(params))
    bar.close()


def _snapshot_places() -> Places:
    rows = list(
        CoveragePlace.objects.order_by("place_id").values_list("place_id", "lon", "lat", "commune_id")
    )
    return Places(
        ids=[r[0] for r in rows],
        lon=[r[1] for r in rows],
        lat=[r[2] for r in rows],
        commune_ids=[r[3] for r in rows],
    )


def _index_for(run: CoverageRun) -> CoverageIndex:
    with _INDEX_LOCK:
        if _INDEX.get("key") == (run.pk, run.fingerprint):
            index = _INDEX["index"]
            _INDEX.clear()  # taken: it is given back only once the update has committed
            return index  # type: ignore[return-value]
        _INDEX.clear()
    return CoverageIndex(geography().communes, _snapshot_places(), coverage_settings())


def _changed_rows(before: CoverageResult, after: CoverageResult) -> np.ndarray:
    changed = (
        (before.nearest_place_id != after.nearest_place_id)
        | ~np.isclose(before.nearest_km, after.nearest_km, rtol=0, atol=1e-9)  # inf is close to inf
        | (before.ring_counts != after.ring_counts).any(axis=1)
        | (before.white_zone != after.white_zone)
    )
    return np.flatnonzero(changed)


def coverage_update_places(*, place_ids: Iterable[int]) -> CoverageRun | None:
    """Bring the stored coverage up to date after the places `place_ids` were added, moved, closed or deleted.

    Only the communes whose values change are rewritten. Does nothing while no full computation was stored;
    recomputes everything when the communes or the parameters changed since.
    """
    ids = sorted({int(pid) for pid in place_ids})
    started_at, start = timezone.now(), time.perf_counter()
    last = CoverageRun.objects.order_by("-id").first()
    if last is None or not ids:
        return None
    parameters = coverage_parameters()
    if last.parameters != parameters:
        return coverage_recompute_all()
    with transaction.atomic():
        index = _index_for(last)
        before = index.result()
        current = {p.pk: p for p in Place.objects.filter(pk__in=ids).select_related("commune")}
        snapshot = CoveragePlace.objects.in_bulk(ids)
        parent_of = geography().parent_of
        dropped: list[int] = []
        counted_now: list[CoveragePlace] = []
        for pid in ids:
            place = current.get(pid)
            counted = (
                place is not None
                and place.publication == Publication.PUBLISHED
                and DEFAULT_FILTER.accepts(place.status, tuple(place.types or ()), tuple(place.labels or ()))
            )
            stored = snapshot.get(pid)
            if not counted:
                if pid in index:
                    index.remove_place(pid)
                if stored is not None:
                    dropped.append(pid)
                continue
            commune = parent_of.get(place.commune_id, place.commune_id)
            if pid not in index:
                index.add_place(pid, place.lon, place.lat, commune)
            elif stored is None or (stored.lon, stored.lat, stored.commune_id) != (
                place.lon,
                place.lat,
                commune,
            ):
                index.move_place(pid, place.lon, place.lat, commune)
            else:
                continue
            counted_now.append(CoveragePlace(place_id=pid, lon=place.lon, lat=place.lat, commune_id=commune))
        CoveragePlace.objects.filter(pk__in=dropped).delete()
        CoveragePlace.objects.bulk_create(
            counted_now,
            update_conflicts=True,
            unique_fields=["place_id"],
            update_fields=["lon", "lat", "commune_id"],
            batch_size=_BATCH,
        )
        after = index.result()
        rows = _commune_rows(after, _changed_rows(before, after))
        CommuneCoverage.objects.bulk_update(
            rows,
            ["nearest_place", "nearest_km", "within_5km", "within_10km", "within_20km", "white_zone"],
            batch_size=_BATCH,
        )
        run = CoverageRun.objects.create(
            kind=CoverageRun.Kind.INCREMENTAL,
            started_at=started_at,
            duration_ms=(time.perf_counter() - start) * 1000.0,
            parameters=parameters,
            fingerprint=places_state_fingerprint(_snapshot_places(), parameters),
            commune_count=len(after.commune_ids),
            place_count=len(index),
            changed_communes=len(rows),
            place_ids=ids,
        )
        CoverageRun.objects.filter(kind=CoverageRun.Kind.INCREMENTAL, pk__lte=run.pk - RUNS_KEPT).delete()
    transaction.on_commit(lambda: _remember(run, index))
    return run
