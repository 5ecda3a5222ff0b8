"""Fixtures of the call tests: a staffed call (envelopes, open wave, rules, criterion), places and dossiers."""

import pytest

from tests.conftest import _user_with_role
from tests.factories.calls import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    EligibilityRuleFactory,
    EnvelopeFactory,
    PlaceFactory,
    WaveFactory,
)
from tests.factories.geo import CommuneFactory, EpciFactory
from tierslieux.accounts.roles import Role

BALANCED_BUDGET = {
    "expenses": {"staff": [60_000, 60_000, 60_000], "operations": [20_000, 20_000, 20_000]},
    "resources": {"requested": [50_000, 40_000, 30_000], "own": [30_000, 40_000, 50_000]},
}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def other_staff(db):
    """Programme staff who is not on the call's team."""
    return _user_with_role(Role.PROGRAMME_STAFF, email="autre-equipe@example.org")


@pytest.fixture
def applicant_b(db):
    return _user_with_role(Role.APPLICANT, email="porteur-b@example.org")


@pytest.fixture
def call(programme_staff):
    call = CallFactory(title="Fabriques de territoire", slug="fabriques", staff=[programme_staff])
    hors = EnvelopeFactory(call=call, name="Hors grands centres urbains", code="hors-gcu", max_laureates=150)
    qpv = EnvelopeFactory(call=call, name="QPV", code="qpv", max_laureates=120)
    EligibilityRuleFactory(
        call=call,
        name="Hors grands centres",
        kind="density_not_in",
        params={"levels": ["Grands centres urbains"]},
        envelopes=[hors],
    )
    EligibilityRuleFactory(
        call=call, name="Hors métropole", kind="metropole_member", params={"member": False}, envelopes=[hors]
    )
    EligibilityRuleFactory(call=call, name="En QPV", kind="in_qpv", params={"value": True}, envelopes=[qpv])
    EligibilityRuleFactory(call=call, name="Montants", kind="amounts_within_rules", params={})
    WaveFactory(call=call, name="Vague 1")
    CriterionFactory(call=call, name="Ancrage territorial")
    return call


@pytest.fixture
def commune(db):
    return CommuneFactory(
        insee="29039",
        name="Concarneau",
        population=20_000,
        density_level="Petites villes",
        epci=EpciFactory(),
    )


@pytest.fixture
def place(applicant, commune):
    return PlaceFactory(name="La Fabrique du port", commune=commune, managers=[applicant])


@pytest.fixture
def draft(call, applicant, place):
    return ApplicationFactory(call=call, wave=call.waves.get(), applicant=applicant, place=place)


@pytest.fixture
def complete_draft(draft):
    draft.project_title = "Fabrique du port"
    draft.summary = "Un tiers-lieu ouvert sur le port."
    draft.project_description = "Atelier partagé, coworking, repair café."
    draft.budget = BALANCED_BUDGET
    draft.requested_total = 120_000
    draft.save()
    return draft
