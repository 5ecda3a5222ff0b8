"""Reads of the reference geography: outlines, search, territory facts and classification."""

from __future__ import annotations

import json

from django.core.cache import cache

from .models import Department, Region

OUTLINE_LEVELS = {"regions": Region, "departements": Department}
_CACHE_SECONDS = 600
_CACHE_PREFIX = "geo:"


def geo_cache_clear() -> None:
    """Forget every cached read of this module (called after load_geo / load_qpv_perimeters)."""
    cache.delete_many([f"{_CACHE_PREFIX}outlines:{level}" for level in OUTLINE_LEVELS])


def outlines_geojson_bytes(level: str) -> bytes:
    """FeatureCollection (UTF-8 bytes) of the outlines of every region or department.

    Each feature has the properties code, name and level ("region" or "department").
    """
    key = f"{_CACHE_PREFIX}outlines:{level}"
    payload = cache.get(key)
    if payload is None:
        model = OUTLINE_LEVELS[level]
        kind = "region" if model is Region else "department"
        features = []
        for code, name, outline in model.objects.exclude(outline="").values_list("code", "name", "outline"):
            geometry = outline.strip()
            features.append(
                '{"type":"Feature","properties":'
                + json.dumps({"code": code, "name": name, "level": kind}, ensure_ascii=False)
                + ',"geometry":'
                + geometry
                + "}"
            )
        payload = ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}").encode()
        cache.set(key, payload, _CACHE_SECONDS)
    return payload
