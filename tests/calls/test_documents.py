"""PDF of a submitted dossier and of its receipt (WeasyPrint), read back with a real PDF parser (pypdf)."""

import io
import re

import pytest
from pypdf import PdfReader

from tests.calls.reviewkit import user_with
from tests.factories.calls import QuestionFactory
from tierslieux.accounts.roles import Role
from tierslieux.calls import selectors, services
from tierslieux.calls.review import services as review_services


def text_of(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def submitted(complete_draft, applicant):
    question = QuestionFactory(
        call=complete_draft.call,
        label="Le lieu est-il déjà ouvert au public ?",
        kind="choice",
        choices=["Oui", "Non"],
    )
    complete_draft.answers = {str(question.pk): "Oui"}
    complete_draft.save()
    services.application_submit(application=complete_draft, user=applicant)
    complete_draft.refresh_from_db()
    return complete_draft


def test_the_dossier_pdf_holds_the_whole_summary(client_for, submitted, applicant):
    response = client_for(applicant).get(f"/appels/dossiers/{submitted.pk}/dossier.pdf")
    assert response.status_code == 200
    assert f'filename="dossier-{submitted.reference}.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    text = text_of(response)
    for expected in (
        submitted.reference,
        "Fabriques de territoire",
        "Fabrique du port",
        "Le lieu est-il déjà ouvert au public ?",
        "Oui",
        "Récapitulatif",
    ):
        assert expected in text, expected
    assert "120 000 €" in text.replace("\u202f", " ")


def test_the_receipt_states_the_date_and_the_fingerprint(client_for, submitted, applicant):
    response = client_for(applicant).get(f"/appels/dossiers/{submitted.pk}/accuse-de-reception.pdf")
    assert response.status_code == 200
    text = text_of(response)
    version = submitted.versions.get()
    assert "Accusé de réception" in text and submitted.reference in text
    assert selectors.version_fingerprint(version) in text.replace(" ", "")
    assert re.search(r"le \d{1,2}(er)? \w+ \d{4} à \d{1,2} ?h ?\d{2}", text), text


@pytest.mark.parametrize(
    ("who", "dossier", "receipt"),
    [
        ("anonymous", 302, 302),
        ("plain_user", 404, 404),
        ("applicant", 200, 200),
        ("programme_staff", 200, 200),
    ],
)
def test_who_may_download(request, client_for, submitted, who, dossier, receipt):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(f"/appels/dossiers/{submitted.pk}/dossier.pdf").status_code == dossier
    assert client.get(f"/appels/dossiers/{submitted.pk}/accuse-de-reception.pdf").status_code == receipt


def test_a_reviewer_gets_the_dossier_not_the_receipt(client_for, submitted, programme_staff):
    reviewer = user_with(Role.REVIEWER, email="relecteur@example.org")
    assignment = review_services.assignment_create(
        application=submitted, reviewer=reviewer, actor=programme_staff, notify=False
    )
    review_services.conflict_declare(assignment=assignment, user=reviewer, has_conflict=False)
    client = client_for(reviewer)
    assert client.get(f"/appels/dossiers/{submitted.pk}/dossier.pdf").status_code == 200
    assert client.get(f"/appels/dossiers/{submitted.pk}/accuse-de-reception.pdf").status_code == 403


def test_a_draft_has_no_pdf_yet(client_for, complete_draft, applicant):
    client = client_for(applicant)
    assert client.get(f"/appels/dossiers/{complete_draft.pk}/dossier.pdf").status_code == 409
    assert client.get(f"/appels/dossiers/{complete_draft.pk}/accuse-de-reception.pdf").status_code == 409


def test_the_submitted_dossier_page_links_both_pdfs(client_for, submitted, applicant):
    html = client_for(applicant).get(f"/appels/dossiers/{submitted.pk}/").content.decode()
    assert f'href="/appels/dossiers/{submitted.pk}/dossier.pdf"' in html
    assert f'href="/appels/dossiers/{submitted.pk}/accuse-de-reception.pdf"' in html


def test_pdfs_are_tagged_for_screen_readers(client_for, submitted, applicant):
    """PDF/UA-1: a structure tree, the language and the title (RGAA 13.3: an accessible document)."""
    for url in (
        f"/appels/dossiers/{submitted.pk}/dossier.pdf",
        f"/appels/dossiers/{submitted.pk}/accuse-de-reception.pdf",
    ):
        reader = PdfReader(io.BytesIO(client_for(applicant).get(url).content))
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root and root["/Lang"] == "fr" and "/MarkInfo" in root
        assert submitted.reference in (reader.metadata.title or "")
