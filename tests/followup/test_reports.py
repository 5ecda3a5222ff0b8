"""Annual reports: autosaved drafts with optimistic concurrency, prefill, attachments checked by content,
submission once (immutable versions), acceptance releasing the next tranche, corrections and resubmission."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories.followup import INDICATORS, fill_report, pdf, sign, user_with
from tierslieux.accounts.roles import Role
from tierslieux.core.errors import ServiceError
from tierslieux.core.transitions import transition_history
from tierslieux.followup.models import AnnualReport, ReportVersion, Tranche
from tierslieux.followup.services import reports as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(laureate):
    sign(laureate.agreement, laureate.staff)
    return laureate.agreement.reports.get(year=1)


def fill(report, user, **values):
    report.refresh_from_db()
    return services.report_save(
        report=report, user=user, revision=report.revision, values=INDICATORS | values
    )


def ready(report, user):
    fill_report(report, user)


def test_save_is_revision_checked(laureate, report):
    saved = services.report_save(
        report=report, user=laureate.manager, revision=1, values={"members": 10}, tab="A"
    )
    assert (saved.members, saved.revision) == (10, 2)
    # The same page's own later save is not a conflict…
    services.report_save(report=report, user=laureate.manager, revision=1, values={"members": 11}, tab="A")
    # …another tab's is (nothing written).
    with pytest.raises(services.StaleRevision) as refusal:
        services.report_save(
            report=report, user=laureate.manager, revision=1, values={"members": 12}, tab="B"
        )
    assert refusal.value.status == 409
    assert AnnualReport.objects.get(pk=report.pk).members == 11
    with pytest.raises(ServiceError, match="Champs inconnus"):
        services.report_save(report=report, user=laureate.manager, revision=3, values={"status": "accepted"})


@pytest.mark.parametrize("who", ["staff", "reader", "stranger"])
def test_only_the_beneficiary_fills_the_report(laureate, report, who):
    user = {
        "staff": laureate.staff,
        "reader": user_with(Role.PROGRAMME_STAFF, email="lecture@example.org"),
        "stranger": user_with(None, email="x@example.org"),
    }[who]
    with pytest.raises(ServiceError) as refusal:
        services.report_save(report=report, user=user, revision=1, values={"members": 10})
    assert refusal.value.status == (404 if who == "stranger" else 403)
    with pytest.raises(ServiceError):
        services.report_submit(report=report, user=user)


def test_problems_before_submission(laureate, report):
    problems = services.report_problems(report)
    assert any("usagers par mois" in p for p in problems) and any("compte de résultat" in p for p in problems)
    fill(report, laureate.manager, revenue_private=5_000)
    report.refresh_from_db()
    assert any(
        "(145\u202f000\u202f€) doivent faire les produits totaux (150\u202f000\u202f€)" in p
        for p in services.report_problems(report)
    )
    with pytest.raises(ServiceError, match="ne peut pas encore être déposé"):
        services.report_submit(report=report, user=laureate.manager)
    assert AnnualReport.objects.get(pk=report.pk).status == "draft"


def test_attachments_are_checked_by_content(laureate, report):
    fake = SimpleUploadedFile("compte.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ServiceError, match="son contenu a été vérifié"):
        services.report_attachment_add(
            report=report, user=laureate.manager, upload=fake, kind="financial_statement"
        )
    attachment = services.report_attachment_add(
        report=report, user=laureate.manager, upload=pdf(), kind="other"
    )
    assert (attachment.content_type, len(attachment.sha256)) == ("application/pdf", 64)
    with pytest.raises(ServiceError):
        services.report_attachment_add(report=report, user=laureate.staff, upload=pdf(), kind="other")


def test_submit_once_then_accept_releases_the_next_tranche(
    laureate, report, mailbox, django_capture_on_commit_callbacks
):
    ready(report, laureate.manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=report, user=laureate.manager)
    report.refresh_from_db()
    assert (report.status, report.submitted_by) == ("submitted", laureate.manager)
    [version] = report.versions.all()
    assert version.data["indicators"]["users_per_month"] == 220
    assert version.data["attachments"][0]["name"] == "compte.pdf"
    assert "déposé" in mailbox.wait_for(laureate.staff.email)[0]["Subject"]
    assert "Accusé de réception" in mailbox.wait_for(laureate.manager.email)[0]["Subject"]
    # Submitted: immutable.
    with pytest.raises(ServiceError, match="plus modifiable") as refusal:
        services.report_save(
            report=report, user=laureate.manager, revision=report.revision, values={"members": 1}
        )
    assert refusal.value.status == 409
    with pytest.raises(ServiceError):
        services.report_attachment_delete(attachment=report.attachments.get(), user=laureate.manager)
    with pytest.raises(ServiceError):
        services.report_submit(report=report, user=laureate.manager)
    # Only the call's team accepts.
    with pytest.raises(ServiceError) as refusal:
        services.report_accept(report=report, actor=laureate.manager)
    assert refusal.value.status == 403
    with django_capture_on_commit_callbacks(execute=True):
        services.report_accept(report=report, actor=laureate.staff)
    second = Tranche.objects.get(agreement=laureate.agreement, number=2)
    assert second.status == "due"
    assert [log.reason for log in transition_history(second)] == ["Rapport de l’année 1 accepté"]
    assert Tranche.objects.get(agreement=laureate.agreement, number=3).status == "scheduled"
    accepted = mailbox.wait_for(laureate.manager.email, count=2)[-1]
    assert "accepté" in accepted["Subject"] and "tranche 2 devient exigible" in mailbox.text(accepted)
    assert [log.action for log in transition_history(report)] == ["submit", "accept"]


def test_corrections_then_a_second_version(laureate, report, mailbox, django_capture_on_commit_callbacks):
    ready(report, laureate.manager)
    services.report_submit(report=report, user=laureate.manager)
    with pytest.raises(ServiceError, match="motif"):
        services.report_request_corrections(report=report, actor=laureate.staff, message=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_request_corrections(
            report=report, actor=laureate.staff, message="Détaillez les recettes."
        )
    report.refresh_from_db()
    assert (report.status, report.corrections_message) == ("corrections", "Détaillez les recettes.")
    assert "Détaillez les recettes." in mailbox.text(mailbox.wait_for(laureate.manager.email)[-1])
    fill(report, laureate.manager, revenue_own=50_000, revenue_private=20_000)
    services.report_submit(report=report, user=laureate.manager)
    versions = list(ReportVersion.objects.filter(report=report))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].data["indicators"]["revenue_own"] == 60_000  # the first version is kept as it was
    assert versions[1].data["indicators"]["revenue_own"] == 50_000
    assert [log.reason for log in transition_history(report)][-1] == "Nouveau dépôt après corrections"


def test_prefill_from_the_place_then_from_the_previous_year(laureate, report):
    place = laureate.place
    place.opening_hours = {"mo": [["09:00", "17:00"]], "tu": [["09:00", "12:30"]]}
    place.services = ["cafe"]
    place.save()
    assert services.prefill(report) == {"opening_hours_per_week": 11.5, "services": ["cafe"]}
    ready(report, laureate.manager)
    services.report_submit(report=report, user=laureate.manager)
    second = laureate.agreement.reports.get(year=2)
    values = services.prefill(second)
    assert values["users_per_month"] == 220 and values["opening_hours_per_week"] == "35.0"
    assert "narrative" not in values and "grant_use" not in values


def test_a_terminated_agreement_s_reports_no_longer_change(laureate, report):
    from tierslieux.followup.services.agreements import agreement_terminate

    agreement_terminate(agreement=laureate.agreement, actor=laureate.staff, reason="Fermeture.")
    with pytest.raises(ServiceError) as refusal:
        fill(report, laureate.manager)
    assert refusal.value.status == 409


def test_report_period_and_due_date(report):
    assert (report.period_start, report.period_end, report.due_date) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
        date(2026, 3, 1),
    )
