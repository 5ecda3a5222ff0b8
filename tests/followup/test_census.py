"""The census: staff create and open a campaign (each manager of each place gets a personal link by email), a
manager answers from the link without signing in (forged links 404, closed campaigns 410, former managers 403),
the answer is kept for the observatory and what changes the place page becomes a moderated proposal; response
rates per region."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.factories.calls import PlaceFactory
from tests.factories.followup import user_with
from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory
from tierslieux.accounts.roles import Role
from tierslieux.core.errors import ServiceError
from tierslieux.followup import selectors
from tierslieux.followup.models import CensusAnswer, CensusCampaign, CensusInvitation
from tierslieux.followup.services import census as services
from tierslieux.followup.tokens import census_token, read_census_token
from tierslieux.places.contributions.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(programme_staff):
    brittany = CommuneFactory(insee="29039", name="Concarneau")
    normandy = CommuneFactory(
        insee="14118",
        name="Caen",
        department=DepartmentFactory(
            code="14", name="Calvados", region=RegionFactory(code="28", name="Normandie")
        ),
    )
    manager = user_with(Role.PLACE_MANAGER, email="gestion@example.org")
    other = user_with(Role.PLACE_MANAGER, email="autre@example.org")
    places = [
        PlaceFactory(
            name="La Fabrique du port",
            commune=brittany,
            managers=[manager, other],
            types=["coworking"],
            surface_m2=200,
        ),
        PlaceFactory(name="Le Hangar", commune=normandy, managers=[other]),
        PlaceFactory(name="Sans gestionnaire", commune=normandy),
        PlaceFactory(name="Fermé", commune=normandy, managers=[other], status="closed"),
    ]
    campaign = services.campaign_create(
        actor=programme_staff,
        year=2026,
        title="Recensement 2026",
        closes_on=timezone.localdate() + timedelta(days=30),
    )
    return {
        "staff": programme_staff,
        "manager": manager,
        "other": other,
        "places": places,
        "campaign": campaign,
    }


def test_only_programme_staff_run_a_campaign(world):
    with pytest.raises(ServiceError) as refusal:
        services.campaign_open(campaign=world["campaign"], actor=world["manager"])
    assert refusal.value.status == 403
    with pytest.raises(ServiceError, match="existe déjà") as refusal:
        services.campaign_create(actor=world["staff"], year=2026, title="Bis", closes_on=date(2099, 1, 1))
    assert refusal.value.status == 409


def test_opening_invites_every_managed_open_place_by_email(
    world, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_open(campaign=world["campaign"], actor=world["staff"]) == 2
    invited = set(CensusInvitation.objects.values_list("place__name", flat=True))
    assert invited == {"La Fabrique du port", "Le Hangar"}
    [message] = mailbox.wait_for(world["manager"].email)
    text = mailbox.text(message)
    assert "La Fabrique du port" in message["Subject"] and "ne demande pas de vous connecter" in text
    token = re.search(r"/suivi/recensement/([^/\s]+)/", text).group(1)
    invitation = read_census_token(token)
    assert (invitation.place_id, invitation.user_id) == (world["places"][0].pk, world["manager"].pk)
    assert len(mailbox.wait_for(world["other"].email, count=2)) == 2  # one link per place they manage
    with pytest.raises(ServiceError) as refusal:
        services.campaign_open(campaign=world["campaign"], actor=world["staff"])
    assert refusal.value.status == 409


def test_a_token_cannot_be_forged_or_altered():
    token = census_token(campaign_id=1, place_id=2, user_id=3)
    assert read_census_token(token).place_id == 2
    assert read_census_token(token[:-2] + "xx") is None
    assert read_census_token("1:2:3") is None


def _open(world):
    services.campaign_open(campaign=world["campaign"], actor=world["staff"])
    world["campaign"].refresh_from_db()
    return world["campaign"]


ANSWER = {
    "still_open": True,
    "types": ["coworking", "fablab"],
    "surface_m2": 250,
    "users_per_month": 300,
    "jobs_fte": 3,
    "legal_form": "scic",
}


def test_an_answer_is_stored_and_its_changes_are_a_moderated_proposal(world):
    campaign = _open(world)
    place = world["places"][0]
    answer = services.census_answer_submit(
        campaign=campaign, place=place, user=world["manager"], channel="email_link", data=ANSWER
    )
    assert (answer.users_per_month, answer.answered_by, answer.channel) == (
        300,
        world["manager"],
        "email_link",
    )
    proposal = answer.proposal
    assert proposal.status == "pending" and proposal.place == place and proposal.author == world["manager"]
    assert set(proposal.diff) == {"types", "surface_m2", "legal_form"}
    place.refresh_from_db()
    assert place.surface_m2 == 200  # nothing changes before moderation
    with pytest.raises(ServiceError) as refusal:
        services.census_answer_submit(
            campaign=campaign, place=place, user=world["other"], channel="signed_in", data=ANSWER
        )
    assert refusal.value.status == 409


def test_an_answer_saying_the_place_closed_proposes_to_close_it(world):
    campaign = _open(world)
    place = world["places"][1]
    answer = services.census_answer_submit(
        campaign=campaign,
        place=place,
        user=world["other"],
        channel="signed_in",
        data=ANSWER | {"still_open": False, "types": place.types, "surface_m2": None, "legal_form": ""},
    )
    assert answer.proposal.diff["status"][1] == "closed"


def test_an_answer_that_changes_nothing_makes_no_proposal(world):
    campaign = _open(world)
    place = world["places"][0]
    answer = services.census_answer_submit(
        campaign=campaign,
        place=place,
        user=world["manager"],
        channel="signed_in",
        data={
            "still_open": True,
            "types": ["coworking"],
            "surface_m2": 200,
            "users_per_month": 10,
            "jobs_fte": None,
            "legal_form": "",
        },
    )
    assert answer.proposal is None and not Proposal.objects.exists()


def test_who_may_answer(world):
    campaign = world["campaign"]
    place = world["places"][0]
    with pytest.raises(ServiceError) as refusal:
        services.answer_allowed(campaign, place, world["manager"])  # not open yet
    assert refusal.value.status == 410
    _open(world)
    with pytest.raises(ServiceError) as refusal:
        services.answer_allowed(campaign, world["places"][1], world["manager"])  # not their place
    assert refusal.value.status == 403
    with pytest.raises(ServiceError) as refusal:
        services.answer_allowed(campaign, world["places"][2], world["other"])  # not invited, not managed
    assert refusal.value.status == 403
    services.campaign_close(campaign=campaign, actor=world["staff"])
    with pytest.raises(ServiceError) as refusal:
        services.answer_allowed(campaign, place, world["manager"])
    assert refusal.value.status == 410


def test_response_rates_per_region(world):
    campaign = _open(world)
    services.census_answer_submit(
        campaign=campaign, place=world["places"][0], user=world["manager"], channel="signed_in", data=ANSWER
    )
    rates = {row.name: (row.invited, row.answered, row.rate) for row in selectors.census_rates(campaign)}
    assert rates["Bretagne"] == (1, 1, 1.0)
    assert rates["Normandie"] == (1, 0, 0.0)
    assert rates["France entière"] == (2, 1, 0.5)
    assert CensusAnswer.objects.count() == 1 and CensusCampaign.objects.get().status == "open"
