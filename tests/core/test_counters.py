"""The header entry "À traiter": a small registry of counters, shown to reviewers and programme staff."""

from datetime import date

import pytest

from tests.calls.reviewkit import user_with
from tests.factories.calls import ApplicationFactory, CallFactory
from tests.factories.contributions import ProposalFactory
from tierslieux.accounts.roles import Role
from tierslieux.calls.models import ReviewerAssignment, Status
from tierslieux.core import counters

pytestmark = pytest.mark.django_db


def test_every_app_registers_its_counters():
    keys = [c.key for c in counters.registered()]
    assert keys[:4] == ["reviews", "files_to_assign", "moderation", "reports_due"]


def test_a_counter_registered_by_another_app_shows_up(client_for, programme_staff):
    extra = counters.Counter(
        "example",
        "Rapports à examiner",
        "core:home",
        count=lambda user: 7,
        visible=lambda user: True,
        order=40,
    )
    counters.register(extra)
    try:
        html = client_for(programme_staff).get("/a-traiter/").content.decode()
        assert "Rapports à examiner" in html and ">7<" in html
    finally:
        counters._REGISTRY.pop("example")


def test_reviewers_see_their_files_to_review(client_for, reviewer, plain_user):
    call = CallFactory()
    waiting = ApplicationFactory(call=call, status=Status.IN_REVIEW)
    ReviewerAssignment.objects.create(application=waiting, reviewer=reviewer)
    done = ApplicationFactory(call=call, status=Status.ACCEPTED)
    ReviewerAssignment.objects.create(application=done, reviewer=reviewer)
    page = client_for(reviewer).get("/").content.decode()
    assert 'id="header-todo"' in page and "1 élément en attente" in page
    todo = client_for(reviewer).get("/a-traiter/").content.decode()
    assert "Dossiers à instruire" in todo and "Contributions à modérer" not in todo
    assert 'id="header-todo"' not in client_for(plain_user).get("/").content.decode()
    assert 'id="header-todo"' not in client_for(None).get("/").content.decode()


def test_staff_see_files_to_assign_and_the_moderation_queue(client_for, programme_staff):
    call = CallFactory(staff=[programme_staff])
    ApplicationFactory(call=call, status=Status.SUBMITTED)
    ApplicationFactory(call=call, status=Status.DRAFT)
    ApplicationFactory(call=CallFactory(), status=Status.SUBMITTED)  # a call of another team
    ProposalFactory()
    ProposalFactory(status="refused")
    values = {c.key: c.value for c in counters.counts_for(programme_staff)}
    assert values == {"files_to_assign": 1, "moderation": 1}
    page = client_for(programme_staff).get("/").content.decode()
    assert "2 éléments en attente" in page


def test_todo_page_needs_login_and_says_when_there_is_nothing(client_for, plain_user):
    assert client_for(None).get("/a-traiter/").status_code == 302
    html = client_for(plain_user).get("/a-traiter/").content.decode()
    assert "Rien ne vous attend ici" in html
    user_with(Role.REVIEWER)  # another reviewer's work is not counted for this one


def test_laureates_see_the_annual_reports_they_have_to_file(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories.files import pdf_bytes
    from tests.factories.followup import complete, make_laureate
    from tierslieux.followup.selectors import reports_due_count
    from tierslieux.followup.services import agreements

    laureate = make_laureate()
    assert "reports_due" not in {c.key for c in counters.counts_for(laureate.manager)}  # not signed yet
    complete(laureate.agreement, laureate.staff)
    signed = SimpleUploadedFile("convention.pdf", pdf_bytes(), content_type="application/pdf")
    agreements.agreement_sign(
        agreement=laureate.agreement, actor=laureate.staff, signed_on=date(2025, 1, 15), upload=signed
    )
    due = reports_due_count(laureate.manager)
    assert due >= 1  # the first annual report is due in early 2026
    for person in (laureate.manager, laureate.applicant):
        assert {c.key: c.value for c in counters.counts_for(person)}["reports_due"] == due
    page = client_for(laureate.manager).get("/a-traiter/").content.decode()
    assert "Rapports annuels à déposer" in page and 'href="/suivi/mes-lieux/"' in page
    assert "reports_due" not in {c.key for c in counters.counts_for(laureate.staff)}


def _counts(user) -> tuple[dict[str, int], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        values = {c.key: c.value for c in counters.counts_for(user)}
    return values, len(queries)


def test_a_persons_counts_are_kept_until_a_watched_write_commits(
    cache_on, programme_staff, django_capture_on_commit_callbacks, mailbox
):
    from django.db import transaction

    from tierslieux.places.contributions.services import proposal_refuse

    # Each write in its own transaction, as requests make them: the test's own transaction never commits, and
    # a bump registered at its level (the fixtures') would make later writes there find it already registered.
    with transaction.atomic():
        call = CallFactory(staff=[programme_staff])
        ApplicationFactory(call=call, status=Status.SUBMITTED)
    values, first = _counts(programme_staff)
    assert values == {"files_to_assign": 1, "moderation": 0}
    again, queries = _counts(programme_staff)
    assert again == values
    assert queries == 1 < first  # the namespace versions only
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        proposal = ProposalFactory()  # a contribution to moderate: its app is watched
    assert _counts(programme_staff)[0] == {"files_to_assign": 1, "moderation": 1}
    # A workflow moves a status with an UPDATE (no post_save): its transition log row tells the counts.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        proposal_refuse(proposal=proposal, user=programme_staff, reason="Doublon d’une fiche existante.")
    assert _counts(programme_staff)[0] == {"files_to_assign": 1, "moderation": 0}


def test_kept_counts_follow_a_change_of_role_and_stay_per_person(
    cache_on, programme_staff, plain_user, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group
    from django.db import transaction

    ProposalFactory()
    assert _counts(plain_user)[0] == {}
    assert _counts(programme_staff)[0]["moderation"] == 1
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        plain_user.groups.add(Group.objects.get(name=Role.PROGRAMME_STAFF.value))
    plain_user = type(plain_user).objects.get(pk=plain_user.pk)  # a new request's user
    assert _counts(plain_user)[0]["moderation"] == 1
