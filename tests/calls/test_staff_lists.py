"""Staff lists: filters (wave, envelope, status, region, reviewer, score), exports of exactly the filtered files,
per-wave statistics page."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.calls.reviewkit import DepartmentFactory, RegionFactory, make_world, scored
from tests.factories.calls import WaveFactory
from tierslieux.calls.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    world = make_world()
    occitanie = RegionFactory(code="76", name="Occitanie")
    herault = DepartmentFactory(code="34", name="Hérault", region=occitanie)
    hors, qpv = world.envelopes
    good = world.application(envelope=hors, project_title='=HYPERLINK("x")')
    weak = world.application(envelope=qpv, department=herault)
    submitted = world.application(status=Status.SUBMITTED, envelope=hors)
    draft = world.application(status=Status.DRAFT, envelope=hors)
    later = WaveFactory(call=world.call, name="Vague 2")
    in_later = world.application(wave=later)
    scored(good, world.reviewers[0], [5, 4])
    scored(weak, world.reviewers[1], [1, 2])
    return world, {
        "good": good,
        "weak": weak,
        "submitted": submitted,
        "draft": draft,
        "later": in_later,
        "later_wave": later,
        "herault": herault,
    }


def _refs(response):
    return {
        line[0] for line in csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    } - {"Numéro"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"good", "weak", "submitted", "later"}),
        ({"wave": "later_wave"}, {"later"}),
        ({"envelope": "qpv"}, {"weak"}),
        ({"status": "submitted"}, {"submitted"}),
        ({"region": "76"}, {"weak"}),
        ({"reviewer": 1}, {"weak"}),
        ({"min_score": "4"}, {"good"}),
        ({"max_score": "2"}, {"weak"}),
        ({"envelope": "hors-gcu", "status": "in_review"}, {"good", "later"}),
    ],
)
def test_filters_and_exports_hold_exactly_the_filtered_files(data, client_for, query, expected):
    world, files = data
    params = {}
    for key, value in query.items():
        if key == "wave":
            params[key] = files[value].pk
        elif key == "envelope":
            params[key] = next(e.pk for e in world.envelopes if e.code == value)
        elif key == "reviewer":
            params[key] = world.reviewers[value].pk
        else:
            params[key] = value
    client = client_for(world.staff)
    page = client.get(reverse("calls:staff_list", args=[world.call.pk]), params)
    assert page.status_code == 200
    html = page.content.decode()
    wanted = {files[name].reference for name in expected}
    for name in ("good", "weak", "submitted", "later", "draft"):
        assert (files[name].reference in html) is (files[name].reference in wanted), name
    exported = client.get(reverse("calls:staff_export", args=[world.call.pk, "csv"]), params)
    assert exported["Content-Type"].startswith("text/csv")
    assert _refs(exported) == wanted
    xlsx = client.get(reverse("calls:staff_export", args=[world.call.pk, "xlsx"]), params)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == wanted


def test_exports_neutralise_formulas(data, client_for):
    world, _files = data
    content = client_for(world.staff).get(reverse("calls:staff_export", args=[world.call.pk, "csv"])).content
    assert "'=HYPERLINK" in content.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_score": "beaucoup"}, "Saisissez un nombre."),
        ({"min_score": "7"}, "inférieure ou égale à 5"),
        ({"status": "draft"}, "Sélectionnez un choix valide"),
        ({"wave": "999999"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_filters_get_400_with_the_message(data, client_for, params, message):
    world, _files = data
    client = client_for(world.staff)
    response = client.get(reverse("calls:staff_list", args=[world.call.pk]), params)
    assert response.status_code == 400
    assert message in response.content.decode()
    export = client.get(reverse("calls:staff_export", args=[world.call.pk, "csv"]), params)
    assert export.status_code == 400


def test_unknown_export_format_is_404(data, client_for):
    world, _files = data
    assert (
        client_for(world.staff).get(reverse("calls:staff_export", args=[world.call.pk, "pdf"])).status_code
        == 404
    )


def test_wave_statistics_page(data, client_for):
    world, _files = data
    page = (
        client_for(world.staff).get(reverse("calls:wave_statistics", args=[world.wave.pk])).content.decode()
    )
    assert "Brouillons</th><td>1" in page
    assert "En instruction</th><td>2" in page
    assert "Occitanie" in page and "QPV" in page
