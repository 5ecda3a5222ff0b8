"""Find the commune of a place: the geo engineer's point-in-commune lookup when installed, else the INSEE
code, the postcode, and finally the nearest town hall (KD-tree on the unit sphere)."""

from __future__ import annotations

import importlib

import numpy as np
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import Coalesce

from tierslieux.core.cache import LOCAL_DATA, cached
from tierslieux.geo.models import Commune


def _geo_lookup():
    try:
        module = importlib.import_module("tierslieux.geo.lookup")
    except ImportError:
        return None
    for name in ("commune_at", "commune_for_point", "commune_containing"):
        if callable(getattr(module, name, None)):
            return getattr(module, name)
    return None


def _xyz(lon, lat):
    lon, lat = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _nearest_index(signature: tuple[object, ...]):
    """The town halls' KD-tree, built once per process for this state of the communes (core/cache.py)."""
    return cached(("places:town-halls", signature), _build_nearest_index, store=LOCAL_DATA, timeout=None)


def _build_nearest_index():
    from scipy.spatial import cKDTree

    rows = [
        (insee, lon if lon is not None else ilon, lat if lat is not None else ilat)
        for insee, lon, lat, ilon, ilat in Commune.objects.filter(kind=Commune.Kind.COMMUNE).values_list(
            "insee", "town_hall_lon", "town_hall_lat", "interior_lon", "interior_lat"
        )
    ]
    rows = [row for row in rows if row[1] is not None and row[2] is not None]
    if not rows:
        return None, []
    codes = [row[0] for row in rows]
    points = _xyz(np.array([r[1] for r in rows]), np.array([r[2] for r in rows]))
    return cKDTree(points), codes


def nearest_commune(lon: float, lat: float) -> Commune | None:
    # The state of the communes the tree was built from: their number, codes and points (one aggregate query),
    # so that another set of communes of the same size (a reload, another test's data) never reuses the tree.
    signature = Commune.objects.filter(kind=Commune.Kind.COMMUNE).aggregate(
        count=Count("insee"),
        first=Min("insee"),
        last=Max("insee"),
        lon=Sum(Coalesce("town_hall_lon", "interior_lon")),
        lat=Sum(Coalesce("town_hall_lat", "interior_lat")),
    )
    tree, codes = _nearest_index(tuple(signature.values()))
    if tree is None:
        return None
    _, index = tree.query(_xyz(np.array([lon]), np.array([lat]))[0])
    return Commune.objects.get(pk=codes[int(index)])


def commune_for(
    *, lon: float | None, lat: float | None, insee: str = "", postcode: str = "", name: str = ""
) -> Commune | None:
    """The commune of a place. Arrondissements (Paris, Lyon, Marseille) are kept when the code says so."""
    lookup = _geo_lookup()
    if lookup is not None and lon is not None and lat is not None:
        found = lookup(lon, lat)
        if found is not None:
            return found if isinstance(found, Commune) else Commune.objects.filter(pk=found).first()
    insee = (insee or "").strip()
    if insee and insee not in {"0", "00000"}:
        insee = insee.zfill(5)
        commune = Commune.objects.filter(pk=insee).first()
        if commune is not None:
            return commune
    postcode = (postcode or "").strip()
    if len(postcode) == 5 and postcode != "00000":
        candidates = list(Commune.objects.filter(postcodes__contains=postcode))
        if len(candidates) == 1:
            return candidates[0]
        if candidates and name:
            from .text import normalise

            wanted = normalise(name)
            for candidate in candidates:
                if normalise(candidate.name) == wanted:
                    return candidate
    if lon is not None and lat is not None:
        return nearest_commune(lon, lat)
    return None
