"""Applicant pages: permission matrix per role, autosave and concurrency, bad input (no 500 anywhere)."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.calls.conftest import BALANCED_BUDGET
from tests.calls.test_apply_services import PDF
from tests.factories.calls import PlaceFactory
from tierslieux.calls import services
from tierslieux.calls.models import Application, Status

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"calls:{name}", args=args)


# --- Public pages --------------------------------------------------------------------------------------------
def test_public_pages_for_anonymous(client_for, call):
    call.description = "## Objet\n\n<script>alert(1)</script>**Soutenir** [lien](javascript:alert(1))"
    call.save()
    anonymous = client_for(None)
    index = anonymous.get(url("index"))
    assert index.status_code == 200 and "Fabriques de territoire" in index.content.decode()
    detail = anonymous.get(url("detail", "fabriques")).content.decode()
    assert (
        "<strong>Soutenir</strong>" in detail
        and "<script>alert" not in detail
        and "javascript:" not in detail
    )
    assert "Hors grands centres urbains" in detail and "Déposer un dossier" in detail
    apply = anonymous.get(url("apply", "fabriques"))
    assert apply.status_code == 302 and "/comptes/connexion/" in apply["Location"]


def test_unpublished_call_is_not_public(client_for, call):
    call.is_published = False
    call.save()
    assert client_for(None).get(url("detail", "fabriques")).status_code == 404
    assert "/appels/fabriques/" not in client_for(None).get(url("index")).content.decode()


def test_start_a_dossier(client_for, call, applicant, plain_user):
    response = client_for(applicant).post(url("apply", "fabriques"))
    application = Application.objects.get(applicant=applicant)
    assert response["Location"] == url("application_step", application.pk, 1)
    # Anyone signed in may apply (a project holder); they become an applicant.
    assert client_for(plain_user).post(url("apply", "fabriques")).status_code == 302
    assert plain_user.groups.filter(name="applicant").exists()


def test_start_refused_when_no_wave_is_open(client_for, call, applicant):
    call.waves.update(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=2)
    )
    response = client_for(applicant).post(url("apply", "fabriques"))
    assert response.status_code == 409 and "Aucune vague" in response.content.decode()
    assert not Application.objects.exists()


# --- Permission matrix ---------------------------------------------------------------------------------------
PAGES = [
    "application",
    "application_step:1",
    "application_step:2",
    "application_step:3",
    "application_step:4",
    "application_step:5",
    "application_messages",
]


def _get(client, page, pk):
    name, _, step = page.partition(":")
    return client.get(url(name, pk, int(step)) if step else url(name, pk))


@pytest.mark.parametrize("page", PAGES)
def test_matrix_on_a_draft(
    client_for,
    draft,
    applicant,
    applicant_b,
    place_manager,
    reviewer,
    programme_staff,
    other_staff,
    administrator,
    page,
):
    assert _get(client_for(applicant), page, draft.pk).status_code == 200
    # Applicant B, a manager of another place, a reviewer, staff and administrators (drafts are private to the
    # applicant): 404.
    for user in (applicant_b, place_manager, reviewer, programme_staff, other_staff, administrator):
        assert _get(client_for(user), page, draft.pk).status_code == 404, user
    assert _get(client_for(None), page, draft.pk).status_code == 302


def test_manager_of_the_place_works_on_the_dossier(client_for, draft, place_manager):
    draft.place.managers.add(place_manager)
    assert client_for(place_manager).get(url("application_step", draft.pk, 2)).status_code == 200


def test_matrix_on_a_submitted_dossier(
    client_for, complete_draft, applicant, applicant_b, programme_staff, other_staff
):
    services.application_submit(application=complete_draft, user=applicant)
    pk = complete_draft.pk
    assert client_for(applicant).get(url("application", pk)).status_code == 200
    staff_page = client_for(programme_staff).get(url("application", pk)).content.decode()
    assert "Passer en instruction" in staff_page
    reader_page = client_for(other_staff).get(url("application", pk))
    assert reader_page.status_code == 200 and "Passer en instruction" not in reader_page.content.decode()
    assert client_for(applicant_b).get(url("application", pk)).status_code == 404
    # Read-only after submission: the steps redirect to the overview, saves are refused.
    assert client_for(applicant).get(url("application_step", pk, 2)).status_code == 302
    response = client_for(applicant).post(
        url("application_step", pk, 2), {"revision": 3, "project_title": "x"}
    )
    assert response.status_code == 409
    # An autosave from a page left open elsewhere says it where the page shows its saves (htmx swaps a 200).
    autosave = client_for(applicant).post(
        url("application_step", pk, 2), {"revision": 3, "project_title": "x"}, headers={"HX-Request": "true"}
    )
    assert autosave.status_code == 200 and "plus modifiable" in autosave.content.decode()
    assert "Enregistré à" not in autosave.content.decode()
    # Staff cannot fill the applicant's steps.
    assert client_for(programme_staff).get(url("application_step", pk, 2)).status_code == 403


def test_my_applications_lists_only_mine(client_for, draft, applicant, applicant_b):
    assert draft.reference in client_for(applicant).get(url("my_applications")).content.decode()
    assert draft.reference not in client_for(applicant_b).get(url("my_applications")).content.decode()


# --- Steps, autosave, concurrency ----------------------------------------------------------------------------
def test_step_one_picks_a_managed_place_and_shows_eligibility(client_for, call, applicant, place):
    application = services.application_start(call=call, user=applicant)
    other = PlaceFactory(name="Lieu d’un autre")
    client = client_for(applicant)
    refused = client.post(
        url("application_step", application.pk, 1), {"which": "choice", "place": other.pk, "revision": 1}
    )
    assert refused.status_code == 400
    response = client.post(
        url("application_step", application.pk, 1),
        {"which": "choice", "place": place.pk, "revision": 1, "go": "next"},
    )
    assert response["Location"] == url("application_step", application.pk, 2)
    page = client.get(url("application_step", application.pk, 1)).content.decode()
    # No budget yet: the page says what is still to fill in, not that the dossier cannot compete.
    assert (
        "Hors grands centres urbains : le dossier remplit les conditions connues, il reste à compléter"
        in page
    )
    assert "ne peut pas concourir" not in page
    assert "Le budget n’est pas encore rempli (étape 3)" in page
    assert "Concarneau est classée « Petites villes »" in page and "inférieur au minimum" not in page
    assert "Aucun quartier prioritaire (QPV) n’est déclaré" in page


def test_step_one_creates_a_project_place(client_for, call, applicant, commune):
    application = services.application_start(call=call, user=applicant)
    response = client_for(applicant).post(
        url("application_step", application.pk, 1),
        {
            "which": "create",
            "new-name": "La Future Fabrique",
            "new-postcode": "29900",
            "new-commune": "29039",
            "new-legal_form": "association",
            "new-revision": 1,
            "go": "stay",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.place.name == "La Future Fabrique" and application.place.status == "project"
    assert application.place.managers.filter(pk=applicant.pk).exists()


def test_step_one_finds_the_commune_by_its_name(client_for, call, applicant, commune):
    """Step 1 asked for an INSEE code: "Pélussin" answered "Aucune commune n’a ce code INSEE"."""
    from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory

    loire = DepartmentFactory(code="42", name="Loire", region=RegionFactory(code="84", name="ARA"))
    CommuneFactory(insee="42168", name="Pélussin", department=loire, region=loire.region, postcodes="42410")
    application = services.application_start(call=call, user=applicant)
    page = client_for(applicant).get(url("application_step", application.pk, 1)).content.decode()
    assert "tl-commune.js" in page and "Nom, code postal ou code INSEE" in page
    response = client_for(applicant).post(
        url("application_step", application.pk, 1),
        {
            "which": "create",
            "new-name": "La Fabrique du Pilat",
            "new-postcode": "42410",
            "new-commune": "Pélussin",
            "new-legal_form": "association",
            "new-revision": 1,
            "go": "stay",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.place.commune_id == "42168" and application.place.location_approximate


def test_step_one_project_place_with_unknown_commune_keeps_input(client_for, call, applicant):
    application = services.application_start(call=call, user=applicant)
    response = client_for(applicant).post(
        url("application_step", application.pk, 1),
        {
            "which": "create",
            "new-name": "La Future Fabrique",
            "new-postcode": "29900",
            "new-commune": "00000",
            "new-legal_form": "association",
            "new-revision": 1,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Aucune commune n’a le code 00000" in page and "La Future Fabrique" in page


def test_autosave_with_htmx_returns_the_new_revision(client_for, draft, applicant):
    response = client_for(applicant).post(
        url("application_step", draft.pk, 2),
        {"revision": 1, "project_title": "Saisi au clavier"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enregistré à" in page and 'value="2"' in page and 'hx-swap-oob="true"' in page
    draft.refresh_from_db()
    assert draft.project_title == "Saisi au clavier" and draft.revision == 2


def test_two_tabs_the_second_save_is_told_and_keeps_its_text(client_for, draft, applicant):
    client = client_for(applicant)
    first = client.post(
        url("application_step", draft.pk, 2), {"revision": 1, "summary": "Texte de l’onglet A"}
    )
    assert first.status_code == 302
    second = client.post(
        url("application_step", draft.pk, 2), {"revision": 1, "summary": "Texte de l’onglet B"}
    )
    assert second.status_code == 409
    page = second.content.decode()
    assert "modifié entre-temps" in page and "Texte de l’onglet B" in page
    htmx = client.post(
        url("application_step", draft.pk, 2),
        {"revision": 1, "summary": "Texte C"},
        headers={"HX-Request": "true"},
    )
    assert "modifié entre-temps" in htmx.content.decode() and "hx-swap-oob" not in htmx.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "Texte de l’onglet A"


def test_expired_session_autosave_says_so_without_losing_anything(client_for, draft):
    response = client_for(None).post(
        url("application_step", draft.pk, 2), {"revision": 1, "summary": "x"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "session a expiré" in response.content.decode()


def test_budget_step_checks_totals_and_rules_live(client_for, draft, applicant):
    client = client_for(applicant)
    data = {"revision": 1, "budget-expenses-staff-1": "70000", "budget-resources-requested-1": "70000"}
    response = client.post(url("application_step", draft.pk, 3), data, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Enregistré" in page and "plafond annuel" in page and 'id="budget-totals"' in page
    draft.refresh_from_db()
    assert draft.requested_total == 70_000
    bad = client.post(
        url("application_step", draft.pk, 3), {"revision": 2, "budget-expenses-staff-1": "douze"}
    )
    assert bad.status_code == 400
    assert (
        "« douze » n’est pas un montant entier en euros" in bad.content.decode()
        and 'value="douze"' in bad.content.decode()
    )
    assert 'id="error-summary"' in bad.content.decode() and 'href="#budget-' in bad.content.decode()
    draft.refresh_from_db()
    assert draft.revision == 2


def test_project_step_saves_extra_answers(client_for, draft, applicant):
    from tests.factories.calls import QuestionFactory

    question = QuestionFactory(call=draft.call, label="Nombre d’usagers", kind="number")
    client = client_for(applicant)
    bad = client.post(url("application_step", draft.pk, 2), {"revision": 1, f"q_{question.pk}": "beaucoup"})
    assert bad.status_code == 400
    client.post(url("application_step", draft.pk, 2), {"revision": 1, f"q_{question.pk}": "120"})
    draft.refresh_from_db()
    assert draft.answers == {str(question.pk): 120}


def test_unknown_step_is_404(client_for, draft, applicant):
    assert client_for(applicant).get(url("application_step", draft.pk, 9)).status_code == 404


# --- Attachments ---------------------------------------------------------------------------------------------
def test_upload_download_and_tampered_ids(client_for, draft, applicant, applicant_b, call, place_manager):
    client = client_for(applicant)
    response = client.post(
        url("attachment_upload", draft.pk),
        {"title": "Statuts", "file": SimpleUploadedFile("statuts.pdf", PDF)},
    )
    assert response.status_code == 302
    client.post(url("attachment_upload", draft.pk), {"file": SimpleUploadedFile("libre.pdf", PDF)})
    step = client.get(url("application_step", draft.pk, 4)).content.decode()
    assert "Statuts" in step and "Pièce libre" in step
    attachment = draft.attachments.get(original_name="statuts.pdf")
    download = client.get(url("attachment", draft.pk, attachment.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert client_for(applicant_b).get(url("attachment", draft.pk, attachment.pk)).status_code == 404
    assert client_for(None).get(url("attachment", draft.pk, attachment.pk)).status_code == 302
    # Someone else's dossier with my file id, or my dossier with another id: 404.
    other = services.application_start(call=call, user=applicant_b)
    assert client_for(applicant_b).get(url("attachment", other.pk, attachment.pk)).status_code == 404
    assert client.get(url("attachment", draft.pk, attachment.pk + 999)).status_code == 404
    assert client_for(applicant_b).post(url("attachment_delete", draft.pk, attachment.pk)).status_code == 404
    assert client.post(url("attachment_delete", draft.pk, attachment.pk)).status_code == 302
    assert not draft.attachments.filter(pk=attachment.pk).exists()


def test_renamed_executable_upload_is_a_clean_400(client_for, draft, applicant):
    response = client_for(applicant).post(
        url("attachment_upload", draft.pk),
        {"file": SimpleUploadedFile("budget.pdf", b"MZ\x90\x00" + b"\x00" * 100)},
    )
    assert response.status_code == 400 and "contenu a été vérifié" in response.content.decode()


def test_upload_without_a_file_shows_the_step_again_with_the_title_typed(client_for, draft, applicant):
    response = client_for(applicant).post(url("attachment_upload", draft.pk), {"title": "Statuts signés"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Joindre une pièce" in content and 'value="Statuts signés"' in content
    assert "Ce champ est obligatoire." in content
    assert not draft.attachments.exists()


def test_refused_file_keeps_the_title_typed(client_for, draft, applicant):
    response = client_for(applicant).post(
        url("attachment_upload", draft.pk),
        {
            "title": "Budget prévisionnel",
            "file": SimpleUploadedFile("budget.pdf", b"MZ\x90\x00" + b"\x00" * 100),
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "contenu a été vérifié" in content and 'value="Budget prévisionnel"' in content
    assert not draft.attachments.exists()


def test_attachments_of_a_submitted_dossier_are_a_409(client_for, complete_draft, applicant):
    client = client_for(applicant)
    client.post(url("attachment_upload", complete_draft.pk), {"file": SimpleUploadedFile("a.pdf", PDF)})
    attachment = complete_draft.attachments.get()
    services.application_submit(application=complete_draft, user=applicant)
    upload = client.post(
        url("attachment_upload", complete_draft.pk), {"file": SimpleUploadedFile("b.pdf", PDF)}
    )
    assert upload.status_code == 409 and "plus modifiable" in upload.content.decode()
    delete = client.post(url("attachment_delete", complete_draft.pk, attachment.pk))
    assert delete.status_code == 409 and "plus modifiable" in delete.content.decode()
    assert complete_draft.attachments.count() == 1


def test_a_50_mb_upload_is_refused_before_being_read(client_for, draft, applicant):
    client = client_for(applicant)
    response = client.post(
        url("attachment_upload", draft.pk),
        {"file": SimpleUploadedFile("x.pdf", PDF)},
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413 and "dépasse 10 Mo" in response.content.decode()
    big = SimpleUploadedFile("gros.pdf", PDF + b"0" * (50 * 1024 * 1024))
    response = client.post(url("attachment_upload", draft.pk), {"file": big})
    assert response.status_code == 413
    assert not draft.attachments.exists()


# --- Submission, withdrawal, transitions ---------------------------------------------------------------------
def test_submit_through_the_page_sends_the_receipt(
    client_for, complete_draft, applicant, mailbox, django_capture_on_commit_callbacks
):
    client = client_for(applicant)
    summary = client.get(url("application_step", complete_draft.pk, 5)).content.decode()
    assert "Déposer le dossier" in summary and "Hors grands centres urbains" in summary
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("submit", complete_draft.pk))
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.SUBMITTED
    assert "Accusé de réception" in mailbox.wait_for("porteur@example.org")[0]["Subject"]


def test_submit_after_closing_is_a_400_and_keeps_the_draft(client_for, complete_draft, applicant):
    complete_draft.wave.closes_at = timezone.now() - timedelta(seconds=1)
    complete_draft.wave.opens_at = timezone.now() - timedelta(days=2)
    complete_draft.wave.save()
    response = client_for(applicant).post(url("submit", complete_draft.pk))
    assert response.status_code == 400 and "brouillon est conservé" in response.content.decode()
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.DRAFT


def test_budget_over_the_rules_cannot_be_submitted(client_for, complete_draft, applicant):
    complete_draft.budget = {
        **BALANCED_BUDGET,
        "resources": {"requested": [90_000, 90_000, 0], "own": [-10_000, -10_000, 80_000]},
    }
    complete_draft.save()
    response = client_for(applicant).post(url("submit", complete_draft.pk))
    assert response.status_code == 400 and "plafond annuel" in response.content.decode()


def test_forged_transitions_get_a_french_4xx(
    client_for, complete_draft, applicant, applicant_b, programme_staff, other_staff
):
    services.application_submit(application=complete_draft, user=applicant)
    pk = complete_draft.pk
    # The applicant tries a staff transition; a reader tries too; a stranger gets 404.
    forged = client_for(applicant).post(url("transition", pk), {"to": "in_review"})
    assert forged.status_code == 403 and "réservée à l’équipe" in forged.content.decode()
    assert client_for(other_staff).post(url("transition", pk), {"to": "in_review"}).status_code == 403
    assert client_for(applicant_b).post(url("transition", pk), {"to": "withdrawn"}).status_code == 404
    # Targets handled elsewhere or unknown: 400.
    for target in ("accepted", "refused", "submitted", "hacked", ""):
        assert client_for(programme_staff).post(url("transition", pk), {"to": target}).status_code == 400
    # Submitting twice: 409.
    again = client_for(applicant).post(url("submit", pk))
    assert again.status_code == 409 and "Impossible" in again.content.decode()
    assert client_for(programme_staff).post(url("submit", pk)).status_code == 403
    # Allowed: staff starts the review; then closing without a reason is refused, with one accepted.
    assert client_for(programme_staff).post(url("transition", pk), {"to": "in_review"}).status_code == 302
    assert client_for(programme_staff).post(url("transition", pk), {"to": "in_review"}).status_code == 409
    no_reason = client_for(programme_staff).post(url("transition", pk), {"to": "closed", "reason": "  "})
    assert no_reason.status_code == 400 and "demande un motif" in no_reason.content.decode()
    assert (
        client_for(programme_staff)
        .post(url("transition", pk), {"to": "closed", "reason": "Hors champ"})
        .status_code
        == 302
    )
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.CLOSED
    assert client_for(applicant).post(url("withdraw", pk), {"reason": "trop tard"}).status_code == 409


def test_get_on_post_only_views_is_405(client_for, draft, applicant):
    assert client_for(applicant).get(url("submit", draft.pk)).status_code == 405
    assert client_for(applicant).get(url("transition", draft.pk)).status_code == 405


def test_withdraw_page(
    client_for, complete_draft, applicant, programme_staff, mailbox, django_capture_on_commit_callbacks
):
    services.application_submit(application=complete_draft, user=applicant)
    client = client_for(applicant)
    assert client.get(url("withdraw", complete_draft.pk)).status_code == 200
    assert client_for(programme_staff).get(url("withdraw", complete_draft.pk)).status_code == 403
    too_long = client.post(url("withdraw", complete_draft.pk), {"reason": "Abandon " + "x" * 5000})
    assert too_long.status_code == 400 and "au plus 5000 caractères" in too_long.content.decode()
    assert "Abandon xxx" in too_long.content.decode()
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url("withdraw", complete_draft.pk), {"reason": "Abandon"}).status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.WITHDRAWN
    assert "retiré" in mailbox.text(mailbox.wait_for("equipe@example.org")[0])


def test_corrections_page_for_the_team_only(
    client_for,
    complete_draft,
    applicant,
    programme_staff,
    other_staff,
    mailbox,
    django_capture_on_commit_callbacks,
):
    services.application_submit(application=complete_draft, user=applicant)
    pk = complete_draft.pk
    assert client_for(applicant).get(url("request_corrections", pk)).status_code == 403
    assert client_for(other_staff).get(url("request_corrections", pk)).status_code == 403
    staff = client_for(programme_staff)
    assert staff.get(url("request_corrections", pk)).status_code == 200
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    bad = staff.post(url("request_corrections", pk), {"message": "Budget", "deadline": past})
    assert bad.status_code == 400 and "dans le futur" in bad.content.decode()
    future = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            url("request_corrections", pk), {"message": "Précisez le budget", "deadline": future}
        )
    assert response.status_code == 302
    assert "Précisez le budget" in mailbox.text(mailbox.wait_for("porteur@example.org")[0])
    assert client_for(applicant).get(url("application_step", pk, 2)).status_code == 200


def test_messages_page(
    client_for,
    complete_draft,
    applicant,
    programme_staff,
    other_staff,
    mailbox,
    django_capture_on_commit_callbacks,
):
    services.application_submit(application=complete_draft, user=applicant)
    pk = complete_draft.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(applicant).post(
            url("application_messages", pk),
            {"body": "Bonjour l’équipe", "files": SimpleUploadedFile("annexe.pdf", PDF)},
        )
    assert response.status_code == 302
    assert "Bonjour l’équipe" in mailbox.text(mailbox.wait_for("equipe@example.org")[0])
    page = client_for(programme_staff).get(url("application_messages", pk)).content.decode()
    assert "Bonjour l’équipe" in page and "annexe.pdf" in page
    assert client_for(other_staff).post(url("application_messages", pk), {"body": "x"}).status_code == 403
    empty = client_for(applicant).post(url("application_messages", pk), {"body": ""})
    assert empty.status_code == 400
    exe = client_for(applicant).post(
        url("application_messages", pk),
        {"body": "voici", "files": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")},
    )
    assert exe.status_code == 400 and "contenu a été vérifié" in exe.content.decode()


def test_confirming_a_qpv_never_declared_is_a_409(client_for, complete_draft, applicant, programme_staff):
    services.application_submit(application=complete_draft, user=applicant)
    response = client_for(programme_staff).post(url("confirm_qpv", complete_draft.pk))
    assert response.status_code == 409
    assert "Aucun quartier prioritaire n’est déclaré." in response.content.decode()
    complete_draft.refresh_from_db()
    assert complete_draft.qpv_confirmed_at is None


def test_qpv_confirmation_view(client_for, complete_draft, applicant, programme_staff):
    from tests.factories.geo import QpvFactory

    qpv = QpvFactory(name="Kerandon")
    qpv.communes.add(complete_draft.place.commune)
    complete_draft.qpv = qpv
    complete_draft.save()
    services.application_submit(application=complete_draft, user=applicant)
    assert client_for(applicant).post(url("confirm_qpv", complete_draft.pk)).status_code == 403
    assert client_for(programme_staff).post(url("confirm_qpv", complete_draft.pk)).status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.qpv_confirmed_at is not None


def test_choose_the_envelope_among_the_eligible_ones(client_for, complete_draft, applicant, commune):
    from tests.factories.geo import QpvFactory

    qpv = QpvFactory(name="Kerandon")
    qpv.communes.add(commune)
    complete_draft.qpv = qpv
    complete_draft.save()
    client = client_for(applicant)
    page = client.get(url("application_step", complete_draft.pk, 5)).content.decode()
    assert "Enveloppe dans laquelle concourir" in page
    qpv_envelope = complete_draft.call.envelopes.get(code="qpv")
    response = client.post(
        url("application_step", complete_draft.pk, 5),
        {"envelope": qpv_envelope.pk, "revision": complete_draft.revision},
    )
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.envelope == qpv_envelope
    hors_gcu = complete_draft.call.envelopes.get(code="hors-gcu")
    stale = client.post(
        url("application_step", complete_draft.pk, 5), {"envelope": hors_gcu.pk, "revision": 1}
    )
    assert stale.status_code == 409
    content = stale.content.decode()
    assert "modifié entre-temps" in content
    [checked] = re.findall(r'<input[^>]*name="envelope"[^>]*checked[^>]*>', content)
    assert f'value="{hors_gcu.pk}"' in checked  # the choice made is kept
    complete_draft.refresh_from_db()
    assert complete_draft.envelope == qpv_envelope
    # An envelope the dossier is not eligible to, or none: 400, the page again with a French message.
    for data in (
        {"envelope": 999_999, "revision": complete_draft.revision},
        {"revision": complete_draft.revision},
    ):
        bad = client.post(url("application_step", complete_draft.pk, 5), data)
        assert bad.status_code == 400
        assert "Choisissez l’une des enveloppes proposées." in bad.content.decode()
    services.application_submit(application=complete_draft, user=applicant)
    complete_draft.refresh_from_db()
    assert complete_draft.envelope == qpv_envelope


def test_messages_are_reserved_to_the_applicant_side_and_staff(
    client_for, complete_draft, applicant, reviewer
):
    from tierslieux.calls.models import ConflictOfInterest, ReviewerAssignment

    services.application_submit(application=complete_draft, user=applicant)
    assignment = ReviewerAssignment.objects.create(application=complete_draft, reviewer=reviewer)
    assert (
        client_for(reviewer).get(url("application", complete_draft.pk)).status_code == 404
    )  # no declaration yet
    ConflictOfInterest.objects.create(assignment=assignment, has_conflict=False)
    assert client_for(reviewer).get(url("application", complete_draft.pk)).status_code == 200
    assert client_for(reviewer).get(url("application_messages", complete_draft.pk)).status_code == 403


def test_step_one_shows_the_eligibility_of_the_place_being_picked_before_saving(
    client_for, complete_draft, applicant, applicant_b, programme_staff
):
    from tests.factories.geo import CommuneFactory

    draft = complete_draft

    brest = CommuneFactory(
        insee="29019", name="Brest", population=140_000, density_level="Grands centres urbains"
    )
    city_place = PlaceFactory(name="Le Hub de Brest", commune=brest, managers=[applicant])
    stranger = PlaceFactory(name="Ailleurs", managers=[applicant_b])
    preview = url("application_eligibility_preview", draft.pk)
    client = client_for(applicant)

    saved = client.get(preview, {"place": draft.place_id}).content.decode()
    assert "Hors grands centres urbains : le dossier peut concourir" in saved
    picked = client.get(preview, {"place": city_place.pk}, headers={"HX-Request": "true"}).content.decode()
    assert "Hors grands centres urbains : le dossier ne remplit pas toutes les conditions" in picked
    assert "Grands centres urbains" in picked
    draft.refresh_from_db()
    assert draft.place_id != city_place.pk  # nothing saved
    assert "Choisissez le lieu porteur" in client.get(preview, {"place": ""}).content.decode()
    # Bad input: a place the applicant does not manage, or garbage.
    for value in (stranger.pk, "abc"):
        response = client.get(preview, {"place": value})
        assert (
            response.status_code == 400 and "Choisissez un lieu que vous gérez" in response.content.decode()
        )
    # Others: anonymous to the login page; another applicant and staff (a draft is the applicant's) 404.
    assert client_for(None).get(preview).status_code == 302
    assert client_for(applicant_b).get(preview).status_code == 404
    assert client_for(programme_staff).get(preview, {"place": draft.place_id}).status_code == 404
    # A submitted dossier is read-only.
    Application.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)
    assert client.get(preview, {"place": draft.place_id}).status_code == 409
