"""The pure modules of the follow-up: identifiers (SIRET Luhn key, RNA), the calendar of an agreement, the
reminder steps, and the workflow tables (who may fire what)."""

from __future__ import annotations

from datetime import date

import pytest

from tierslieux.core.workflow import SYSTEM, TransitionError
from tierslieux.followup import identifiers, schedule, workflows
from tierslieux.followup.workflows import BENEFICIARY, READER, STAFF


# --- Identifiers ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "siret",
    ["73282932000074", "732 829 320 00074", "35600000049837"],
)
def test_valid_sirets(siret):
    assert identifiers.siret_problem(siret) is None


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("73282932000075", "clé de contrôle"),  # last digit changed
        ("73282932100074", "SIREN"),  # the SIREN's own key is wrong
        ("7328293200007", "14 chiffres"),
        ("7328293200007A", "14 chiffres"),
        ("35600000049838", "clé de contrôle"),  # La Poste: digits must add up to a multiple of 5
    ],
)
def test_invalid_sirets_say_why(siret, message):
    assert message in identifiers.siret_problem(siret)


def test_luhn_and_keys():
    assert identifiers.luhn_valid("732829320")
    assert not identifiers.luhn_valid("732829321")
    assert not identifiers.luhn_valid("")
    siren = identifiers.with_key("41234567")
    assert identifiers.siren_problem(siren) is None
    assert identifiers.siret_problem(identifiers.with_key(siren + "0001")) is None


@pytest.mark.parametrize(
    ("rna", "valid"),
    [("W291000123", True), ("w291000123", True), ("W29100012", False), ("X291000123", False)],
)
def test_rna(rna, valid):
    assert (identifiers.rna_problem(rna) is None) is valid


# --- Calendar ------------------------------------------------------------------------------------------------
def test_add_months_keeps_the_end_of_month():
    assert schedule.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert schedule.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert schedule.add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)
    assert schedule.add_months(date(2025, 3, 1), -3) == date(2024, 12, 1)


def test_years_of_a_three_year_agreement_and_their_reports():
    years = schedule.agreement_years(
        start=date(2025, 3, 1), duration_months=36, amounts=[50_000, 40_000, 30_000], report_delay_days=60
    )
    assert [(y.index, y.start, y.end, y.amount, y.report_due) for y in years] == [
        (1, date(2025, 3, 1), date(2026, 2, 28), 50_000, date(2026, 4, 29)),
        (2, date(2026, 3, 1), date(2027, 2, 28), 40_000, date(2027, 4, 29)),
        (3, date(2027, 3, 1), date(2028, 2, 29), 30_000, date(2028, 4, 29)),
    ]


def test_a_longer_duration_lengthens_the_last_year_only():
    years = schedule.agreement_years(start=date(2025, 1, 1), duration_months=42, amounts=[1, 1, 1])
    assert [y.end for y in years] == [date(2025, 12, 31), date(2026, 12, 31), date(2028, 6, 30)]
    with pytest.raises(ValueError, match="duration 24 months does not fit 3 years"):
        schedule.agreement_years(start=date(2025, 1, 1), duration_months=24, amounts=[1, 1, 1])
    assert schedule.duration_bounds(3) == (25, 60)


def test_tranche_plan_first_at_signature_then_after_each_report():
    years = schedule.agreement_years(
        start=date(2025, 1, 1), duration_months=36, amounts=[50_000, 40_000, 30_000]
    )
    plan = schedule.tranche_plan(signed_on=date(2025, 1, 15), years=years)
    assert [(t.number, t.amount, t.planned_due) for t in plan] == [
        (1, 50_000, date(2025, 1, 15)),
        (2, 40_000, years[0].report_due),
        (3, 30_000, years[1].report_due),
    ]


@pytest.mark.parametrize(
    ("today", "step"),
    [
        (date(2026, 1, 29), None),
        (date(2026, 1, 30), "before_30"),
        (date(2026, 2, 21), "before_30"),
        (date(2026, 2, 22), "before_7"),
        (date(2026, 3, 1), "before_7"),
        (date(2026, 3, 8), "late_7"),
        (date(2026, 3, 30), "late_7"),
        (date(2026, 3, 31), "late_30"),
        (date(2027, 1, 1), "late_30"),
    ],
)
def test_reminder_step_reached(today, step):
    assert schedule.reminder_step(today=today, due=date(2026, 3, 1)) == step


def test_late_flag_after_thirty_days():
    due = date(2026, 3, 1)
    assert not schedule.is_late_beyond_flag(today=date(2026, 3, 31), due=due)
    assert schedule.is_late_beyond_flag(today=date(2026, 4, 1), due=due)


def test_hours_per_week_from_place_hours():
    hours = {"mo": [["09:00", "12:00"], ["14:00", "18:00"]], "sa": [["22:00", "01:30"]], "tu": [["bad"]]}
    assert schedule.hours_per_week(hours) == 10.5
    assert schedule.hours_per_week({}) is None


# --- Workflow tables -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("flow", "source", "action", "allowed", "refused"),
    [
        (workflows.AGREEMENT, "draft", "sign", {STAFF}, {BENEFICIARY, READER, SYSTEM}),
        (workflows.AGREEMENT, "signed", "amend", {STAFF}, {BENEFICIARY, READER, SYSTEM}),
        (workflows.AGREEMENT, "signed", "complete", {STAFF, SYSTEM}, {BENEFICIARY, READER}),
        (workflows.TRANCHE, "scheduled", "release", {STAFF, SYSTEM}, {BENEFICIARY, READER}),
        (workflows.TRANCHE, "due", "commit", {STAFF}, {BENEFICIARY, READER, SYSTEM}),
        (workflows.TRANCHE, "committed", "pay", {STAFF}, {BENEFICIARY, READER, SYSTEM}),
        (workflows.TRANCHE, "suspended", "reschedule", {STAFF, SYSTEM}, {BENEFICIARY, READER}),
        (workflows.REPORT, "draft", "submit", {BENEFICIARY}, {STAFF, READER, SYSTEM}),
        (workflows.REPORT, "corrections", "submit", {BENEFICIARY}, {STAFF, READER}),
        (workflows.REPORT, "submitted", "accept", {STAFF}, {BENEFICIARY, READER, SYSTEM}),
        (workflows.CENSUS, "open", "close", {STAFF, SYSTEM}, {BENEFICIARY}),
    ],
)
def test_who_may_fire_what(flow, source, action, allowed, refused):
    for role in allowed:
        assert flow.check(source, action=action, roles={role}, reason="motif").action == action
    for role in refused:
        with pytest.raises(TransitionError) as refusal:
            flow.check(source, action=action, roles={role}, reason="motif")
        assert refusal.value.status == 403


@pytest.mark.parametrize(
    ("flow", "source", "action"),
    [
        (workflows.AGREEMENT, "signed", "sign"),
        (workflows.AGREEMENT, "completed", "terminate"),
        (workflows.TRANCHE, "scheduled", "pay"),
        (workflows.TRANCHE, "paid", "cancel"),
        (workflows.REPORT, "accepted", "submit"),
        (workflows.REPORT, "draft", "accept"),
    ],
)
def test_transitions_that_do_not_exist_from_a_state_are_409(flow, source, action):
    with pytest.raises(TransitionError) as refusal:
        flow.check(source, action=action, roles={STAFF, BENEFICIARY, SYSTEM}, reason="motif")
    assert refusal.value.status == 409


def test_reasons_are_required_where_the_table_says():
    for flow, source, action in [
        (workflows.TRANCHE, "due", "suspend"),
        (workflows.TRANCHE, "due", "cancel"),
        (workflows.AGREEMENT, "signed", "terminate"),
        (workflows.AGREEMENT, "signed", "amend"),
        (workflows.REPORT, "submitted", "request_corrections"),
    ]:
        with pytest.raises(TransitionError) as refusal:
            flow.check(source, action=action, roles={STAFF}, reason="  ")
        assert refusal.value.status == 400
