"""The call pages staff and applicants open most do a bounded number of queries whatever the number of rows:
measured at two sizes (3 and 30 files, reviews, decisions, versions, answers…), exactly the same count."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.calls.reviewkit import make_world, scored
from tests.factories.calls import QuestionFactory
from tests.factories.files import pdf_bytes
from tierslieux.calls.models import ApplicationVersion, Attachment, Decision, Status
from tierslieux.core.models import TransitionLog

pytestmark = pytest.mark.django_db

# Every page below, signed in, starts with the same reads: the session, the user, (staff) the TOTP device that
# proves the second factor, and the user's groups; the header's
# counters (applicant: decisions to read, places managed, agreements; programme staff also: the calls' files to
# instruct, the pending proposals, error reports, claims, contact messages and places to moderate); and, for
# staff, the session saved again (savepoint, update, release) — 16 queries for staff, 6 for an applicant (django-dsfr's
# own DsfrConfig reads are gone: core.context_processors supplies the site's identity).
# Then, per page:
# - dossier, staff: the file; whether the user manages its place, whether they are on the call's team; its status
#   log (actors joined); the eligibility facts (the EPCI, the department, and twice the labelled places nearby
#   and the earlier laureates); the call's rules, envelopes and questions; its versions; its attachments — 15;
# - dossier, applicant: the same without the two role checks — 13;
# - committee: the wave (call joined), the team check, the files, all their scores, the criteria's weights, the
#   decisions counted and summed per envelope, the envelopes (rankings and consumption), the proposed decisions
#   of the saved selection — 10;
# - staff list: the call, the team check, the files, their assignments and reviewers, all their scores, the
#   criteria's weights, the filters' waves (twice), envelopes, regions and reviewers — 12.
BOUNDS = {
    "dossier, staff": 16 + 15,
    "dossier, applicant": 6 + 13,
    "committee": 16 + 10,
    "staff list": 16 + 12,
}


def _dossier(world, size: int):
    """One submitted file with `size` answered questions, versions, status changes and attachments."""
    questions = [QuestionFactory(call=world.call, label=f"Question {k}", position=k) for k in range(size)]
    application = world.application(
        status=Status.IN_REVIEW, answers={str(q.pk): f"Réponse {q.pk}" for q in questions}
    )
    kind = ContentType.objects.get_for_model(application)
    for k in range(size):
        ApplicationVersion.objects.create(
            application=application, number=k + 1, data={"k": k}, created_by=application.applicant
        )
        TransitionLog.objects.create(
            content_type=kind,
            object_id=application.pk,
            workflow="application",
            action="submit" if k % 2 == 0 else "request_corrections",
            from_status=Status.DRAFT if k % 2 == 0 else Status.IN_REVIEW,
            to_status=Status.SUBMITTED if k % 2 == 0 else Status.CORRECTIONS,
            actor=application.applicant if k % 2 == 0 else world.staff,
        )
        Attachment.objects.create(
            application=application,
            title=f"Pièce {k}",
            file=ContentFile(pdf_bytes(), name=f"piece-{k}.pdf"),
            original_name=f"piece-{k}.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
            uploaded_by=application.applicant,
        )
    return application


def _wave(world, size: int) -> None:
    """`size` files of the wave, each scored by every reviewer; one in three decided."""
    for k in range(size):
        application = world.application(envelope=world.envelopes[k % 2])
        for reviewer in world.reviewers:
            scored(application, reviewer, [1 + k % 5, 1 + (k + 1) % 5])
        if k % 3 == 0:
            Decision.objects.create(
                application=application,
                outcome="accepted",
                envelope=application.envelope,
                granted_amounts=[40_000, 40_000, 40_000],
                granted_total=120_000,
                decided_by=world.staff,
            )


@pytest.mark.parametrize("size", [3, 30])
def test_the_call_pages_do_a_bounded_number_of_queries(client_for, size, django_assert_num_queries):
    world = make_world()
    application = _dossier(world, size)
    _wave(world, size)
    staff, applicant = client_for(world.staff), client_for(application.applicant)
    pages = {
        "dossier, staff": (staff, reverse("calls:application", args=[application.pk]), f"Pièce {size - 1}"),
        "dossier, applicant": (
            applicant,
            reverse("calls:application", args=[application.pk]),
            f"Question {size - 1}",
        ),
        "committee": (staff, reverse("calls:committee", args=[world.wave.pk]), application.reference),
        "staff list": (staff, reverse("calls:staff_list", args=[world.call.pk]), application.reference),
    }
    for name, (client, url, shown) in pages.items():
        client.get(url)  # the content types and the DSFR settings are cached per process, not per request
        with django_assert_num_queries(BOUNDS[name]):
            response = client.get(url)
        assert response.status_code == 200, name
        assert shown in response.content.decode(), name  # the rows were really read and shown
