"""Proposals and error reports: anyone submits, programme staff moderate (diff, accept, refuse), authors
get an email; honeypot, rate limit, bad input."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.factories.accounts import UserFactory
from tests.factories.contributions import (  # noqa: F401 (fixtures)
    ClaimFactory,
    ContactMessageFactory,
    ErrorReportFactory,
    ProposalFactory,
    atlas_fixture,
    concarneau,
    fresh_rate_limits_fixture,
)
from tierslieux.core.transitions import transition_history
from tierslieux.places.contributions import services
from tierslieux.places.contributions.models import ErrorReport, Proposal
from tierslieux.places.models import Place, PlaceVersion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

PROPOSE = "/lieux/contribuer/proposer/"


def new_place_form(**extra):
    return {
        "name": "Le Hangar Partagé",
        "types": ["atelier_partage"],
        "short_description": "Un atelier ouvert à tous",
        "description": "<script>alert('x')</script> Des <b>outils</b>",
        "address": "2 quai de la Croix",
        "postcode": "29900",
        "commune": "Concarneau",
        "point_lat": "47.873",
        "point_lon": "-3.915",
        "status": "open",
        "website": "hangar.example.org",
        "comment": "Je le fréquente chaque semaine.",
        "author_email": "visiteur@example.org",
    } | extra


def test_anonymous_proposes_a_new_place(client):
    concarneau()
    response = client.post(PROPOSE, new_place_form())
    assert response.status_code == 302 and response["Location"] == reverse("contributions:thanks")
    proposal = Proposal.objects.get()
    assert proposal.kind == "new" and proposal.status == "pending" and proposal.author is None
    assert proposal.author_email == "visiteur@example.org"
    assert proposal.diff["name"] == [None, "Le Hangar Partagé"]
    assert proposal.diff["website"] == [None, "https://hangar.example.org"]
    assert not Place.objects.filter(name="Le Hangar Partagé").exists()  # nothing published yet
    [transition] = transition_history(proposal)
    assert (transition.workflow, transition.action, transition.from_status, transition.to_status) == (
        "place_proposal",
        "create",
        "",
        "pending",
    )
    assert transition.actor is None


def test_signed_in_author_is_remembered_and_no_email_field(client_for, plain_user):
    concarneau()
    client = client_for(plain_user)
    assert "author_email" not in client.get(PROPOSE).content.decode()
    client.post(PROPOSE, new_place_form())
    assert Proposal.objects.get().author == plain_user


def test_bad_input_keeps_what_was_typed_and_writes_nothing(client):
    concarneau()
    response = client.post(
        PROPOSE, new_place_form(point_lat="40.0", point_lon="-30.0", name="Mon <em>lieu</em>")
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "hors de France" in content
    assert 'value="Mon &lt;em&gt;lieu&lt;/em&gt;"' in content  # kept and escaped
    assert "2 quai de la Croix" in content
    assert not Proposal.objects.exists()
    response = client.post(PROPOSE, new_place_form(postcode="ABCDE"))
    assert (
        response.status_code == 400
        and "Le code postal doit comporter 5 chiffres" in response.content.decode()
    )
    response = client.post(PROPOSE, new_place_form(name=""))
    assert response.status_code == 400 and not Proposal.objects.exists()


def test_honeypot_pretends_success_and_stores_nothing(client):
    concarneau()
    response = client.post(PROPOSE, new_place_form(telephone_fixe="0102030405"))
    assert response.status_code == 302
    assert not Proposal.objects.exists()


def test_rate_limit_per_visitor(client):
    concarneau()
    for number in range(5):
        assert client.post(PROPOSE, new_place_form(name=f"Lieu {number}")).status_code == 302
    response = client.post(PROPOSE, new_place_form(name="Lieu de trop"))
    assert response.status_code == 429
    assert "réessayez dans une heure" in response.content.decode()
    assert Proposal.objects.count() == 5


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, 302),
        ("plain_user", 403),
        ("place_manager", 403),
        ("applicant", 403),
        ("reviewer", 403),
        ("programme_staff", 200),
        ("administrator", 200),
    ],
)
def test_moderation_pages_are_for_programme_staff_only(request, client_for, atlas, who, expected):
    user = request.getfixturevalue(who) if who else None
    proposal = ProposalFactory()
    report = ErrorReportFactory(place=atlas["port"])
    claim = ClaimFactory(place=atlas["port"], author=UserFactory())
    contact = ContactMessageFactory(place=atlas["atelier"], status="pending")
    client = client_for(user)
    for url in (
        reverse("contributions:moderation"),
        reverse("contributions:moderation_proposal", args=[proposal.pk]),
        reverse("contributions:moderation_report", args=[report.pk]),
        reverse("contributions:moderation_claim", args=[claim.pk]),
        reverse("contributions:moderation_contact", args=[contact.pk]),
    ):
        assert client.get(url).status_code == expected, url
    staff = who in ("programme_staff", "administrator")
    for name, pk, action in [
        ("moderation_proposal", proposal.pk, "accept"),
        ("moderation_claim", claim.pk, "refuse"),
        ("moderation_contact", contact.pk, "close"),
    ]:
        response = client.post(
            reverse(f"contributions:{name}", args=[pk]), {"action": action, "reason": "Non."}
        )
        assert response.status_code == (302 if staff else expected), name
    claim.refresh_from_db()
    contact.refresh_from_db()
    assert (claim.status != "pending") == staff and (contact.status != "pending") == staff


def test_staff_accepts_a_new_place_versioned_and_author_emailed(
    client, client_for, programme_staff, mailbox, django_capture_on_commit_callbacks
):
    concarneau()
    client.post(PROPOSE, new_place_form())
    proposal = Proposal.objects.get()
    staff = client_for(programme_staff)
    page = staff.get(reverse("contributions:moderation_proposal", args=[proposal.pk])).content.decode()
    assert "Valeur actuelle" in page and "Le Hangar Partagé" in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert "visiteur@example.org" not in page  # the author's address stays private
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("contributions:moderation_proposal", args=[proposal.pk]),
            {"action": "accept", "reason": ""},
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and proposal.decided_by == programme_staff
    place = proposal.place
    assert place.description.startswith("<script>")  # stored as text, escaped on display
    [version] = place.versions.all()
    assert version.user == programme_staff and f"Proposition n° {proposal.pk}" in version.reason
    [message] = mailbox.wait_for("visiteur@example.org")
    assert "acceptée" in message["Subject"]
    assert "Le Hangar Partagé" in mailbox.text(message)
    assert list(transition_history(proposal).values_list("action", "to_status", "actor")) == [
        ("create", "pending", None),
        ("accept", "accepted", programme_staff.pk),
    ]


def test_refusal_needs_a_reason_then_emails_the_author(
    client_for, programme_staff, plain_user, mailbox, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(author=plain_user, author_email="")
    url = reverse("contributions:moderation_proposal", args=[proposal.pk])
    staff = client_for(programme_staff)
    response = staff.post(url, {"action": "refuse", "reason": "  "})
    assert response.status_code == 400 and "Indiquez le motif du refus" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(url, {"action": "refuse", "reason": "Ce lieu existe déjà."}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "refused" and proposal.decision_reason == "Ce lieu existe déjà."
    [message] = mailbox.wait_for(plain_user.email)
    assert "Ce lieu existe déjà." in mailbox.text(message)
    # The state machine: a decided proposal cannot be decided again (a conflict: 409).
    response = staff.post(url, {"action": "accept", "reason": "Motif gardé"})
    assert response.status_code == 409 and "déjà été traitée" in response.content.decode()
    assert not PlaceVersion.objects.filter(reason__startswith="Proposition").exists()


def test_change_proposal_diff_and_accept_only_touches_proposed_fields(
    client, client_for, atlas, programme_staff
):
    place = atlas["port"]
    url = reverse("contributions:propose_change", args=[place.slug])
    form = client.get(url)
    assert "La Fabrique du Port" in form.content.decode()  # prefilled
    data = new_place_form(
        name="La Fabrique du Port",
        address="8 rue Neuve",
        postcode="29900",
        point_lat="47.87",
        point_lon="-3.92",
        types=["fablab"],
        description="Un fablab au bord de l’eau.",
        short_description="",
        website="",
    )
    assert client.post(url, data).status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.kind == "change" and set(proposal.diff) == {"address", "postcode"}
    # Meanwhile a manager renames the place: accepting must not undo it.
    services.place_update(place=place, data={"name": "Fabrique du Port"}, reason="renommage")
    services.proposal_accept(proposal=proposal, user=programme_staff)
    place.refresh_from_db()
    assert (place.name, place.address) == ("Fabrique du Port", "8 rue Neuve")
    page = client_for(programme_staff).get(reverse("contributions:moderation_proposal", args=[proposal.pk]))
    assert "8 rue Neuve" in page.content.decode()


def test_a_change_proposal_that_changes_nothing_is_refused(client, atlas):
    place = atlas["port"]
    with pytest.raises(ValidationError, match="ne change rien"):
        services.proposal_submit(place=place, data={"name": place.name})


def test_services_refuse_non_staff(atlas, place_manager):
    proposal = ProposalFactory()
    with pytest.raises(PermissionDenied):
        services.proposal_accept(proposal=proposal, user=place_manager)
    with pytest.raises(PermissionDenied):
        services.report_resolve(report=ErrorReportFactory(place=atlas["port"]), user=None)


def test_anonymous_reports_an_error_and_staff_mark_the_place_closed(
    client, client_for, atlas, programme_staff
):
    place = atlas["port"]
    url = reverse("contributions:report", args=[place.slug])
    response = client.post(url, {"kind": "closed", "message": ""})
    assert response.status_code == 400 and not ErrorReport.objects.exists()
    assert client.post(url, {"kind": "closed", "message": "Fermé depuis juin <b>2025</b>"}).status_code == 302
    report = ErrorReport.objects.get()
    assert report.status == "pending" and report.author is None
    staff = client_for(programme_staff)
    detail = staff.get(reverse("contributions:moderation_report", args=[report.pk])).content.decode()
    assert "Fermé depuis juin &lt;b&gt;2025&lt;/b&gt;" in detail
    response = staff.post(
        reverse("contributions:moderation_report", args=[report.pk]), {"action": "resolve_close"}
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.status == "closed"
    assert place.versions.first().user == programme_staff
    report.refresh_from_db()
    assert report.status == "resolved"


def test_dismissing_a_report_needs_a_reason(client_for, atlas, programme_staff):
    report = ErrorReportFactory(place=atlas["port"], kind="other")
    url = reverse("contributions:moderation_report", args=[report.pk])
    assert client_for(programme_staff).post(url, {"action": "dismiss"}).status_code == 400
    assert (
        client_for(programme_staff).post(url, {"action": "dismiss", "reason": "Doublon"}).status_code == 302
    )
    report.refresh_from_db()
    assert report.status == "dismissed" and report.decided_by == programme_staff
    assert client_for(programme_staff).post(url, {"action": "nimporte"}).status_code == 400


def test_report_on_unknown_place_is_404(client):
    assert client.get("/lieux/nulle-part/signaler/").status_code == 404


def test_admin_pages_are_read_only_and_load(client_for, administrator, atlas):
    from tests.factories.contributions import ClaimFactory, ContactMessageFactory

    proposal = services.proposal_submit(data={"name": "Lieu admin", "lon": -3.92, "lat": 47.87})
    objects = {
        "proposal": proposal,
        "errorreport": ErrorReportFactory(place=atlas["port"]),
        "claim": ClaimFactory(place=atlas["port"], author=administrator),
        "contactmessage": ContactMessageFactory(place=atlas["port"]),
    }
    client = client_for(administrator)
    for name, obj in objects.items():
        assert client.get(f"/admin/place_contributions/{name}/").status_code == 200
        page = client.get(f"/admin/place_contributions/{name}/{obj.pk}/change/")
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.get(f"/admin/place_contributions/{name}/add/").status_code == 403


def test_a_missing_reason_is_shown_on_the_reason_field(client_for, atlas, programme_staff):
    report = ErrorReportFactory(place=atlas["port"], kind="other")
    url = reverse("contributions:moderation_report", args=[report.pk])
    response = client_for(programme_staff).post(url, {"action": "dismiss"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["reason"] == ["Indiquez pourquoi ce signalement est écarté."]
    assert not form.non_field_errors()
    report.refresh_from_db()
    assert report.status == "pending"


def test_trial_validation_of_a_proposal_leaves_the_atlas_index_fresh():
    from tests.factories.places import PlaceFactory
    from tierslieux.places import index

    place = PlaceFactory(name="Le Lieu Frais")
    index.get_index()  # built and fresh
    diff = services.proposal_validate(data={"name": "Le Lieu Renommé"}, place=place)
    assert diff["name"] == ["Le Lieu Frais", "Le Lieu Renommé"]
    assert index._state["stale"] is False
    place.refresh_from_db()
    assert place.name == "Le Lieu Frais"


def test_a_proposal_in_decimal_commas_or_dms_with_the_commune_by_name(client, programme_staff):
    from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory

    loire = DepartmentFactory(code="42", name="Loire", region=RegionFactory(code="84", name="ARA"))
    CommuneFactory(
        insee="42168",
        name="Pélussin",
        department=loire,
        region=loire.region,
        postcodes="42410",
        town_hall_lon=4.6822,
        town_hall_lat=45.4192,
    )
    data = new_place_form(commune="Pélussin", postcode="42410", point_lat="45,4190", point_lon="4,6820")
    assert client.post(PROPOSE, data).status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.data["lat"], proposal.data["lon"]) == (45.419, 4.682)
    assert proposal.data["commune"] == "42168" and proposal.data["location_origin"] == "person"
    services.proposal_accept(proposal=proposal, user=programme_staff)
    place = Place.objects.get(name="Le Hangar Partagé")
    assert place.commune_id == "42168" and not place.location_approximate


def test_a_proposal_without_a_point_is_placed_at_the_town_hall_approximately(client, programme_staff):
    concarneau()
    assert (
        client.post(PROPOSE, new_place_form(point_lat="", point_lon="", commune="29900")).status_code == 302
    )
    proposal = Proposal.objects.get()
    assert (proposal.data["lon"], proposal.data["lat"], proposal.data["location_origin"]) == (
        -3.918,
        47.875,
        "commune",
    )
    services.proposal_accept(proposal=proposal, user=programme_staff)
    assert Place.objects.get(name="Le Hangar Partagé").location_approximate


def test_a_proposal_with_swapped_coordinates_or_an_unknown_commune_keeps_what_was_typed(client):
    concarneau()
    response = client.post(PROPOSE, new_place_form(point_lat="-3,915", point_lon="47,873"))
    assert response.status_code == 400
    assert (
        "semblent inversées : en France, ce serait latitude 47,873, longitude -3,915"
        in response.content.decode()
    )
    assert 'value="-3,915"' in response.content.decode()
    response = client.post(PROPOSE, new_place_form(commune="Atlantide"))
    assert (
        response.status_code == 400
        and "Aucune commune ne s’appelle « Atlantide »" in response.content.decode()
    )
    assert 'value="Atlantide"' in response.content.decode() and not Proposal.objects.exists()
