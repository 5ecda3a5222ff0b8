"""Access matrix of every route with an id, generated from the URL configuration: each (route, role) is one
test, and a route missing from EXPECTED fails (so a new route cannot escape the matrix). The admin has its
own matrix (tests/core/test_admin_matrix.py).

Each cell is the status of a GET by that role on that route, with ids of real objects of one world: a call
whose team is `call_staff`, a dossier under review owned by `applicant` (with a file and a message file), an
assigned `reviewer`, a finished optimiser run, a place managed by `place_manager`, one of each contribution;
and, built only for the routes of their app, a place import (draft and done), a laureate of `call_staff`'s
call (its agreement signed, a report submitted, an amendment, an open census), the network (a listing and a
public profile of `plain`, an event, a calendar, a resource and a companion offer of the place, a mentoring
request of `applicant` for its place "en projet", paired with the place), the news (an article of `editor`,
a comment of `plain`, an anonymous one awaiting confirmation) and an alert subscription.
302 means sent to the login page (anonymous) or to another page of the same flow (noted)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from tests.factories.contributions import (
    ClaimFactory,
    ContactMessageFactory,
    ErrorReportFactory,
    ProposalFactory,
)
from tests.factories.files import jpeg_bytes, pdf_bytes
from tests.factories.followup import followup_world
from tests.factories.network import network_world
from tests.factories.news import news_world
from tests.factories.selection import selection_world

ROLES = [
    "anonymous",
    "plain",
    "place_manager",
    "applicant",
    "reviewer",
    "call_staff",
    "other_staff",
    "editor",
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
PUBLIC_POST_ONLY = _all(405)  # a POST-only route open to everyone
STAFF_ONLY = _only(STAFF_SIDE, 403)
STAFF_POST_ONLY = _only(dict.fromkeys(STAFF_SIDE, 405), 403)  # staff are checked before the method
SIGNED_IN = _signed_in(200)
# The follow-up: the agreement of a laureate of `call_staff`'s call, its place managed by `place_manager`,
# applied for by `applicant` (the beneficiary); other programme staff read it; anyone else: 404.
AGREEMENT_READ = _only({"place_manager": 200, "applicant": 200, **STAFF_SIDE}, 404)
AGREEMENT_TEAM = _only(
    {"place_manager": 403, "applicant": 403, "call_staff": 200, "other_staff": 403, "administrator": 200}, 404
)
# The place's managers and programme staff (its events, calendars, companion offer).
PLACE_AND_STAFF = _only({"place_manager": 200, **STAFF_SIDE}, 403)
EDITORS = _only({"editor": 200, **STAFF_SIDE}, 403)

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
    "contributions:photos": _only(
        {"place_manager": 200, "call_staff": 200, "other_staff": 200, "administrator": 200}, 403
    ),
    "contributions:photo_action": POST_ONLY,
    "places:photo": PUBLIC,
    "geo:commune_outlines": PUBLIC,
    "contributions:moderation_proposal": MODERATION,
    "contributions:moderation_report": MODERATION,
    "contributions:moderation_claim": MODERATION,
    "contributions:moderation_contact": MODERATION,
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
    # The submitted dossier as a PDF: whoever sees the dossier; its receipt: the applicant side and staff.
    "calls:application_pdf": _only({**APPLICANT_SIDE, "reviewer": 200, **STAFF_SIDE}, 404),
    "calls:receipt_pdf": _only({**APPLICANT_SIDE, "reviewer": 403, **STAFF_SIDE}, 404),
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
    "api-1.0.0:figure_detail": PUBLIC,
    "api-1.0.0:wave_runs": _only({"call_staff": 200, "other_staff": 200, "administrator": 200}, 403, 401),
    "api-1.0.0:run_detail": _only({"call_staff": 200, "other_staff": 200, "administrator": 200}, 403, 401),
    # places: the yearly "still up to date" of its managers; moderation of project places; imports (a done
    # one, a draft one: its values step leads to its columns while they are not confirmed)
    "places:verify": POST_ONLY,
    "contributions:moderation_project_place": MODERATION,
    "contributions:import_detail": STAFF_ONLY,
    "contributions:import_report": STAFF_ONLY,
    "contributions:import_cancel": STAFF_POST_ONLY,
    "contributions:import_mapping": STAFF_ONLY,
    "contributions:import_values": _only(dict.fromkeys(STAFF_SIDE, 302), 403),
    "contributions:import_preview": STAFF_ONLY,
    # the public observatory: a figure's page, its embeddable version and downloads
    "observatory:figure": PUBLIC,
    "observatory:embed": PUBLIC,
    "observatory:figure_csv": PUBLIC,
    "observatory:figure_json": PUBLIC,
    # follow-up of the laureates
    "followup:agreement": AGREEMENT_READ,
    "followup:agreement_edit": _only(
        {"place_manager": 403, "applicant": 403, "call_staff": 409, "other_staff": 403, "administrator": 409},
        404,
    ),  # a signed agreement changes only by amendment
    "followup:agreement_sign": AGREEMENT_TEAM,
    "followup:agreement_amend": AGREEMENT_TEAM,
    "followup:agreement_terminate": AGREEMENT_TEAM,
    "followup:agreement_complete": POST_ONLY,
    "followup:agreement_file": AGREEMENT_READ,
    "followup:amendment_file": AGREEMENT_READ,
    "followup:tranche": AGREEMENT_READ,
    "followup:report": AGREEMENT_READ,
    "followup:report_accept": POST_ONLY,
    "followup:report_corrections": POST_ONLY,
    "followup:report_attachment_upload": POST_ONLY,
    "followup:report_attachment": AGREEMENT_READ,
    "followup:report_attachment_delete": POST_ONLY,
    "followup:export": STAFF_ONLY,
    "followup:campaign": STAFF_ONLY,
    "followup:campaign_open": STAFF_POST_ONLY,
    "followup:campaign_close": STAFF_POST_ONLY,
    "followup:census_answer": PUBLIC,  # the personal link of the invitation is the proof
    "followup:census_answer_signed_in": _only({"place_manager": 200}, 403),
    "followup:place": _only({"place_manager": 200}, 404),  # managers only, programme staff included
    # network: a published listing and the public profile of `plain`, reported by `reviewer`
    "network:listing": PUBLIC,
    "network:listing_edit": _only({"plain": 200}, 403),  # its author (or a manager of its place)
    "network:listing_action": POST_ONLY,
    "network:listing_contact": SIGNED_IN,
    "network:listing_report": SIGNED_IN,
    "network:person": PUBLIC,
    "network:person_contact": SIGNED_IN,
    "network:report_decide": POST_ONLY,
    # mentoring: `place` accompanies the project of `applicant` (a place "en projet" they manage)
    "network:mentor_offer": PLACE_AND_STAFF,
    "network:mentoring_request": _only({"applicant": 200, **STAFF_SIDE}, 404),
    "network:mentoring_choose": POST_ONLY,
    "network:mentoring_pair": POST_ONLY,
    "network:mentoring_withdraw": POST_ONLY,
    "network:pairing": _only({"place_manager": 200, "applicant": 200, **STAFF_SIDE}, 404),
    "network:pairing_action": POST_ONLY,
    "network:pairing_meeting": POST_ONLY,
    # resources and events of `place`
    "network:resource": PUBLIC,
    "network:resource_version": PLACE_AND_STAFF,
    "network:resource_download": PUBLIC,
    "network:resource_action": POST_ONLY,
    "events:detail": PUBLIC,
    "events:detail_short": _all(301),  # to the event's page with its slug
    "events:image": PUBLIC,
    "events:month_of": PUBLIC,
    "events:feed_place": PUBLIC,
    "events:feed_department": PUBLIC,
    "events:feed_region": PUBLIC,
    "events:feed_category": PUBLIC,
    "events:create": PLACE_AND_STAFF,
    "events:edit": PLACE_AND_STAFF,
    "events:place": PLACE_AND_STAFF,
    "events:action": POST_ONLY,
    "events:source_remove": POST_ONLY,
    # news: an article of `editor`, a comment `plain` just posted, an anonymous one awaiting confirmation
    "news:detail": PUBLIC,
    "news:tag": PUBLIC,
    "news:tag_rss": PUBLIC,
    "news:tag_atom": PUBLIC,
    "news:edit": EDITORS,
    "news:article_action": POST_ONLY,
    "news:comments_toggle": POST_ONLY,
    "news:moderate": POST_ONLY,
    "news:comment_post": PUBLIC_POST_ONLY,
    "news:comment_confirm": PUBLIC,  # the signed link of the confirmation email is the proof
    "news:comment_edit": {**_all(403), "plain": 200},  # its author, within 15 minutes
    "news:comment_delete": PUBLIC_POST_ONLY,
    "news:comment_report": PUBLIC,
    # alerts: the signed links of the emails are the proof
    "alerts:confirm": PUBLIC,
    "alerts:manage": PUBLIC,
    "alerts:unsubscribe": PUBLIC,
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
    from tierslieux.places.services import photo_add
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
    application.versions.create(
        number=1, data={"project_title": application.project_title}, created_by=applicant
    )
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
    photo = photo_add(place=place, user=place_manager, content=jpeg_bytes(), alt="Façade du lieu")
    people = {
        "anonymous": None,
        "plain": user_with(None),
        "place_manager": place_manager,
        "applicant": applicant,
        "reviewer": reviewer,
        "call_staff": call_staff,
        "other_staff": user_with(Role.PROGRAMME_STAFF),
        "editor": user_with(Role.EDITOR),
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
        "places:verify": {"slug": place.slug},
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
        "api-1.0.0:figure_detail": {"figure_id": "emplois"},
        "observatory:figure": {"figure_id": "emplois"},
        "observatory:embed": {"figure_id": "emplois"},
        "observatory:figure_csv": {"figure_id": "emplois"},
        "observatory:figure_json": {"figure_id": "emplois"},
        "geo:commune_outlines": {"code": commune.department.code},
        "contributions:photos": {"slug": place.slug},
        "contributions:photo_action": {"slug": place.slug, "pk": photo.pk},
        "places:photo": {"slug": place.slug, "pk": photo.pk},
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
    return people, place, kwargs, by_pk


def _imports(people, place) -> dict:
    from tierslieux.places.importing import services as imports

    content = f"Nom;Commune\nLa Halle;{place.commune.name}\n".encode()
    draft, done = (
        imports.place_import_start(
            file_name="lieux.csv", content=content, source="test", user=people["call_staff"]
        )
        for _ in range(2)
    )
    imports.place_import_prepare(place_import=done)
    imports.place_import_commit(place_import=done, user=people["call_staff"])
    return {
        "contributions:import_detail": {"pk": done.pk},
        "contributions:import_report": {"pk": done.pk},
        "contributions:import_cancel": {"pk": done.pk},
        "contributions:import_mapping": {"pk": draft.pk},
        "contributions:import_values": {"pk": draft.pk},
        "contributions:import_preview": {"pk": draft.pk},
    }


def _project_place(people, place) -> dict:
    from tests.factories.places import PlaceFactory
    from tierslieux.places.models import Publication

    project = PlaceFactory(commune=place.commune, status="project", publication=Publication.PENDING)
    return {"contributions:moderation_project_place": {"pk": project.pk}}


def _followup(people, place) -> dict:
    world = followup_world(
        staff=people["call_staff"], manager=people["place_manager"], applicant=people["applicant"]
    )
    agreement, report = world["agreement"], world["report"]
    on_agreement = {"pk": agreement.pk}
    return {
        **{
            f"followup:agreement{suffix}": on_agreement
            for suffix in ("", "_edit", "_sign", "_amend", "_terminate", "_complete", "_file")
        },
        "followup:amendment_file": {"pk": agreement.pk, "number": world["amendment"].number},
        "followup:tranche": {"pk": world["tranche"].pk},
        **{
            f"followup:report{suffix}": {"pk": report.pk}
            for suffix in ("", "_accept", "_corrections", "_attachment_upload")
        },
        "followup:report_attachment": {"pk": report.pk, "attachment_pk": world["attachment"].pk},
        "followup:report_attachment_delete": {"pk": report.pk, "attachment_pk": world["attachment"].pk},
        "followup:campaign": {"pk": world["campaign"].pk},
        "followup:campaign_open": {"pk": world["campaign"].pk},
        "followup:campaign_close": {"pk": world["campaign"].pk},
        "followup:census_answer": {"token": world["token"]},
        "followup:census_answer_signed_in": {
            "pk": world["campaign"].pk,
            "slug": world["laureate"].place.slug,
        },
        "followup:export": {"what": "conventions", "extension": "csv"},
        "followup:place": {"slug": world["laureate"].place.slug},
    }


def _network(people, place) -> dict:
    world = network_world(
        place=place,
        manager=people["place_manager"],
        author=people["plain"],
        project_manager=people["applicant"],
        reporter=people["reviewer"],
    )
    event, resource = world.event, world.resource
    department, region = place.commune.department, place.commune.region
    return {
        **{
            f"network:listing{s}": {"pk": world.listing.pk}
            for s in ("", "_action", "_contact", "_edit", "_report")
        },
        "network:person": {"user_id": people["plain"].pk},
        "network:person_contact": {"user_id": people["plain"].pk},
        "network:report_decide": {"pk": world.report.pk},
        "network:mentor_offer": {"slug": place.slug},
        **{
            f"network:mentoring_{s}": {"pk": world.request.pk}
            for s in ("request", "choose", "pair", "withdraw")
        },
        **{f"network:pairing{s}": {"pk": world.pairing.pk} for s in ("", "_action", "_meeting")},
        **{f"network:resource{s}": {"slug": resource.slug} for s in ("", "_action", "_version")},
        "network:resource_download": {"slug": resource.slug, "number": 1},
        **{f"events:{s}": {"pk": event.pk} for s in ("action", "detail_short", "edit", "image")},
        "events:detail": {"pk": event.pk, "slug": slugify(event.title)[:60]},
        "events:create": {"slug": place.slug},
        "events:place": {"slug": place.slug},
        "events:feed_place": {"slug": place.slug},
        "events:feed_department": {"code": department.code},
        "events:feed_region": {"code": region.code},
        "events:feed_category": {"code": event.category},
        "events:month_of": {"year": event.starts_at.year, "month": event.starts_at.month},
        "events:source_remove": {"pk": world.source.pk},
    }


def _news(people, place) -> dict:
    world = news_world(editor=people["editor"], commenter=people["plain"])
    article, comment = world["article"], world["comment"]
    return {
        "news:detail": {"slug": article.slug},
        "news:comment_post": {"slug": article.slug},
        "news:edit": {"pk": article.pk},
        "news:article_action": {"pk": article.pk},
        "news:comments_toggle": {"pk": article.pk},
        "news:moderate": {"pk": world["waiting"].pk},
        "news:comment_confirm": {"pk": world["waiting"].pk, "token": world["token"]},
        "news:comment_edit": {"pk": comment.pk},
        "news:comment_delete": {"pk": comment.pk},
        "news:comment_report": {"pk": comment.pk},
        **{f"news:{s}": {"slug": world["tag"].slug} for s in ("tag", "tag_rss", "tag_atom")},
    }


def _alerts(people, place) -> dict:
    from django.utils import timezone

    from tests.alerts.helpers import active_subscription
    from tierslieux.alerts import tokens

    subscription = active_subscription("abonnee@example.org", at=timezone.now(), stream="news.articles")
    return {
        "alerts:confirm": {"token": tokens.confirm_token(subscription.recipient)},
        "alerts:manage": {"token": tokens.manage_token(subscription.recipient)},
        "alerts:unsubscribe": {"token": tokens.unsubscribe_token(subscription)},
    }


# Objects of the other apps, built only for the routes that need them (the world is built once per route).
APP_WORLDS = {
    "contributions:import_": _imports,
    "contributions:moderation_project_place": _project_place,
    "followup:": _followup,
    "network:": _network,
    "events:": _network,
    "news:": _news,
    "alerts:": _alerts,
}


def _app_kwargs(route: str, people, place) -> dict:
    builders = [prefix for prefix in APP_WORLDS if route.startswith(prefix)]
    return APP_WORLDS[max(builders, key=len)](people, place) if builders else {}


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
    people, place, kwargs, by_pk = world
    url = _url(route, kwargs | _app_kwargs(route, people, place), by_pk)
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
