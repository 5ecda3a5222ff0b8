"""Mentoring: who may ask (a place "en projet", an application in preparation or refused, read through the
calls' selectors), companions proposed by themes and distance, proposal → acceptance → meetings → end with
outcome, staff pairing, consent on place pages, the counts selector; pages by role."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories.accounts import UserFactory
from tests.factories.calls import ApplicationFactory
from tierslieux.core.errors import ServiceError
from tierslieux.network import services
from tierslieux.network.models import Pairing
from tierslieux.network.selectors.mentoring import companions_for_request, mentoring_counts, place_pairings


@pytest.fixture
def mentor(forge, place_manager):
    return services.mentor_offer_save(
        user=place_manager,
        place=forge,
        data={
            "themes": ["gouvernance", "financements"],
            "capacity": 1,
            "travel_km": 100,
            "show_on_place_page": True,
        },
    )


@pytest.fixture
def request_(projet, applicant, mentor):
    return services.mentoring_request_save(
        user=applicant,
        data={
            "project_title": "Le Projet de Quimper",
            "place": projet,
            "themes": ["financements"],
            "message": "Nous cherchons de l’aide pour nos financements.",
            "show_on_place_page": True,
        },
    )


def test_only_projects_may_ask(plain_user, brest, mentor):
    with pytest.raises(ServiceError) as error:
        services.mentoring_request_save(
            user=plain_user,
            data={"project_title": "X", "themes": ["gouvernance"], "message": "m", "commune": brest},
        )
    assert error.value.status == 403


def test_an_applicant_with_a_draft_or_refused_application_may_ask(brest, mentor):
    person = UserFactory(email="candidat@example.org")
    application = ApplicationFactory(applicant=person, status="refused")
    created = services.mentoring_request_save(
        user=person,
        data={
            "project_title": "Mon tiers-lieu",
            "application_reference": application.reference,
            "commune": brest,
            "themes": ["gouvernance"],
            "message": "Après un refus, nous voulons progresser.",
        },
    )
    assert created.application_reference == application.reference
    accepted = UserFactory(email="laureat@example.org")
    ApplicationFactory(applicant=accepted, status="accepted")
    with pytest.raises(ServiceError):
        services.mentoring_request_save(
            user=accepted,
            data={"project_title": "X", "commune": brest, "themes": ["gouvernance"], "message": "m"},
        )


def test_companions_by_themes_distance_and_capacity(request_, mentor, lyon, place_manager):
    assert [c.pk for c in companions_for_request(request_)] == [mentor.pk]
    far = request_.__class__.objects.get(pk=request_.pk)
    far.lon, far.lat = 4.83, 45.76  # a project in Lyon: beyond the 100 km the companion travels
    assert companions_for_request(far) == []
    no_theme = request_.__class__.objects.get(pk=request_.pk)
    no_theme.themes = ["juridique"]
    assert companions_for_request(no_theme) == []


def test_propose_accept_meet_end(
    request_, mentor, applicant, place_manager, plain_user, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pairing = services.pairing_propose(user=applicant, request=request_, mentor=mentor)
    mailbox.wait_for("gestionnaire@example.org")
    with pytest.raises(ServiceError) as error:
        services.pairing_transition(user=applicant, pairing=pairing, action="accept")
    assert error.value.status == 403
    with django_capture_on_commit_callbacks(execute=True):
        services.pairing_transition(user=place_manager, pairing=pairing, action="accept")
    pairing.refresh_from_db()
    request_.refresh_from_db()
    assert (
        pairing.status == "active"
        and request_.status == "paired"
        and pairing.started_on == timezone.localdate()
    )
    mailbox.wait_for("porteur@example.org")
    services.meeting_add(
        user=applicant,
        pairing=pairing,
        data={"date": timezone.localdate(), "topic": "Budget", "next_step": "Relire le plan"},
    )
    with pytest.raises(ServiceError):
        services.meeting_add(
            user=plain_user, pairing=pairing, data={"date": timezone.localdate(), "topic": "x"}
        )
    with pytest.raises(ServiceError):
        services.pairing_transition(user=place_manager, pairing=pairing, action="end")  # no outcome
    services.pairing_transition(
        user=place_manager, pairing=pairing, action="end", outcome="opened", outcome_note="Ouvert en juin"
    )
    pairing.refresh_from_db()
    request_.refresh_from_db()
    assert (pairing.status, pairing.outcome, request_.status) == ("ended", "opened", "closed")
    counts = mentoring_counts()
    assert counts["pairings"] == 1 and counts["ended"] == 1 and counts["by_outcome"]["opened"] == 1
    assert mentoring_counts(region="84")["pairings"] == 0
    assert mentoring_counts(since=timezone.localdate() + dt.timedelta(days=1))["pairings"] == 0


def test_staff_pairs_directly_and_capacity_is_kept(request_, mentor, programme_staff, plain_user):
    with pytest.raises(ServiceError):
        services.pairing_staff_create(user=plain_user, request=request_, mentor=mentor)
    pairing = services.pairing_staff_create(user=programme_staff, request=request_, mentor=mentor)
    assert pairing.status == "active"
    assert companions_for_request(request_) == []  # capacity 1 used, and the request is no longer open


def test_pairings_show_on_both_place_pages_with_consent(
    client, request_, mentor, programme_staff, forge, projet
):
    pairing = services.pairing_staff_create(user=programme_staff, request=request_, mentor=mentor)
    assert place_pairings(forge) == [pairing] and place_pairings(projet) == [pairing]
    assert "Accompagne « Le Projet de Quimper »" in client.get(forge.get_absolute_url()).content.decode()
    assert "Accompagné par La Forge" in client.get(projet.get_absolute_url()).content.decode()
    request_.show_on_place_page = False
    request_.save()
    assert place_pairings(forge) == []
    assert "Le Projet de Quimper" not in client.get(forge.get_absolute_url()).content.decode()


def test_pages_by_role(client_for, request_, mentor, applicant, place_manager, plain_user, programme_staff):
    assert client_for(None).get("/reseau/compagnonnage/").status_code == 200
    url = f"/reseau/compagnonnage/demandes/{request_.pk}/"
    assert client_for(None).get(url).status_code == 302
    assert client_for(plain_user).get(url).status_code == 404
    assert client_for(place_manager).get(url).status_code == 404
    page = client_for(applicant).get(url)
    assert page.status_code == 200 and "La Forge" in page.content.decode()
    assert client_for(programme_staff).get(url).status_code == 200
    assert client_for(plain_user).get("/reseau/compagnonnage/demander/").status_code == 403
    assert client_for(applicant).get("/reseau/compagnonnage/demander/").status_code == 200
    assert client_for(plain_user).get("/reseau/compagnonnage/lieux/la-forge/").status_code == 403
    assert client_for(place_manager).get("/reseau/compagnonnage/lieux/la-forge/").status_code == 200
    response = client_for(applicant).post(
        f"/reseau/compagnonnage/demandes/{request_.pk}/choisir/", {"mentor": mentor.pk}
    )
    pairing = Pairing.objects.get()
    assert response.status_code == 302
    pairing_url = f"/reseau/compagnonnage/{pairing.pk}/"
    assert client_for(plain_user).get(pairing_url).status_code == 404
    assert client_for(place_manager).get(pairing_url).status_code == 200
    assert (
        client_for(plain_user)
        .post(f"/reseau/compagnonnage/demandes/{request_.pk}/former/", {"mentor": mentor.pk})
        .status_code
        == 403
    )
    bad = client_for(place_manager).post(
        f"/reseau/compagnonnage/{pairing.pk}/rencontres/", {"date": "", "topic": ""}
    )
    assert bad.status_code == 400


def test_bad_mentor_offer_input(client_for, forge, place_manager):
    client = client_for(place_manager)
    response = client.post(
        "/reseau/compagnonnage/lieux/la-forge/",
        {"themes": ["gouvernance"], "capacity": "0", "travel_km": "10"},
    )
    assert response.status_code == 400
    assert not forge.__class__.objects.get(pk=forge.pk).__dict__.get("mentor_offer")
