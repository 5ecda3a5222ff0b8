"""Public API of the calls, mounted under /api/v1/calls (OpenAPI at /api/v1/docs): published calls, their
envelopes, waves, funding rules, eligibility rules and scoring grid. No personal data."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema

from . import selectors
from .models import Call

router = Router(tags=["Appels à manifestation d’intérêt"])


class EnvelopeOut(Schema):
    code: str
    name: str
    description: str
    max_laureates: int | None
    amount: int | None


class WaveOut(Schema):
    name: str
    opens_at: datetime
    closes_at: datetime
    target_laureates: int | None
    is_open: bool


class RuleOut(Schema):
    name: str
    kind: str
    description: str
    params: dict
    envelopes: list[str]
    wave: str | None


class CriterionOut(Schema):
    name: str
    description: str
    weight: int
    scale_max: int


class CallSummaryOut(Schema):
    slug: str
    title: str
    summary: str
    url: str
    total_budget: int
    min_total_amount: int
    max_total_amount: int
    max_per_year: int
    years: int
    open_wave: str | None
    waves: list[WaveOut]
    envelopes: list[EnvelopeOut]


class CallOut(CallSummaryOut):
    description: str
    rules: list[RuleOut]
    criteria: list[CriterionOut]


def _summary(call: Call, now) -> dict:
    waves = list(call.waves.all())
    open_wave = next((wave for wave in waves if wave.is_open(now)), None)
    return {
        "slug": call.slug,
        "title": call.title,
        "summary": call.summary,
        "url": call.get_absolute_url(),
        "total_budget": call.total_budget,
        "min_total_amount": call.min_total_amount,
        "max_total_amount": call.max_total_amount,
        "max_per_year": call.max_per_year,
        "years": call.years,
        "open_wave": open_wave.name if open_wave else None,
        "waves": [
            {
                "name": w.name,
                "opens_at": w.opens_at,
                "closes_at": w.closes_at,
                "target_laureates": w.target_laureates,
                "is_open": w.is_open(now),
            }
            for w in waves
        ],
        "envelopes": [
            {
                "code": e.code,
                "name": e.name,
                "description": e.description,
                "max_laureates": e.max_laureates,
                "amount": e.amount,
            }
            for e in call.envelopes.all()
        ],
    }


@router.get("", response=list[CallSummaryOut], url_name="calls_list", summary="Appels publiés")
def calls_list(request):
    """Every published call with its waves (open or not) and envelopes; amounts in euros."""
    now = timezone.now()
    return [_summary(call, now) for call in selectors.calls_public()]


@router.get("/{slug}", response=CallOut, url_name="calls_detail", summary="Un appel publié")
def calls_detail(request, slug: str):
    """A published call: description (Markdown), envelopes, waves, eligibility rules and scoring grid."""
    call = get_object_or_404(selectors.calls_public(), slug=slug)
    rules = [
        {
            "name": rule.name,
            "kind": rule.kind,
            "params": rule.params,
            "description": description,
            "envelopes": [e.code for e in rule.envelopes.all()],
            "wave": rule.wave.name if rule.wave_id else None,
        }
        for rule, description in selectors.call_rules(call)
    ]
    criteria = [
        {"name": c.name, "description": c.description, "weight": c.weight, "scale_max": c.scale_max}
        for c in call.criteria.all()
    ]
    return _summary(call, timezone.now()) | {
        "description": call.description,
        "rules": rules,
        "criteria": criteria,
    }
