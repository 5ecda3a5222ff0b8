"""The Django adapter of the eligibility rules: facts built from the place, its commune and the territory."""

import json
from datetime import date

import pytest

from tests.factories.calls import ApplicationFactory, PlaceFactory
from tests.factories.geo import CommuneFactory, EpciFactory, QpvFactory
from tierslieux.calls.facts import application_eligibility, application_facts
from tierslieux.calls.models import Status
from tierslieux.geo import lookup

pytestmark = pytest.mark.django_db


@pytest.fixture
def perimeters():
    lookup.invalidate()
    yield
    lookup.invalidate()


def test_facts_from_place_commune_and_budget(complete_draft):
    place = complete_draft.place
    place.opening_date = date(2020, 1, 15)
    place.legal_form = "scic"
    place.save()
    facts = application_facts(complete_draft)
    assert facts.commune_name == "Concarneau" and facts.density_level == "Petites villes"
    assert facts.population == 20_000 and facts.size_class == "10k-50k"
    assert not facts.metropole_member and facts.legal_form == "scic" and facts.months_open >= 60
    assert facts.requested_per_year == (50_000, 40_000, 30_000)
    assert facts.funding.max_per_year == 50_000
    assert not facts.epci_has_labelled_place and not facts.department_has_labelled_place


def test_metropole_and_project_place(draft):
    metropole = EpciFactory(siren="243500139", name="Rennes Métropole", kind="ME")
    commune = CommuneFactory(
        insee="35238",
        name="Rennes",
        epci=metropole,
        density_level="Grands centres urbains",
        population=220_000,
    )
    draft.place = PlaceFactory(commune=commune, status="project", opening_date=None)
    draft.save()
    facts = application_facts(draft)
    assert facts.metropole_member and facts.months_open is None and facts.size_class == "ge200k"
    reasons = " ".join(application_eligibility(draft).envelopes[0].reasons)
    assert "Grands centres urbains" in reasons and "métropole" in reasons


def test_labelled_places_and_laureates_of_the_territory(draft, commune):
    assert not application_facts(draft).epci_has_labelled_place
    neighbour = PlaceFactory(
        commune=CommuneFactory(insee="29150", epci=commune.epci), labels=["fabrique_numerique"]
    )
    facts = application_facts(draft)
    assert facts.epci_has_labelled_place and facts.department_has_labelled_place
    neighbour.labels = []
    neighbour.save()
    assert not application_facts(draft).epci_has_labelled_place
    ApplicationFactory(call=draft.call, wave=draft.wave, place=neighbour, status=Status.ACCEPTED)
    assert application_facts(draft).epci_has_labelled_place
    # The applicant's own place never counts against it.
    draft.place.labels = ["fabrique_territoire"]
    draft.place.save()
    neighbour.call_applications.update(status=Status.REFUSED)
    assert not application_facts(draft).epci_has_labelled_place


def test_declared_qpv_waits_for_staff_confirmation(draft, commune):
    qpv = QpvFactory(name="Kerandon")
    qpv.communes.add(commune)
    draft.qpv = qpv
    draft.save()
    facts = application_facts(draft)
    assert facts.qpv_name == "Kerandon" and not facts.qpv_confirmed


def _square(lon, lat, size=0.01):
    return json.dumps(
        {
            "type": "Polygon",
            "coordinates": [
                [
                    [lon - size, lat - size],
                    [lon + size, lat - size],
                    [lon + size, lat + size],
                    [lon - size, lat + size],
                    [lon - size, lat - size],
                ]
            ],
        }
    )


def test_point_in_polygon_once_perimeters_are_loaded(draft, commune, perimeters):
    place = draft.place
    qpv = QpvFactory(name="Kerandon", perimeter=_square(place.lon, place.lat))
    qpv.communes.add(commune)
    lookup.invalidate()
    facts = application_facts(draft)
    assert facts.qpv_name == "Kerandon" and facts.qpv_confirmed
    draft.qpv = qpv
    draft.save()
    assert application_facts(draft).qpv_confirmed
    place.lon, place.lat = place.lon + 1, place.lat
    place.save()
    draft.refresh_from_db()
    assert not application_facts(draft).qpv_confirmed
    draft.qpv = None
    draft.save()
    assert application_facts(draft).qpv_name == ""
