"""Access matrix of every route with an id, generated from the URL configuration: each (route, role) is one
test, and a route missing from EXPECTED fails (so a new route cannot escape the matrix). The admin has its
own matrix (tests/core/test_admin_matrix.py).

Each cell is the status of a GET by that role on that route, with ids of real objects of one world: a call
whose team is `call_staff`, a dossier under review owned by `applicant` (with a file and a message file), an
assigned `reviewer`, a finished optimiser run, a place managed by `place_manager`, one of each contribution.
302 means sent to the login page (anonymous) or to another page of the same flow (noted)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories.contributions import (
    ClaimFactory,
    ContactMessageFactory,
    ErrorReportFactory,
    ProposalFactory,
)
from tests.factories.files import pdf_bytes
from tests.factories.selection import selection_world

ROLES = [
    "anonymous",
    "plain",
    "place_manager",
    "applicant",
    "reviewer",
    "call_staff",
    "other_staff",
    "administrator",
]
SKIPPED_PREFIXES = ("admin/",)


def routes_with_ids() -> list[str]:
    """Every named route of the URL configuration that takes an argument (outside the admin)."""

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                name = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), name)
            elif isinstance(pattern, URLPattern) and pattern.pattern.converters:
                route = prefix + str(pattern.pattern)
                if not route.startswith(SKIPPED_PREFIXES):
                    yield namespace + (pattern.name or route)

    return sorted(set(walk(get_resolver().url_patterns)))


def _all(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def _signed_in(status: int, anonymous: int = 302) -> dict[str, int]:
    return {role: (anonymous if role == "anonymous" else status) for role in ROLES}


def _only(allowed: dict[str, int], others: int, anonymous: int = 302) -> dict[str, int]:
    return {role: allowed.get(role, anonymous if role == "anonymous" else others) for role in ROLES}


PUBLIC = _all(200)
STAFF_READ = _only({"call_staff": 200, "other_staff": 200, "administrator": 200}, 404)
TEAM_WRITE = _only({"call_staff": 200, "administrator": 200, "other_staff": 403}, 404)
MODERATION = _only({"call_staff": 200, "other_staff": 200, "administrator": 200}, 403)
SELECTION_READ = _only({"call_staff": 200, "other_staff": 200, "administrator": 200}, 403)
POST_ONLY = _signed_in(405)  # a GET of a POST-only route: 405 once signed in
SELECTION_POST = _only({"call_staff": 405, "other_staff": 405, "administrator": 405}, 403)
APPLICANT_SIDE = {"applicant": 200, "place_manager": 200}
STAFF_SIDE = {"call_staff": 200, "other_staff": 200, "administrator": 200}

EXPECTED: dict[str, dict[str, int]] = {
    # accounts: links with tokens (a forged one: 400 for everyone, nothing revealed)
    "accounts:confirm": _all(400),
    "accounts:password_reset_confirm": _all(400),
    # public reference data and places
    "geo:commune": PUBLIC,
    "geo:epci": PUBLIC,
    "geo:department": PUBLIC,
    "geo:region": PUBLIC,
    "geo:outlines": PUBLIC,
    "diagnostic:territory": PUBLIC,
    "diagnostic:map": PUBLIC,
    "diagnostic:export_csv": PUBLIC,
    "diagnostic:export_xlsx": PUBLIC,
    "places:detail": PUBLIC,
    "places:history": _only(
        {"place_manager": 200, "call_staff": 200, "other_staff": 200, "administrator": 200}, 403
    ),
    "places:revert": POST_ONLY,
    "contributions:propose_change": PUBLIC,
    "contributions:report": PUBLIC,
    "contributions:claim": _only({"place_manager": 302}, 200),  # a manager is sent to the edit page
    "contributions:contact": PUBLIC,
    "contributions:edit": _only(
        {"place_manager": 200, "call_staff": 200, "other_staff": 200, "administrator": 200}, 403
    ),
    "contributions:moderation_proposal": MODERATION,
    "contributions:moderation_report": MODERATION,
    "contributions:moderation_claim": MODERATION,
    "contributions:moderation_contact": MODERATION,
    "contributions:import_preview": _only({"call_staff": 404, "other_staff": 404, "administrator": 404}, 403),
    # the applicant's dossier (under review: read-only for its applicant)
    "calls:detail": PUBLIC,
    "calls:apply": _signed_in(200),
    # The place's managers are on the applicant side of its dossiers; the assigned reviewer sees the dossier
    # and its own files, not the messages nor their files. Seen but not allowed: 403; not seen at all: 404.
    "calls:application": _only({**APPLICANT_SIDE, "reviewer": 200, **STAFF_SIDE}, 404),
    "calls:application_step": _only(
        {"applicant": 302, "place_manager": 302, "reviewer": 403, **dict.fromkeys(STAFF_SIDE, 403)}, 404
    ),  # a submitted dossier's steps lead the applicant side to its page
    "calls:application_eligibility_preview": _only(
        {"applicant": 409, "place_manager": 409, "reviewer": 403, **dict.fromkeys(STAFF_SIDE, 403)}, 404
    ),
    "calls:attachment_upload": POST_ONLY,
    "calls:attachment": _only({**APPLICANT_SIDE, "reviewer": 200, **STAFF_SIDE}, 404),
    "calls:message_attachment": _only({**APPLICANT_SIDE, **STAFF_SIDE}, 404),
    "calls:attachment_delete": POST_ONLY,
    "calls:submit": POST_ONLY,
    "calls:withdraw": _only({**APPLICANT_SIDE, "reviewer": 403, **dict.fromkeys(STAFF_SIDE, 403)}, 404),
    "calls:application_messages": _only({**APPLICANT_SIDE, "reviewer": 403, **STAFF_SIDE}, 404),
    "calls:transition": POST_ONLY,
    "calls:request_corrections": _only(
        {
            "applicant": 403,
            "place_manager": 403,
            "reviewer": 403,
            "call_staff": 200,
            "other_staff": 403,
            "administrator": 200,
        },
        404,
    ),
    "calls:confirm_qpv": POST_ONLY,
    # call back office
    "calls:call_applications": STAFF_READ,
    "calls:call_manage": STAFF_READ,
    "calls:call_edit": TEAM_WRITE,
    "calls:call_staff": TEAM_WRITE,
    "calls:rule_add": TEAM_WRITE,
    "calls:item_add": TEAM_WRITE,
    "calls:item_edit": TEAM_WRITE,
    "calls:item_delete": POST_ONLY,
    # review
    "calls:review_assignment": _only({"reviewer": 200}, 404),
    "calls:review_unassign": POST_ONLY,
    "calls:review_file": STAFF_READ,
    "calls:review_assign": POST_ONLY,
    "calls:staff_note": POST_ONLY,
    "calls:decision": TEAM_WRITE,
    "calls:staff_list": STAFF_READ,
    "calls:staff_export": STAFF_READ,
    "calls:wave_assignments": STAFF_READ,
    "calls:committee": STAFF_READ,
    "calls:publish": POST_ONLY,
    "calls:wave_statistics": STAFF_READ,
    # selection
    "selection:wave": SELECTION_READ,
    "selection:compare": SELECTION_READ,
    "selection:run": SELECTION_READ,
    "selection:run_status": SELECTION_READ,
    "selection:save": SELECTION_POST,
    "selection:replay": SELECTION_POST,
    "selection:propose": SELECTION_POST,
    "selection:export_csv": SELECTION_READ,
    "selection:export_xlsx": SELECTION_READ,
    # API (JSON): public reference data; the selection API for programme staff (401 anonymous)
    "api-1.0.0:commune_detail": PUBLIC,
    "api-1.0.0:epci_detail": PUBLIC,
    "api-1.0.0:epci_communes": PUBLIC,
    "api-1.0.0:department_detail": PUBLIC,
    "api-1.0.0:region_detail": PUBLIC,
    "api-1.0.0:places_detail": PUBLIC,
    "api-1.0.0:calls_detail": PUBLIC,
    "api-1.0.0:territory_coverage": PUBLIC,
    "api-1.0.0:territory_communes": PUBLIC,
    "api-1.0.0:wave_runs": _only({"call_staff": 200, "other_staff": 200, "administrator": 200}, 403, 401),
    "api-1.0.0:run_detail": _only({"call_staff": 200, "other_staff": 200, "administrator": 200}, 403, 401),
}


def _rows() -> list[str]:
    # The message attachment is the "calls:attachment" route with another object: listed as its own row.
    return sorted({*routes_with_ids(), "calls:message_attachment"})


def test_every_route_with_an_id_has_its_row():
    missing = [route for route in routes_with_ids() if route not in EXPECTED]
    stale = [
        route for route in EXPECTED if route not in routes_with_ids() and route != "calls:message_attachment"
    ]
    assert not missing, f"routes absent from the access matrix (add their row to EXPECTED): {missing}"
    assert not stale, f"rows of routes that no longer exist: {stale}"


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    from tests.calls.reviewkit import scored, user_with
    from tierslieux.accounts.roles import Role
    from tierslieux.calls.models import Attachment, Message
    from tierslieux.selection import selectors as selection_selectors
    from tierslieux.selection import services as selection_services

    call_staff = user_with(Role.PROGRAMME_STAFF)
    sel = selection_world(staff=call_staff)
    application = next(iter(sel.applications.values()))
    applicant = application.applicant
    reviewer = user_with(Role.REVIEWER)
    assignment_review = scored(application, reviewer, [3, 3], submit=False)
    place = application.place
    place_manager = user_with(Role.PLACE_MANAGER)
    place.managers.add(place_manager)
    file = Attachment.objects.create(
        application=application,
        original_name="statuts.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=applicant,
        title="Statuts",
    )
    file.file.save("piece.pdf", SimpleUploadedFile("statuts.pdf", pdf_bytes()))
    message = Message.objects.create(application=application, author=applicant, body="Bonjour")
    message_file = Attachment.objects.create(
        application=application,
        original_name="annexe.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=applicant,
        message=message,
    )
    message_file.file.save("annexe.pdf", SimpleUploadedFile("annexe.pdf", pdf_bytes()))
    params = selection_selectors.default_parameters(sel.wave)
    with django_capture_on_commit_callbacks(execute=True):
        run = selection_services.run_start(wave=sel.wave, actor=call_staff, parameters=params)
    commune = place.commune
    people = {
        "anonymous": None,
        "plain": user_with(None),
        "place_manager": place_manager,
        "applicant": applicant,
        "reviewer": reviewer,
        "call_staff": call_staff,
        "other_staff": user_with(Role.PROGRAMME_STAFF),
        "administrator": user_with(Role.ADMINISTRATOR, is_superuser=True),
    }
    envelope = sel.envelopes[0]
    uid = urlsafe_base64_encode(force_bytes(applicant.pk))
    kwargs = {
        "accounts:confirm": {"uidb64": uid, "token": "forge-1"},
        "accounts:password_reset_confirm": {"uidb64": uid, "token": "forge-1"},
        "geo:commune": {"insee": commune.insee},
        "geo:epci": {"siren": commune.epci.siren},
        "geo:department": {"code": commune.department.code},
        "geo:region": {"code": commune.region.code},
        "geo:outlines": {"level": "regions"},
        "diagnostic:territory": {"kind": "departement", "code": commune.department.code},
        "diagnostic:map": {"kind": "departement", "code": commune.department.code},
        "diagnostic:export_csv": {"kind": "departement", "code": commune.department.code},
        "diagnostic:export_xlsx": {"kind": "departement", "code": commune.department.code},
        "places:detail": {"slug": place.slug},
        "places:history": {"slug": place.slug},
        "places:revert": {"slug": place.slug, "version_id": 1},
        "contributions:propose_change": {"slug": place.slug},
        "contributions:report": {"slug": place.slug},
        "contributions:claim": {"slug": place.slug},
        "contributions:contact": {"slug": place.slug},
        "contributions:edit": {"slug": place.slug},
        "contributions:moderation_proposal": {"pk": ProposalFactory().pk},
        "contributions:moderation_report": {"pk": ErrorReportFactory(place=place).pk},
        "contributions:moderation_claim": {"pk": ClaimFactory(place=place, author=people["plain"]).pk},
        "contributions:moderation_contact": {"pk": ContactMessageFactory(place=place).pk},
        "contributions:import_preview": {"token": "0" * 32},
        "calls:detail": {"slug": sel.call.slug},
        "calls:apply": {"slug": sel.call.slug},
        "calls:application_step": {"pk": application.pk, "step": 2},
        "calls:attachment": {"pk": application.pk, "attachment_pk": file.pk},
        "calls:message_attachment": {"pk": application.pk, "attachment_pk": message_file.pk},
        "calls:attachment_delete": {"pk": application.pk, "attachment_pk": file.pk},
        "calls:item_add": {"pk": sel.call.pk, "kind": "enveloppes"},
        "calls:item_edit": {"pk": sel.call.pk, "kind": "enveloppes", "item_pk": envelope.pk},
        "calls:item_delete": {"pk": sel.call.pk, "kind": "enveloppes", "item_pk": envelope.pk},
        "calls:review_assignment": {"pk": assignment_review.assignment.pk},
        "calls:review_unassign": {"pk": assignment_review.assignment.pk},
        "calls:staff_export": {"pk": sel.call.pk, "export": "csv"},
        "api-1.0.0:commune_detail": {"insee": commune.insee},
        "api-1.0.0:epci_detail": {"siren": commune.epci.siren},
        "api-1.0.0:epci_communes": {"siren": commune.epci.siren},
        "api-1.0.0:department_detail": {"code": commune.department.code},
        "api-1.0.0:region_detail": {"code": commune.region.code},
        "api-1.0.0:places_detail": {"place_id": place.pk},
        "api-1.0.0:calls_detail": {"slug": sel.call.slug},
        "api-1.0.0:territory_coverage": {"kind": "departement", "code": commune.department.code},
        "api-1.0.0:territory_communes": {"kind": "departement", "code": commune.department.code},
        "api-1.0.0:wave_runs": {"wave_id": sel.wave.pk},
        "api-1.0.0:run_detail": {"run_id": run.pk},
    }
    by_pk = {
        "calls:": application.pk,
        "calls:call_": sel.call.pk,
        "calls:rule_add": sel.call.pk,
        "calls:staff_list": sel.call.pk,
        "calls:wave_": sel.wave.pk,
        "calls:committee": sel.wave.pk,
        "calls:publish": sel.wave.pk,
        "selection:wave": sel.wave.pk,
        "selection:compare": sel.wave.pk,
        "selection:": run.pk,
    }
    return people, kwargs, by_pk


def _url(route: str, kwargs: dict, by_pk: dict) -> str:
    name = "calls:attachment" if route == "calls:message_attachment" else route
    if route in kwargs:
        return reverse(name, kwargs=kwargs[route])
    prefix = max((p for p in by_pk if route.startswith(p)), key=len)
    return reverse(name, kwargs={"pk": by_pk[prefix]})


@pytest.mark.parametrize("route", _rows())
def test_access(world, client_for, route):
    """Every role on this route (one world per route; every cell is checked and every mismatch reported)."""
    assert route in EXPECTED, f"{route} has no row in the access matrix"
    people, kwargs, by_pk = world
    url = _url(route, kwargs, by_pk)
    mismatches = []
    for role in ROLES:
        response = client_for(people[role]).get(url)
        expected = EXPECTED[route][role]
        if response.status_code != expected:
            mismatches.append(f"{role}: {response.status_code} (expected {expected})")
        elif (
            expected == 302 and role == "anonymous" and reverse("accounts:login") not in response["Location"]
        ):
            mismatches.append(f"{role}: sent to {response['Location']} instead of the login page")
    assert not mismatches, f"GET {url} ({route}): " + "; ".join(mismatches)
