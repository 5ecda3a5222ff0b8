"""A submitted dossier shows every answer the applicant gave, the same for the applicant (summary step and
submitted view), the call's staff and the reviewer — for every question type."""

import re

import pytest

from tests.calls.reviewkit import user_with
from tests.factories.calls import QuestionFactory
from tests.factories.files import pdf_bytes
from tierslieux.accounts.roles import Role
from tierslieux.calls import services
from tierslieux.calls.models import Attachment
from tierslieux.calls.review import services as review_services

PDF = pdf_bytes()


def summary(html: str) -> str:
    match = re.search(r'<div id="dossier-summary">(.*?)<h3>', html, re.S)
    assert match, "the dossier summary is missing"
    return re.sub(r"[ \t\r\n]+", " ", match.group(1)).strip()  # keeps the narrow no-break spaces


@pytest.fixture
def answered(complete_draft, applicant, tmp_path):
    call = complete_draft.call
    questions = {
        "text": QuestionFactory(
            call=call, label="Quels publics accueillez-vous ?", kind="text", required=True
        ),
        "number": QuestionFactory(
            call=call, label="Combien d’usagers par an ?", kind="number", required=False
        ),
        "choice": QuestionFactory(
            call=call,
            label="Le lieu est-il déjà ouvert au public ?",
            kind="choice",
            choices=["Oui", "Non"],
            required=True,
        ),
        "file": QuestionFactory(call=call, label="Statuts de la structure", kind="file", required=False),
    }
    complete_draft.envelope = call.envelopes.get(code="hors-gcu")  # chosen on step 5
    complete_draft.answers = {
        str(questions["text"].pk): "Des familles et des artisans.",
        str(questions["number"].pk): 12500,
        str(questions["choice"].pk): "Oui",
    }
    complete_draft.save()
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.attachment_add(
        application=complete_draft,
        user=applicant,
        upload=SimpleUploadedFile("statuts.pdf", PDF, content_type="application/pdf"),
        title="Statuts",
        question=questions["file"],
    )
    return complete_draft, questions


def test_the_summary_step_and_every_view_of_the_submitted_dossier_show_the_same_answers(
    client_for, answered, applicant, programme_staff
):
    application, _questions = answered
    step5 = client_for(applicant).get(f"/appels/dossiers/{application.pk}/etape/5/").content.decode()
    before = summary(step5)
    for expected in (
        "Le lieu est-il déjà ouvert au public ?",
        "Oui",
        "Des familles et des artisans.",
        "12\u202f500",
    ):
        assert expected in before, expected
    services.application_submit(application=application, user=applicant)

    views = {
        "applicant": client_for(applicant).get(f"/appels/dossiers/{application.pk}/").content.decode(),
        "staff": client_for(programme_staff).get(f"/appels/dossiers/{application.pk}/").content.decode(),
    }
    reviewer = user_with(Role.REVIEWER, email="relectrice@example.org")
    assignment = review_services.assignment_create(
        application=application, reviewer=reviewer, actor=programme_staff, notify=False
    )
    review_services.conflict_declare(assignment=assignment, user=reviewer, has_conflict=False)
    views["reviewer"] = client_for(reviewer).get(f"/appels/instruction/{assignment.pk}/").content.decode()
    for who, html in views.items():
        assert summary(html) == before, who
        # The file question's answer: the attachment, listed with the question it answers.
        assert "statuts.pdf" in html and "Statuts de la structure" in html, who
    assert Attachment.objects.filter(application=application).count() == 1
