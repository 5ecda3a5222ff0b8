"""The rules the optimiser input is assembled from (`tierslieux/selection/problem.py`), each on its own."""

import math

import pytest

from tests.factories.calls import ApplicationFactory, PlaceFactory
from tierslieux.calls.models import Status
from tierslieux.selection import problem, selectors
from tierslieux.selection.optimiser import Application as Candidate

pytestmark = pytest.mark.django_db


def _candidate(**extra) -> Candidate:
    values = {
        "id": "X",
        "score": 1.0,
        "envelopes": ("hors-gcu",),
        "yearly_amounts": (1.0,),
        "commune": "",
        "lon": -4.0,
        "lat": 48.4,
        "region": "53",
        "department": "29",
        "epci": "",
        "label": "",
    }
    return Candidate(**(values | extra))


def test_amounts_are_those_asked_per_year_or_a_total_spread_evenly(world):
    asked = world.applications["SEL-003"]
    assert problem.candidate_amounts(asked, world.call) == (40_000, 40_000, 40_000)
    total_only = ApplicationFactory(call=world.call, budget={}, requested_total=100_000)
    assert problem.candidate_amounts(total_only, world.call) == (33_333, 33_333, 33_334)
    nothing = ApplicationFactory(call=world.call, budget={}, requested_total=0)
    assert problem.candidate_amounts(nothing, world.call) == (0, 0, 0)


def test_envelopes_are_those_the_eligibility_opens_and_none_without_a_place(world):
    from tests.factories.calls import EligibilityRuleFactory

    assert set(problem.candidate_envelopes(world.applications["SEL-003"])) == {"hors-gcu", "qpv"}
    rule = EligibilityRuleFactory(
        call=world.call, name="Hors GCU", kind="density_not_in", params={"levels": ["Grands centres urbains"]}
    )
    rule.envelopes.set([world.envelopes[0]])
    # SEL-001 is in Brestville, a large urban centre: outside the "hors grands centres urbains" envelope.
    assert problem.candidate_envelopes(world.applications["SEL-001"]) == ("qpv",)
    assert problem.candidate_envelopes(ApplicationFactory(call=world.call, place=None)) == ()


def test_a_file_without_review_counts_zero_with_a_note(world):
    entries, _consumption = selectors.candidates(world.wave)
    reviewed = next(e for e in entries if e.application.reference == "SEL-004")
    assert problem.candidate_score(reviewed) == (pytest.approx(11 / 3, abs=1e-6), None)
    unreviewed = ApplicationFactory(
        call=world.call, wave=world.wave, status=Status.IN_REVIEW, reference="SEL-009"
    )
    entry = next(e for e in selectors.candidates(world.wave)[0] if e.application.pk == unreviewed.pk)
    assert problem.candidate_score(entry) == (0.0, "SEL-009 : aucune évaluation rendue, note comptée 0.")


def test_a_candidate_without_a_place_has_no_point_nor_territory(world):
    ApplicationFactory(
        call=world.call, wave=world.wave, status=Status.IN_REVIEW, reference="SEL-010", place=None
    )
    entry = next(e for e in selectors.candidates(world.wave)[0] if e.application.reference == "SEL-010")
    candidate, display, _note = problem.candidate(entry, world.call)
    assert math.isnan(candidate.lon) and candidate.envelopes == () and candidate.department == ""
    assert (display["place"], display["lon"], display["commune"]) == ("", None, "")


def test_envelopes_take_the_seats_typed_and_the_amount_left(world):
    _entries, consumption = selectors.candidates(world.wave)
    inputs = problem.envelope_inputs(list(world.call.envelopes.all()), consumption, {"qpv": 3})
    assert [(e.code, e.max_laureates, e.max_budget) for e in inputs] == [
        ("hors-gcu", None, None),
        ("qpv", 3, 9_000_000.0),
    ]


def test_balance_minimums_apply_where_a_candidate_is_and_unlabelled_departments_when_asked(world):
    apps = [_candidate(id="A"), _candidate(id="B", region="", department="")]
    balance = problem.balance_rule(
        apps,
        {"min_per_region": 1, "max_per_department": 2, "one_per_epci": 1, "unlabelled_departments": True},
    )
    assert [(q.scope, q.code, q.minimum) for q in balance.quotas] == [("region", "53", 1)]
    assert (balance.max_per_department, balance.one_per_epci) == (2, True)
    assert balance.required_departments == ()  # the Fabrique de Kerbourg is labelled
    assert problem.unlabelled_departments(["29", "56"]) == ("56",)


def test_targets_are_the_chosen_communes_within_reach_of_a_candidate(world):
    near_landivez = [_candidate(lon=-4.0, lat=48.4)]
    codes = [t[0] for t in problem.coverage_targets(world.call, "eligibility", near_landivez, 10.0)]
    assert codes == ["29002"]
    codes = [t[0] for t in problem.coverage_targets(world.call, "all", near_landivez, 60.0)]
    assert "29004" in codes
    assert problem.coverage_targets(world.call, "all", [], 10.0) == []


def test_the_existing_network_is_the_labelled_places_and_the_call_laureates(world):
    assert [p.label for p in problem.existing_network(world.call)] == ["Fabrique de Kerbourg"]
    laureate = world.applications["SEL-005"]
    laureate.status = Status.ACCEPTED
    laureate.save()
    PlaceFactory(name="Lieu sans label", commune=world.communes["29002"], lon=-4.0, lat=48.4)
    labels = [p.label for p in problem.existing_network(world.call)]
    assert labels == ["Fabrique de Kerbourg", "Tiers-lieu de Port-Fabrique"]
