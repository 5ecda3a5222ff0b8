"""The call in Chromium: staff configure a call; an applicant fills a step, leaves, comes back (autosave kept),
uploads, submits and receives the receipt over SMTP. axe-core on every page."""

import re
import time

import pytest
from django.db import OperationalError

from tests.calls.conftest import BALANCED_BUDGET
from tests.calls.test_apply_services import PDF
from tests.conftest import assert_accessible, submit_status
from tests.factories.files import png_bytes
from tierslieux.calls.models import Application, Call, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _wait_until(page, condition, timeout: float = 10.0) -> None:
    """Poll `condition` while letting Playwright work (its request routing runs in this thread)."""
    deadline = time.monotonic() + timeout
    while not _holds(condition):
        assert time.monotonic() < deadline, "condition not met in time"
        page.wait_for_timeout(100)


def _holds(condition) -> bool:
    try:
        return bool(condition())
    except OperationalError:  # the test database is busy with the live server's write: ask again
        return False


def _autosaved(page, condition) -> None:
    """Wait for the autosave to reach the database and its response to end, so that the next step starts from
    the saved state."""
    _wait_until(page, condition)
    page.wait_for_timeout(500)


def test_staff_configure_a_call(page, login, programme_staff):
    login(programme_staff)
    page.goto("/appels/gestion/")
    assert_accessible(page)
    page.get_by_role("link", name="Nouvel appel").click()
    assert_accessible(page)
    page.get_by_label("Titre", exact=True).fill("Fabriques de territoire 2027")
    page.get_by_label("Description publique (Markdown)").fill("## Objet\n\nSoutenir les **tiers-lieux**.")
    page.get_by_label("Budget total (€)").fill("45000000")
    page.get_by_label("Montant total minimal par lauréat (€)").fill("75000")
    page.get_by_label("Montant total maximal par lauréat (€)").fill("150000")
    page.get_by_label("Montant maximal par an (€)").fill("50000")
    page.get_by_label("Publié").check(force=True)
    page.get_by_role("button", name="Créer l’appel").click()
    page.wait_for_url(re.compile(r"/appels/gestion/\d+/$"))
    assert_accessible(page)

    page.get_by_role("link", name="Ajouter une enveloppe").click()
    assert_accessible(page)
    page.get_by_label("Nom", exact=True).fill("QPV")
    page.get_by_label("Nombre de lauréats").fill("120")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/appels/gestion/\d+/#enveloppes$"))

    page.get_by_role("link", name="Ajouter une vague").click()
    assert_accessible(page)
    page.get_by_label("Nom", exact=True).fill("Vague 1")
    page.get_by_label("Ouverture (heure de Paris)").fill("2026-01-05T09:00:00")
    page.get_by_label("Clôture (heure de Paris, à la seconde)").fill("2030-03-31T12:00:00")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"#vagues$"))

    page.get_by_role("link", name="Ajouter une règle").click()
    assert_accessible(page)
    page.get_by_label("Condition", exact=True).select_option("in_qpv")
    page.get_by_label("Projet situé dans un quartier prioritaire (QPV) — dans un QPV").check(force=True)
    page.get_by_role("checkbox", name="QPV", exact=True).check(force=True)
    page.get_by_role("button", name="Ajouter la règle").click()
    page.wait_for_url(re.compile(r"#regles$"))

    page.get_by_role("link", name="Ajouter un critère").click()
    page.get_by_label("Nom", exact=True).fill("Ancrage territorial")
    page.get_by_label("Poids", exact=True).fill("3")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"#criteres$"))
    assert_accessible(page)

    call = Call.objects.get(title="Fabriques de territoire 2027")
    assert call.envelopes.get().max_laureates == 120
    rule = call.rules.get()
    assert rule.kind == "in_qpv" and list(rule.envelopes.all()) == list(call.envelopes.all())
    assert call.criteria.get().weight == 3
    assert call.waves.get().closes_at.isoformat() == "2030-03-31T10:00:00+00:00"

    page.goto(f"/appels/{call.slug}/")
    assert (
        "Le projet doit se situer dans un quartier prioritaire de la politique de la ville (QPV). Pour l’enveloppe « QPV »."
        in page.content()
    )
    assert_accessible(page)


def test_applicant_fills_leaves_comes_back_uploads_and_submits(
    page, login, applicant, call, place, mailbox, tmp_path
):
    login(applicant)
    page.goto("/appels/")
    assert_accessible(page)
    page.get_by_role("link", name="Fabriques de territoire").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Déposer un dossier").click()
    assert_accessible(page)
    page.get_by_role("button", name="Commencer un nouveau dossier").click()
    page.wait_for_url(re.compile(r"/etape/1/$"))
    assert_accessible(page)
    application = Application.objects.get(applicant=applicant)

    live = page.locator("#eligibility-live")
    assert "Choisissez le lieu porteur" in live.inner_text()
    page.get_by_label("Tiers-lieu porteur du projet").select_option(label="La Fabrique du port")
    # Live feedback, before anything is saved.
    live.get_by_text("La commune Concarneau est classée « Petites villes »", exact=False).first.wait_for()
    assert Application.objects.get(pk=application.pk).place_id is None
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer et continuer").first.click()
    page.wait_for_url(re.compile(r"/etape/2/$"))
    assert_accessible(page)

    # Autosave: type (real keystrokes: saved one second after the last key), leave without pressing any button.
    page.get_by_label("Titre du projet").fill("Fabrique du port")
    page.get_by_label("Résumé du projet").fill("Un tiers-lieu ouvert sur le port.")
    page.get_by_label("Description du projet").press_sequentially("Atelier partagé, coworking, repair café.")
    page.get_by_text("Enregistré à").wait_for()
    _autosaved(
        page, lambda: Application.objects.get(pk=application.pk).project_description.endswith("repair café.")
    )
    page.goto("/")
    page.goto(f"/appels/dossiers/{application.pk}/etape/2/")
    assert (
        page.get_by_label("Description du projet").input_value() == "Atelier partagé, coworking, repair café."
    )
    assert page.get_by_label("Titre du projet").input_value() == "Fabrique du port"

    # The budget, by the plain form (no need to wait for the autosave).
    page.goto(f"/appels/dossiers/{application.pk}/etape/3/")
    assert_accessible(page)
    for section, lines in BALANCED_BUDGET.items():
        for code, amounts in lines.items():
            for year, amount in enumerate(amounts, start=1):
                page.locator(f"#budget-{section}-{code}-{year}").fill(str(amount))
    # Leaving the last cell sends its change, as a person tabbing out would (fill types no key: without it the
    # last amount reaches the server only if an earlier save happened to be still in flight).
    page.keyboard.press("Tab")
    page.get_by_text("Le budget est équilibré et respecte les règles de financement.").wait_for()
    _autosaved(page, lambda: Application.objects.get(pk=application.pk).requested_total == 120_000)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    page.wait_for_url(re.compile(r"/etape/4/$"))
    assert_accessible(page)

    statuts = tmp_path / "statuts.pdf"
    statuts.write_bytes(PDF)
    page.get_by_label("Intitulé de la pièce").fill("Statuts")
    page.get_by_label("Fichier (PDF, ODT, DOCX, PNG ou JPEG ; 10 Mo au plus)").set_input_files(str(statuts))
    page.get_by_role("button", name="Joindre").click()
    page.get_by_role("link", name="statuts.pdf").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Continuer vers le récapitulatif").click()
    page.wait_for_url(re.compile(r"/etape/5/$"))
    assert "Hors grands centres urbains : le dossier peut concourir" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Déposer le dossier").click()
    page.wait_for_url(re.compile(rf"/appels/dossiers/{application.pk}/$"))
    assert page.locator("#status").text_content() == "Déposé"
    assert_accessible(page)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.attachments.count() == 1
    [receipt] = mailbox.wait_for("porteur@example.org")
    assert application.reference in receipt["Subject"] and "Fabrique du port" in mailbox.text(receipt)

    page.get_by_role("link", name="Messages").click()
    assert_accessible(page)
    page.goto("/appels/mes-dossiers/")
    assert application.reference in page.content()
    assert_accessible(page)


def test_corrections_round_trip_and_messages(
    page, login, applicant, programme_staff, complete_draft, mailbox, tmp_path, browser, live_server
):
    from tierslieux.calls import services

    services.application_submit(application=complete_draft, user=applicant)
    pk = complete_draft.pk
    login(programme_staff)
    page.goto(f"/appels/gestion/{complete_draft.call.pk}/dossiers/")
    assert_accessible(page)
    page.get_by_role("link", name=complete_draft.reference).click()
    assert_accessible(page)
    page.get_by_role("link", name="Demander des corrections").click()
    assert_accessible(page)
    page.get_by_label("Corrections demandées").fill("Précisez la gouvernance.")
    page.get_by_label("Date limite (heure de Paris)").fill("2030-01-31T18:00:00")
    page.get_by_role("button", name="Demander les corrections").click()
    page.wait_for_url(f"**/appels/dossiers/{pk}/")
    assert page.locator("#status").text_content() == "En construction (corrections demandées)"
    page.goto(f"/appels/gestion/{complete_draft.call.pk}/equipe/")
    assert_accessible(page)
    [email] = mailbox.wait_for("porteur@example.org", count=2)[-1:]
    assert "Précisez la gouvernance." in mailbox.text(email)

    context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris")
    other = context.new_page()
    other.goto("/comptes/connexion/")
    other.get_by_label("Adresse électronique").fill(applicant.email)
    other.get_by_label("Mot de passe").fill("motdepasse-de-test-1")
    other.get_by_role("button", name="Se connecter").click()
    other.wait_for_url("**/comptes/profil/")
    other.goto(f"/appels/dossiers/{pk}/etape/2/")
    assert "Précisez la gouvernance." in other.content()
    assert_accessible(other)
    other.get_by_label("Gouvernance").fill("Une SCIC à trois collèges.")
    other.get_by_label("Gouvernance").press("Tab")
    _autosaved(other, lambda: Application.objects.get(pk=pk).governance == "Une SCIC à trois collèges.")
    other.get_by_role("button", name="Enregistrer et continuer").click()
    other.wait_for_url("**/etape/3/")
    other.goto(f"/appels/dossiers/{pk}/etape/5/")
    other.get_by_role("button", name="Déposer le dossier").click()
    other.wait_for_url(f"**/appels/dossiers/{pk}/")
    assert other.locator("#status").text_content() == "Déposé"

    note = tmp_path / "annexe.png"
    note.write_bytes(png_bytes())
    other.get_by_role("link", name="Messages").click()
    other.get_by_label("Votre message").fill("Voici la gouvernance détaillée.")
    other.get_by_label("Pièce jointe (PDF, ODT, DOCX, PNG ou JPEG ; 10 Mo au plus)").set_input_files(
        str(note)
    )
    other.get_by_role("button", name="Envoyer").click()
    other.get_by_role("link", name="annexe.png").wait_for()
    assert_accessible(other)
    other.get_by_role("link", name="Retour au dossier").click()
    other.get_by_role("link", name="Retirer le dossier").click()
    assert_accessible(other)
    context.close()
    [to_staff] = mailbox.wait_for("equipe@example.org")
    assert "Voici la gouvernance détaillée." in mailbox.text(to_staff)
    complete_draft.refresh_from_db()
    assert complete_draft.versions.count() == 2 and complete_draft.status == Status.SUBMITTED


def test_project_holder_creates_a_project_place(page, login, applicant, call, commune):
    login(applicant)
    page.goto("/appels/fabriques/deposer/")
    page.get_by_role("button", name="Commencer un nouveau dossier").click()
    page.wait_for_url(re.compile(r"/etape/1/$"))
    page.get_by_label("Nom du lieu en projet").fill("La Future Fabrique")
    page.get_by_label("Code postal", exact=True).fill("29900")
    # The commune by its name, chosen in the autocomplete with the keyboard (it asked for an INSEE code).
    commune_input = page.get_by_role("combobox", name="Commune")
    commune_input.fill("concar")
    page.get_by_role("option", name=re.compile("Concarneau")).wait_for()
    assert commune_input.get_attribute("aria-expanded") == "true"
    assert_accessible(page)
    commune_input.press("ArrowDown")
    assert commune_input.get_attribute("aria-activedescendant")
    commune_input.press("Enter")
    assert (
        commune_input.input_value() == "Concarneau (29)"
        and commune_input.get_attribute("aria-expanded") == "false"
    )
    page.get_by_label("Forme juridique de la structure porteuse").select_option("association")
    page.get_by_role("button", name="Créer le lieu en projet").click()
    page.get_by_text("Lieu retenu").wait_for()
    assert "La Future Fabrique" in page.locator("main").inner_text()
    assert_accessible(page)


def test_network_error_during_autosave_keeps_the_text_and_says_so(page, login, applicant, draft):
    login(applicant)
    page.goto(f"/appels/dossiers/{draft.pk}/etape/2/")
    page.route(
        "**/etape/2/", lambda route: route.abort() if route.request.method == "POST" else route.continue_()
    )
    page.get_by_label("Résumé du projet").fill("")
    page.get_by_label("Résumé du projet").press_sequentially("Texte tapé hors ligne")
    page.get_by_text("Connexion perdue : rien").wait_for()
    assert page.get_by_label("Résumé du projet").input_value() == "Texte tapé hors ligne"
    assert_accessible(page)
    page.unroute("**/etape/2/")
    page.get_by_label("Résumé du projet").press_sequentially(".")
    _wait_until(page, lambda: Application.objects.get(pk=draft.pk).summary == "Texte tapé hors ligne.")


def test_expired_session_then_restore_what_was_typed(page, login, applicant, draft):
    login(applicant)
    step = f"/appels/dossiers/{draft.pk}/etape/2/"
    page.goto(step)
    # The session expires (the CSRF cookie stays, as in real life).
    kept = [cookie for cookie in page.context.cookies() if cookie["name"] != "sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies(kept)
    page.get_by_label("Partenaires").press_sequentially("La mairie et la médiathèque")
    page.get_by_text("Votre session a expiré").wait_for()
    assert_accessible(page)
    login(applicant)
    page.goto(step)
    page.get_by_text("Une saisie non enregistrée a été retrouvée").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Restaurer ma saisie").click()
    assert page.get_by_label("Partenaires").input_value() == "La mairie et la médiathèque"
    _wait_until(page, lambda: Application.objects.get(pk=draft.pk).partners == "La mairie et la médiathèque")
    page.goto(step)
    assert not page.get_by_text("Une saisie non enregistrée a été retrouvée").is_visible()


def test_upload_without_a_file_shows_the_step_again(page, login, applicant, draft, tmp_path):
    login(applicant)
    page.goto(f"/appels/dossiers/{draft.pk}/etape/4/")
    page.get_by_label("Intitulé de la pièce").fill("Statuts signés")
    assert submit_status(page, "Joindre") == 400
    assert page.get_by_label("Intitulé de la pièce").input_value() == "Statuts signés"
    assert page.get_by_text("Ce champ est obligatoire.").is_visible()
    assert_accessible(page)
    # The file can then be chosen on the same page (a browser never refills a file input).
    statuts = tmp_path / "statuts.pdf"
    statuts.write_bytes(PDF)
    page.get_by_label("Fichier (PDF, ODT, DOCX, PNG ou JPEG ; 10 Mo au plus)").set_input_files(str(statuts))
    page.get_by_role("button", name="Joindre").click()
    page.get_by_role("link", name="statuts.pdf").wait_for()
    assert draft.attachments.get().title == "Statuts signés"
