"""What the pages and exports show of a stored run (plain Python over the run's JSON, no query)."""

from __future__ import annotations

from dataclasses import dataclass

from . import analysis


@dataclass(frozen=True)
class Row:
    reference: str
    pk: int | None
    title: str
    place: str
    commune: str
    department: str
    score: float | None
    requested: int
    envelope_code: str
    envelope: str
    alone_population: int
    reason: str
    baseline_envelope: str

    @property
    def selected(self) -> bool:
        return bool(self.envelope_code)

    @property
    def in_baseline(self) -> bool:
        return bool(self.baseline_envelope)


def rows(result: dict, baseline: dict, context: dict) -> list[Row]:
    """One row per candidate: selected ones first (by reference), then the others by decreasing score."""
    envelopes = context.get("envelopes", {})
    assignment = result.get("assignment") or {}
    base = (baseline or {}).get("assignment") or {}
    reasons = result.get("reasons") or {}
    out = []
    for ref, info in (context.get("applications") or {}).items():
        code = assignment.get(ref, "")
        reason = reasons.get(ref) or {}
        out.append(
            Row(
                reference=ref,
                pk=info.get("pk"),
                title=info.get("title", ""),
                place=info.get("place", ""),
                commune=info.get("commune", ""),
                department=info.get("department", ""),
                score=info.get("score"),
                requested=int(info.get("requested") or 0),
                envelope_code=code,
                envelope=envelopes.get(code, code),
                alone_population=int(info.get("alone_population") or 0),
                reason="" if code else reason.get("message", ""),
                baseline_envelope=envelopes.get(base.get(ref, ""), base.get(ref, "")),
            )
        )
    out.sort(key=lambda r: (not r.selected, -(r.score or 0.0), r.reference))
    return out


@dataclass(frozen=True)
class Comparison:
    """The optimiser's selection against another one (the rank-by-score baseline, or another scenario)."""

    score_a: float
    score_b: float
    population_a: int
    population_b: int
    difference: analysis.Difference

    @property
    def score_delta(self) -> float:
        return self.score_a - self.score_b

    @property
    def population_delta(self) -> int:
        return self.population_a - self.population_b

    @property
    def population_gain_pct(self) -> float | None:
        if not self.population_b:
            return None
        return 100.0 * (self.population_a - self.population_b) / self.population_b

    @property
    def score_change_pct(self) -> float | None:
        if not self.score_b:
            return None
        return 100.0 * (self.score_a - self.score_b) / self.score_b


def compare(a: dict, b: dict) -> Comparison:
    return Comparison(
        score_a=float(a.get("score_total") or 0.0),
        score_b=float(b.get("score_total") or 0.0),
        population_a=int(a.get("newly_covered_population") or 0),
        population_b=int(b.get("newly_covered_population") or 0),
        difference=analysis.difference(a.get("assignment") or {}, b.get("assignment") or {}),
    )


def map_geojson(result: dict, context: dict, inputs: dict) -> dict:
    """Points: candidates (selected or not) and target communes (already covered, newly covered, white)."""
    assignment = result.get("assignment") or {}
    already = set(context.get("already_covered") or [])
    radius = (inputs.get("coverage") or {}).get("radius_km", 10.0)
    from .serialize import problem_from_json

    newly: set[str] = set()
    if inputs:
        newly = analysis.coverage_map(problem_from_json(inputs)).newly_covered(assignment)
    features = []
    for code, t in (context.get("targets") or {}).items():
        kind = "covered" if code in already else ("newly" if code in newly else "white")
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [t["lon"], t["lat"]]},
                "properties": {"kind": kind, "name": t["name"], "population": t["population"]},
            }
        )
    for place in (inputs.get("coverage") or {}).get("existing", ()):
        if place.get("lon") is None or place.get("lat") is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
                "properties": {"kind": "existing", "name": place.get("label") or "Lieu labellisé"},
            }
        )
    for ref, info in (context.get("applications") or {}).items():
        if info.get("lon") is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [info["lon"], info["lat"]]},
                "properties": {
                    "kind": "selected" if ref in assignment else "candidate",
                    "name": f"{ref} — {info.get('place') or info.get('title') or ''}",
                    "radius_km": radius,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def white_zone_counts(result: dict, context: dict, inputs: dict) -> dict:
    kinds = {"covered": [0, 0], "newly": [0, 0], "white": [0, 0]}
    for feature in map_geojson(result, context, inputs)["features"]:
        props = feature["properties"]
        if props["kind"] in kinds:
            kinds[props["kind"]][0] += 1
            kinds[props["kind"]][1] += props["population"]
    return kinds
