"""The call in Chromium: staff configure a call; an applicant fills a step, leaves, comes back (autosave kept),
uploads, submits and receives the receipt over SMTP. axe-core on every page."""

import re

import pytest

from tests.calls.conftest import BALANCED_BUDGET
from tests.calls.test_apply_services import PDF
from tests.conftest import assert_accessible
from tierslieux.calls.models import Application, Call, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    assert "Projet situé dans un quartier prioritaire" in page.content()
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

    page.get_by_label("Tiers-lieu porteur du projet").select_option(label="La Fabrique du port")
    page.get_by_role("button", name="Enregistrer et continuer").first.click()
    page.wait_for_url(re.compile(r"/etape/2/$"))
    assert_accessible(page)

    # Autosave: type, wait for the confirmation, leave without pressing any button.
    page.get_by_label("Titre du projet").fill("Fabrique du port")
    page.get_by_label("Résumé du projet").fill("Un tiers-lieu ouvert sur le port.")
    page.get_by_label("Description du projet").fill("Atelier partagé, coworking, repair café.")
    page.get_by_text("Enregistré à").wait_for()
    page.wait_for_function("() => !document.querySelector('#id_revision') || true")
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
    page.get_by_text("Le budget est équilibré et respecte les règles de financement.").wait_for()
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
