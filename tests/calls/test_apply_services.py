"""Services of the applicant side: autosave with optimistic concurrency, submission to the second,
versions, receipts, corrections, withdrawal, attachments checked by content, messages."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories.calls import ApplicationFactory, QuestionFactory
from tests.factories.files import jpeg_bytes, pdf_bytes, png_bytes
from tierslieux.calls import services
from tierslieux.calls.models import Application, ApplicationVersion, Status
from tierslieux.core.transitions import transition_history
from tierslieux.core.workflow import TransitionError

pytestmark = pytest.mark.django_db


PDF = pdf_bytes()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_start_needs_an_open_wave(call, applicant):
    application = services.application_start(call=call, user=applicant)
    assert application.reference.startswith(f"AMI-{timezone.now():%Y}-")
    assert application.status == Status.DRAFT and application.wave == call.waves.get()
    wave = call.waves.get()
    wave.closes_at = timezone.now() - timedelta(seconds=1)
    wave.save()
    with pytest.raises(services.ServiceError, match="Aucune vague"):
        services.application_start(call=call, user=applicant)


def test_save_increments_revision_and_refuses_a_stale_one(draft, applicant):
    saved = services.application_save(
        application=draft, user=applicant, revision=1, values={"project_title": "Onglet A"}
    )
    assert saved.revision == 2 and saved.project_title == "Onglet A"
    with pytest.raises(services.StaleRevision, match="modifié entre-temps"):
        services.application_save(
            application=draft, user=applicant, revision=1, values={"project_title": "Onglet B"}
        )
    draft.refresh_from_db()
    assert draft.project_title == "Onglet A" and draft.revision == 2


def test_save_computes_requested_total_and_rejects_strangers(draft, applicant, applicant_b):
    from tests.calls.conftest import BALANCED_BUDGET

    saved = services.application_save(
        application=draft, user=applicant, revision=1, values={"budget": BALANCED_BUDGET}
    )
    assert saved.requested_total == 120_000
    with pytest.raises(services.ServiceError, match="Seul le porteur"):
        services.application_save(application=draft, user=applicant_b, revision=2, values={"summary": "x"})
    with pytest.raises(services.ServiceError, match="inconnus"):
        services.application_save(
            application=draft, user=applicant, revision=2, values={"status": "accepted"}
        )


def test_submission_snapshots_logs_and_sends_a_receipt(
    complete_draft, applicant, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.application_submit(application=complete_draft, user=applicant)
    assert submitted.status == Status.SUBMITTED
    assert submitted.envelope.code == "hors-gcu"
    assert submitted.eligibility["envelopes"][0]["eligible"] is True
    version = ApplicationVersion.objects.get(application=submitted)
    assert version.number == 1 and version.data["project_title"] == "Fabrique du port"
    [log] = transition_history(submitted)
    assert (log.workflow, log.action, log.from_status, log.to_status, log.actor, log.reason) == (
        "application",
        "submit",
        "draft",
        "submitted",
        applicant,
        "",
    )
    [message] = mailbox.wait_for("porteur@example.org")
    assert complete_draft.reference in message["Subject"]
    body = mailbox.text(message)
    assert (
        "Fabrique du port" in body and "120\u202f000\u202f€" in body and "Hors grands centres urbains" in body
    )
    with pytest.raises(services.ServiceError, match="plus modifiable"):
        services.application_save(
            application=submitted,
            user=applicant,
            revision=submitted.revision,
            values={"summary": "après coup"},
        )


def test_submission_one_second_after_closing_is_refused_and_draft_kept(complete_draft, applicant):
    closes_at = complete_draft.wave.closes_at
    with pytest.raises(services.ServiceError, match="clos"):
        services.application_submit(
            application=complete_draft, user=applicant, now=closes_at + timedelta(seconds=1)
        )
    with pytest.raises(services.ServiceError, match="clos"):
        services.application_submit(application=complete_draft, user=applicant, now=closes_at)
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.DRAFT and complete_draft.project_title == "Fabrique du port"
    assert not complete_draft.versions.exists() and not transition_history(complete_draft).exists()
    ok = services.application_submit(
        application=complete_draft, user=applicant, now=closes_at - timedelta(seconds=1)
    )
    assert ok.status == Status.SUBMITTED


def test_amounts_over_the_rules_block_submission(complete_draft, applicant):
    complete_draft.budget = {
        "expenses": {"staff": [60_000, 60_000, 60_000]},
        "resources": {"requested": [60_000, 60_000, 60_000]},
    }
    complete_draft.save()
    with pytest.raises(services.ServiceError) as error:
        services.application_submit(application=complete_draft, user=applicant)
    assert "plafond annuel" in str(error.value) and "aucune enveloppe" in str(error.value)
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.DRAFT


def test_incomplete_draft_lists_every_problem(call, applicant):
    application = ApplicationFactory(
        call=call, wave=call.waves.get(), applicant=applicant, place=None, project_title="", summary=""
    )
    QuestionFactory(call=call, label="Public visé", required=True)
    QuestionFactory(call=call, label="Statuts", kind="file", required=True)
    problems = services.application_problems(application)
    text = " ".join(problems)
    for expected in ("Étape 1", "titre du projet", "Public visé", "Statuts", "aucune dépense"):
        assert expected in text


def test_corrections_then_resubmission_make_a_new_version(
    complete_draft, applicant, programme_staff, mailbox, django_capture_on_commit_callbacks
):
    submitted = services.application_submit(application=complete_draft, user=applicant)
    deadline = timezone.now() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_request_corrections(
            application=submitted,
            actor=programme_staff,
            message="Précisez la gouvernance.",
            deadline=deadline,
        )
    submitted.refresh_from_db()
    assert submitted.status == Status.CORRECTIONS and submitted.is_editable
    assert "Précisez la gouvernance." in mailbox.text(mailbox.wait_for("porteur@example.org")[-1])
    saved = services.application_save(
        application=submitted,
        user=applicant,
        revision=submitted.revision,
        values={"governance": "Une SCIC à trois collèges."},
    )
    again = services.application_submit(application=saved, user=applicant)
    assert again.status == Status.SUBMITTED
    assert [v.number for v in again.versions.all()] == [1, 2]
    assert again.versions.get(number=2).data["governance"] == "Une SCIC à trois collèges."
    assert again.versions.get(number=1).data["governance"] == ""


def test_corrections_after_their_deadline_cannot_be_resubmitted(complete_draft, applicant, programme_staff):
    submitted = services.application_submit(application=complete_draft, user=applicant)
    deadline = timezone.now() + timedelta(days=1)
    services.application_request_corrections(
        application=submitted, actor=programme_staff, message="Budget", deadline=deadline
    )
    with pytest.raises(services.ServiceError, match="délai"):
        services.application_submit(
            application=submitted, user=applicant, now=deadline + timedelta(seconds=1)
        )


def test_transition_roles_are_checked_and_logged(complete_draft, applicant, programme_staff, other_staff):
    submitted = services.application_submit(application=complete_draft, user=applicant)
    with pytest.raises(TransitionError, match="réservée à l’équipe"):
        services.application_transition(application=submitted, to_status=Status.IN_REVIEW, actor=applicant)
    with pytest.raises(TransitionError):
        services.application_transition(application=submitted, to_status=Status.IN_REVIEW, actor=other_staff)
    with pytest.raises(TransitionError, match="motif"):
        services.application_transition(application=submitted, to_status=Status.CLOSED, actor=programme_staff)
    services.application_transition(application=submitted, to_status=Status.IN_REVIEW, actor=programme_staff)
    with pytest.raises(TransitionError, match="Impossible"):
        services.application_transition(application=submitted, to_status=Status.SUBMITTED, actor=applicant)
    services.application_withdraw(application=submitted, actor=applicant, reason="Projet abandonné")
    assert list(transition_history(submitted).values_list("to_status", "action", "actor")) == [
        ("submitted", "submit", applicant.pk),
        ("in_review", "start_review", programme_staff.pk),
        ("withdrawn", "withdraw", applicant.pk),
    ]
    assert Application.objects.get(pk=submitted.pk).status == Status.WITHDRAWN


def test_qpv_confirmation_by_the_team_only(draft, applicant, programme_staff):
    from tests.factories.geo import QpvFactory

    qpv = QpvFactory(name="Kerandon")
    qpv.communes.add(draft.place.commune)
    draft.qpv = qpv
    draft.status = Status.SUBMITTED
    draft.save()
    with pytest.raises(services.ServiceError):
        services.application_confirm_qpv(application=draft, actor=applicant)
    services.application_confirm_qpv(application=draft, actor=programme_staff)
    assert draft.qpv_confirmed_at is not None and draft.qpv_confirmed_by == programme_staff


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("statuts.pdf", PDF, "application/pdf"),
        ("projet.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
        (
            "projet.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("plan.png", png_bytes(), "image/png"),
        ("photo.jpg", jpeg_bytes(), "image/jpeg"),
    ],
)
def test_accepted_files_are_stored_privately_with_random_names(
    draft, applicant, settings, name, content, content_type
):
    attachment = services.attachment_add(
        application=draft, user=applicant, upload=SimpleUploadedFile(name, content), title="Pièce"
    )
    assert attachment.content_type == content_type and attachment.size == len(content)
    assert len(attachment.sha256) == 64 and attachment.original_name == name
    stored = settings.PRIVATE_MEDIA_ROOT / attachment.file.name
    assert stored.read_bytes() == content
    assert name.split(".")[0] not in attachment.file.name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("statuts.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),  # a renamed Windows executable
        ("projet.docx", b"PK\x03\x04not really a zip"),
        ("notes.odt", b"\x7fELF\x02\x01\x01"),
        ("texte.pdf", b"Bonjour"),
        ("page.pdf", b"%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>\n%%EOF\n"),
        ("polyglotte.pdf", PDF.replace(b"%PDF-1.3\n", b"%PDF-1.3\n<html><script>alert(1)</script>\n", 1)),
        ("tronque.pdf", PDF[: len(PDF) // 3]),
        ("plan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("photo.jpg", jpeg_bytes()[:40]),
    ],
)
def test_renamed_executables_and_fakes_are_refused(draft, applicant, name, content):
    with pytest.raises(services.ServiceError, match="contenu a été vérifié"):
        services.attachment_add(application=draft, user=applicant, upload=SimpleUploadedFile(name, content))
    assert not draft.attachments.exists()


def test_oversized_file_is_refused(draft, applicant):
    upload = SimpleUploadedFile("gros.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(services.ServiceError, match="10 Mo"):
        services.attachment_add(application=draft, user=applicant, upload=upload)


def test_submitted_dossier_takes_no_more_attachments(complete_draft, applicant):
    services.attachment_add(
        application=complete_draft, user=applicant, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    submitted = services.application_submit(application=complete_draft, user=applicant)
    assert submitted.versions.get().data["attachments"][0]["sha256"]
    with pytest.raises(services.ServiceError, match="plus modifiable"):
        services.attachment_add(
            application=submitted, user=applicant, upload=SimpleUploadedFile("b.pdf", PDF)
        )


def test_messages_notify_the_other_side(
    complete_draft, applicant, programme_staff, mailbox, django_capture_on_commit_callbacks
):
    submitted = services.application_submit(application=complete_draft, user=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(
            application=submitted,
            author=applicant,
            body="Une question sur le budget.",
            files=[SimpleUploadedFile("annexe.pdf", PDF)],
        )
    [to_staff] = mailbox.wait_for("equipe@example.org")
    assert "Une question sur le budget." in mailbox.text(to_staff)
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(
            application=submitted, author=programme_staff, body="Voici la réponse."
        )
    assert message.from_staff
    [reply] = mailbox.wait_for("porteur@example.org")
    assert "L’équipe du programme vous a écrit" in mailbox.text(reply)
    assert submitted.attachments.filter(message__isnull=False).count() == 1
    with pytest.raises(services.ServiceError, match="vide"):
        services.message_send(application=submitted, author=applicant, body="   ")


def test_a_stale_save_of_identical_values_is_not_a_conflict(draft, applicant):
    """The autosave and the "Enregistrer" button may send the same form with the same revision."""
    services.application_save(application=draft, user=applicant, revision=1, values={"summary": "Même texte"})
    again = services.application_save(
        application=draft, user=applicant, revision=1, values={"summary": "Même texte"}
    )
    assert again.revision == 2
    with pytest.raises(services.StaleRevision):
        services.application_save(application=draft, user=applicant, revision=1, values={"summary": "Autre"})


def test_a_page_is_never_in_conflict_with_its_own_autosaves(draft, applicant):
    """Tab A's autosave overtakes tab A's button (same base revision): fine. Tab B's stale save: refused."""
    services.application_save(
        application=draft, user=applicant, revision=1, values={"summary": "A1"}, tab="A"
    )
    saved = services.application_save(
        application=draft, user=applicant, revision=1, values={"summary": "A2"}, tab="A"
    )
    assert saved.summary == "A2" and saved.revision == 3
    with pytest.raises(services.StaleRevision):
        services.application_save(
            application=draft, user=applicant, revision=1, values={"summary": "B"}, tab="B"
        )
    with pytest.raises(services.StaleRevision):
        services.application_save(
            application=draft, user=applicant, revision=2, values={"summary": "B"}, tab="B"
        )
    services.application_save(application=draft, user=applicant, revision=3, values={"summary": "B"}, tab="B")
    with pytest.raises(services.StaleRevision):
        services.application_save(
            application=draft, user=applicant, revision=3, values={"summary": "A3"}, tab="A"
        )
    draft.refresh_from_db()
    assert draft.summary == "B" and draft.last_tab == "B"
