"""The interface the observatory reads (`followup.selectors`): accepted reports' indicators per place, year and
territory, the reports' response, census answers — equal to what was filed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories.followup import make_laureate, sign, submit_report
from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory
from tierslieux.followup import selectors
from tierslieux.followup.services import census, reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(laureate):
    normandy = CommuneFactory(
        insee="14118",
        name="Caen",
        department=DepartmentFactory(
            code="14", name="Calvados", region=RegionFactory(code="28", name="Normandie")
        ),
    )
    other = make_laureate(staff=laureate.staff, call=laureate.call, commune=normandy, place_name="Le Hangar")
    for item in (laureate, other):
        sign(item.agreement, item.staff, signed_on=date(2025, 1, 15))
    submit_report(
        laureate.agreement.reports.get(year=1), laureate.manager, users_per_month=300, jobs_fte=Decimal("3.5")
    )
    submit_report(other.agreement.reports.get(year=1), other.manager, users_per_month=100)
    reports.report_accept(report=laureate.agreement.reports.get(year=1), actor=laureate.staff)
    return laureate, other


def test_only_accepted_reports_with_their_territory(two):
    first, _other = two
    [row] = selectors.accepted_report_indicators()
    assert (row.place_id, row.year, row.agreement_year, row.users_per_month, row.jobs_fte) == (
        first.place.pk,
        2025,
        1,
        300,
        Decimal("3.50"),
    )
    assert (row.territory.region, row.territory.department) == ("53", "29")
    assert row.revenue_total == 150_000 and row.services == ("bureaux", "machines")
    assert selectors.accepted_report_indicators(region="28") == []
    assert selectors.accepted_report_indicators(year=2026) == []
    assert len(selectors.accepted_report_indicators(department="29", call=first.call)) == 1


def test_report_response_counts_expected_submitted_and_accepted(two):
    response = selectors.report_response(year=2025, as_of=date(2026, 3, 2))
    assert (response.expected, response.submitted, response.accepted, response.rate) == (2, 2, 1, 0.5)
    assert selectors.report_response(year=2025, as_of=date(2026, 2, 1)).expected == 0
    assert selectors.report_response(year=2025, as_of=date(2026, 3, 2), region="28").accepted == 0


def test_census_answers_as_filed(laureate, programme_staff):
    campaign = census.campaign_create(
        actor=programme_staff,
        year=2026,
        title="Recensement",
        closes_on=timezone.localdate() + timedelta(days=5),
    )
    census.campaign_open(campaign=campaign, actor=programme_staff)
    census.census_answer_submit(
        campaign=campaign,
        place=laureate.place,
        user=laureate.manager,
        channel="signed_in",
        data={
            "still_open": True,
            "types": ["fablab"],
            "surface_m2": 90,
            "users_per_month": 40,
            "jobs_fte": Decimal("1.5"),
            "legal_form": "association",
        },
    )
    [row] = selectors.census_answers(year=2026)
    assert (
        row.place_id,
        row.still_open,
        row.types,
        row.users_per_month,
        row.jobs_fte,
        row.territory.region,
    ) == (
        laureate.place.pk,
        True,
        ("fablab",),
        40,
        Decimal("1.50"),
        "53",
    )
    assert selectors.census_answers(year=2025) == [] and selectors.census_answers(region="28") == []
    assert selectors.census_years() == [2026]


def test_reports_due_count_for_the_header(laureate):
    sign(laureate.agreement, laureate.staff, signed_on=date(2025, 1, 15))
    assert selectors.reports_due_count(laureate.manager, today=date(2026, 1, 15)) == 0
    assert selectors.reports_due_count(laureate.manager, today=date(2026, 2, 1)) == 1
    assert selectors.reports_due_count(laureate.applicant, today=date(2026, 4, 1)) == 1
    assert selectors.reports_due_count(laureate.staff, today=date(2026, 4, 1)) == 0
