"""The follow-up in Chromium with axe-core on every page: the agreement page (completed and signed with its PDF),
a report from draft (autosave) to acceptance, the staff dashboard, the census answer from the email link, and
the manager's page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import assert_accessible
from tests.factories.files import pdf_bytes
from tests.factories.followup import make_laureate, sign
from tierslieux.followup.models import AnnualReport, Tranche
from tierslieux.followup.services import census

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _switch(page, login, user):
    page.context.clear_cookies()
    login(user)


def test_staff_complete_and_sign_the_agreement(page, login, tmp_path):
    laureate = make_laureate()
    login(laureate.staff)
    page.goto(reverse("followup:agreement", args=[laureate.agreement.pk]))
    page.get_by_role("heading", name="À compléter avant la signature").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Compléter la convention").click()
    page.get_by_label("Représentant légal (nom)").fill("Camille Martin")
    page.get_by_label("Représentant légal (qualité)").fill("Présidente")
    page.get_by_label("Forme juridique").select_option("association")
    page.get_by_label("Date de début").fill((TODAY - timedelta(days=5)).isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("La convention est enregistrée.").wait_for()
    assert "Calendrier prévu à la signature" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Marquer comme signée").click()
    signed = tmp_path / "convention-signee.pdf"
    signed.write_bytes(pdf_bytes())
    page.get_by_label("Date de signature").fill(TODAY.isoformat())
    page.get_by_label("Convention signée (PDF, 10 Mo au plus)").set_input_files(str(signed))
    assert_accessible(page)
    page.get_by_role("button", name="Marquer comme signée").click()
    page.get_by_text("La convention est signée").wait_for()
    assert page.get_by_role("table", name="Tranches").is_visible()
    assert "À engager" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Tranche 1").first.click()
    page.get_by_label("Date d’engagement").fill(TODAY.isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="Engager").click()
    page.get_by_text("Tranche 1 : Engagée.").wait_for()
    assert_accessible(page)


def test_a_report_from_draft_to_acceptance(page, login, tmp_path, mailbox):
    laureate = make_laureate()
    sign(
        laureate.agreement,
        laureate.staff,
        signed_on=TODAY - timedelta(days=400),
        start=TODAY - timedelta(days=410),
    )
    report = laureate.agreement.reports.get(year=1)
    login(laureate.manager)
    page.goto(reverse("followup:report", args=[report.pk]))
    assert_accessible(page)
    # Autosave: a change is saved without any button.
    page.get_by_label("Usagers par mois").fill("240")
    page.get_by_label("Usagers par mois").press("Tab")
    page.get_by_text("Enregistré à").wait_for()
    assert AnnualReport.objects.get(pk=report.pk).users_per_month == 240
    values = {
        "Heures d’ouverture par semaine": "32",
        "Adhérents ou membres": "70",
        "Emplois (ETP)": "2.5",
        "Bénévoles": "9",
        "Événements organisés": "30",
        "Produits totaux (€)": "120000",
        "Recettes propres (€)": "50000",
        "Subventions publiques (€)": "60000",
        "Financements privés (€)": "10000",
        "Ce que la subvention a financé": "Un poste d’animation.",
    }
    for label, value in values.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_text("Le rapport est enregistré.").wait_for()
    statement = tmp_path / "compte.pdf"
    statement.write_bytes(pdf_bytes())
    page.get_by_label("Nature de la pièce").select_option("financial_statement")
    page.get_by_label("Fichier (PDF, ODT, DOCX, PNG ou JPEG, 10 Mo au plus)").set_input_files(str(statement))
    page.get_by_role("button", name="Joindre la pièce").click()
    page.get_by_text("La pièce est jointe au rapport.").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Déposer le rapport").click()
    page.get_by_text("Votre rapport est déposé").wait_for()
    assert_accessible(page)
    assert mailbox.wait_for(laureate.staff.email)
    _switch(page, login, laureate.staff)
    page.goto(reverse("followup:report", args=[report.pk]))
    assert_accessible(page)
    page.get_by_role("button", name="Accepter le rapport").click()
    page.get_by_text("Le rapport est accepté.").wait_for()
    assert_accessible(page)
    assert Tranche.objects.get(agreement=laureate.agreement, number=2).status == "due"


def test_the_dashboard(page, login):
    laureate = make_laureate()
    sign(laureate.agreement, laureate.staff, signed_on=TODAY, start=TODAY)
    login(laureate.staff)
    page.goto(reverse("followup:dashboard"))
    assert_accessible(page)
    assert laureate.agreement.reference in page.content()
    page.get_by_label("Statut de la convention").select_option("draft")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"statut=draft"))
    page.get_by_text("Aucune convention.").wait_for()
    assert_accessible(page)


def test_the_census_answer_from_the_email_link(page, login, mailbox):
    laureate = make_laureate()
    campaign = census.campaign_create(
        actor=laureate.staff,
        year=TODAY.year,
        title="Recensement annuel",
        closes_on=TODAY + timedelta(days=30),
    )
    census.campaign_open(campaign=campaign, actor=laureate.staff)
    link = re.search(
        r"(/suivi/recensement/[^/\s]+/)", mailbox.text(mailbox.wait_for(laureate.manager.email)[-1])
    ).group(1)
    page.goto(link)  # no sign-in
    assert_accessible(page)
    page.get_by_text("Non, il a fermé").click()
    page.get_by_label("Usagers par mois").fill("150")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.get_by_text("Merci : votre réponse est enregistrée.").wait_for()
    assert "Les changements de la fiche du lieu sont proposés" in page.content()
    assert_accessible(page)
    login(laureate.staff)
    page.goto(reverse("followup:campaign", args=[campaign.pk]))
    page.get_by_role("table", name="Taux de réponse par région").wait_for()
    assert_accessible(page)


def test_the_manager_page(page, login):
    laureate = make_laureate()
    sign(
        laureate.agreement,
        laureate.staff,
        signed_on=TODAY - timedelta(days=30),
        start=TODAY - timedelta(days=300),
    )
    login(laureate.manager)
    page.goto(reverse("followup:my_places"))
    assert_accessible(page)
    page.get_by_role("link", name=laureate.place.name).first.click()
    page.get_by_role("heading", name="À faire").wait_for()
    assert "Remettre le rapport de l’année 1" in page.content()
    assert_accessible(page)
    page.goto(reverse("places:detail", args=[laureate.place.slug]))
    assert_accessible(page)


def test_the_laureates_map_and_a_laureate_s_place_page(page):
    from tierslieux.calls.review.committee import laureates_publish
    from tierslieux.places.models import PlaceSourceRecord

    laureate = make_laureate()
    historical = make_laureate(
        staff=laureate.staff, call=laureate.call, place_name="Fabrique historique"
    ).place
    PlaceSourceRecord.objects.create(place=historical, source="fabriques", source_id="fabt-01")
    laureates_publish(wave=laureate.application.wave, actor=laureate.staff)
    page.goto(reverse("calls:laureates"))
    page.locator("#laureates-map[data-historical-count='1']").wait_for()
    assert page.locator("#laureates-map").get_attribute("data-laureates-count") == "2"
    assert page.get_by_role("checkbox", name="Fabriques labellisées avant la plateforme").is_checked()
    assert_accessible(page)
    page.get_by_role("link", name=laureate.place.name).first.click()
    page.get_by_role("table", name="Montants accordés et payés").wait_for()
    assert_accessible(page)
