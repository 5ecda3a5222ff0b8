"""Scores and reviewer assignment, in plain Python (no Django import).

A review gives each criterion a value 0..scale_max; its weighted score is Σ weight·value / Σ weight (same scale).
A file's score is the mean of its submitted reviews' weighted scores. Reviewers "disagree" on a criterion when
the spread (max − min) of their values exceeds `DISAGREEMENT` points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

DISAGREEMENT = 2
MIN_REVIEWERS = 2


def weighted_score(values: Mapping[int, int], weights: Mapping[int, int]) -> float | None:
    """Σ weight·value / Σ weight over the criteria of `weights` that have a value; None when none has."""
    total = sum(weights[c] for c in values if c in weights)
    if not total:
        return None
    return sum(weights[c] * v for c, v in values.items() if c in weights) / total


@dataclass
class CriterionSpread:
    criterion: int
    values: list[int]

    @property
    def spread(self) -> int:
        return max(self.values) - min(self.values) if self.values else 0

    @property
    def mean(self) -> float | None:
        return sum(self.values) / len(self.values) if self.values else None

    @property
    def disagreement(self) -> bool:
        return self.spread > DISAGREEMENT


@dataclass
class FileScore:
    """The aggregate of a file's submitted reviews."""

    score: float | None
    reviews: int
    criteria: list[CriterionSpread] = field(default_factory=list)

    @property
    def disagreement(self) -> bool:
        return any(c.disagreement for c in self.criteria)


def file_score(reviews: Sequence[Mapping[int, int]], weights: Mapping[int, int]) -> FileScore:
    """Aggregate `reviews` (each {criterion id: value}) under `weights` ({criterion id: weight})."""
    scores = [s for s in (weighted_score(r, weights) for r in reviews) if s is not None]
    criteria = [CriterionSpread(c, [r[c] for r in reviews if c in r]) for c in weights]
    return FileScore(
        score=sum(scores) / len(scores) if scores else None, reviews=len(scores), criteria=criteria
    )


@dataclass(frozen=True)
class Candidate:
    """A possible reviewer: id, department code (or None) and current load (open assignments)."""

    id: int
    department: str | None
    load: int


def propose(
    files: Sequence[tuple[int, str | None, Iterable[int]]],
    reviewers: Sequence[Candidate],
    *,
    per_file: int = MIN_REVIEWERS,
    avoid_same_department: bool = False,
    excluded: Mapping[int, Iterable[int]] | None = None,
) -> dict[int, list[int]]:
    """Propose reviewers for each file so that each file has `per_file` reviewers, balancing the load.

    `files`: (file id, department code, reviewers already assigned). `excluded`: {file id: reviewer ids that may
    not review it (applicant, declared conflicts)}. Greedy: each file in turn takes the least-loaded eligible
    reviewers (ties broken by id, so the result is deterministic). Returns {file id: [new reviewer ids]}; a
    file may get fewer than needed when too few reviewers are eligible.
    """
    load = {r.id: r.load for r in reviewers}
    excluded = excluded or {}
    proposal: dict[int, list[int]] = {}
    for file_id, department, already in files:
        already = set(already)
        needed = per_file - len(already)
        if needed <= 0:
            continue
        banned = already | set(excluded.get(file_id, ()))
        eligible = [
            r
            for r in reviewers
            if r.id not in banned
            and not (avoid_same_department and department and r.department == department)
        ]
        eligible.sort(key=lambda r: (load[r.id], r.id))
        chosen = [r.id for r in eligible[:needed]]
        for reviewer_id in chosen:
            load[reviewer_id] += 1
        proposal[file_id] = chosen
    return proposal
