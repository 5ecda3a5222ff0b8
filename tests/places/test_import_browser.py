"""The messy third-party file through the staff import pages, in headless Chromium with axe-core on every
page: columns, values, preview with a changed decision, commit, report, history, cancellation."""

import csv
import io

import pytest

from tests.conftest import assert_accessible
from tests.factories.imports import FILE_COMMUNES, messy_bytes, messy_world
from tierslieux.places.models import Place, PlaceImport
from tierslieux.places.services import place_snapshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def summary(page) -> str:
    return " ".join(page.locator("#import-summary").inner_text().split())


def test_the_messy_file_through_the_staff_pages(page, login, programme_staff, settings, tmp_path):
    settings.SITE_URL = "https://tiers-lieux.example"
    world = messy_world()
    before = {p.pk: place_snapshot(p) for p in Place.objects.all()}
    outside = {pk for pk, snapshot in before.items() if snapshot["commune"] not in FILE_COMMUNES}
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message + " @ " + page.url), dialog.dismiss()))
    login(programme_staff)

    page.goto("/lieux/import/")
    assert_accessible(page)
    page.get_by_label("Fichier à importer").set_input_files(
        {"name": "tiers-lieux-partenaire.csv", "mimeType": "text/csv", "buffer": messy_bytes()}
    )
    page.get_by_label("Nom de la source").fill("partenaire")
    page.get_by_role("button", name="Envoyer et vérifier les colonnes").click()
    page.wait_for_url("**/colonnes/")
    assert "Aucune colonne n’a été reconnue comme le nom du lieu" in page.content()
    assert "mélange UTF-8 et Latin-1" in page.content()
    assert_accessible(page)
    page.get_by_label("Colonne « Équipement »").select_option("name")
    assert page.get_by_label("Colonne « Remarques internes »").input_value() == ""
    page.get_by_role("button", name="Continuer").click()

    page.wait_for_url("**/valeurs/")
    assert_accessible(page)
    group = page.get_by_role("group", name="« FabLab / atelier » (Types, 1 ligne)")
    assert group.get_by_label("Fablab").is_checked() and group.get_by_label("Atelier partagé").is_checked()
    page.get_by_role("button", name="Enregistrer et voir l’aperçu").click()

    page.wait_for_url("**/apercu/")
    assert_accessible(page)
    assert summary(page).startswith(
        "9 lieux créés, 2 lieux complétés ou modifiés, 1 lieu inchangé, 3 lignes rejetées, 0 ligne écartée"
    )
    line2 = page.locator("#ligne-2")
    assert "Fusion avec La Fabrique du Port (Concarneau), 23 m, nom semblable à 100 %" in " ".join(
        line2.inner_text().split()
    )
    assert (
        line2.get_by_role("link", name="La Fabrique du Port").get_attribute("href")
        == "/lieux/la-fabrique-du-port/"
    )
    assert "hors de France" in page.locator("#ligne-8").inner_text()
    assert "Casa Madrid" in page.locator("#ligne-8").inner_text()  # the original values of a rejected row
    assert "inversées" in page.locator("#ligne-7").inner_text()
    ressources = world["places"]["ressources"]
    page.get_by_label("Ligne 13 : que faire ?").select_option(f"fill:{ressources.pk}")
    page.get_by_role("button", name="Enregistrer les choix de cette page").click()
    page.wait_for_url("**/apercu/?page=1")
    assert page.get_by_label("Ligne 13 : que faire ?").input_value() == f"fill:{ressources.pk}"
    assert summary(page).startswith("9 lieux créés, 2 lieux complétés ou modifiés, 1 lieu inchangé")
    page.get_by_role("link", name="Rejetées (3)").click()
    page.wait_for_url("**filtre=rejected")
    assert page.locator("#import-rows tbody tr").count() == 3
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l’aperçu (CSV)").click()
    preview_rows = list(
        csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig")), delimiter=";")
    )
    assert len(preview_rows) == 15
    page.get_by_role("button", name="Importer (15 lignes)").click()

    page.wait_for_url("**/import/*/")
    assert_accessible(page)
    assert summary(page) == (
        "9 lieux créés, 2 lieux complétés ou modifiés, 1 lieu inchangé, 3 lignes rejetées, 0 ligne écartée"
    )
    after = {p.pk: place_snapshot(p) for p in Place.objects.all()}
    assert Place.objects.count() == len(before) + 9
    assert {pk: after[pk] for pk in outside} == {pk: before[pk] for pk in outside}
    # "Compléter sans rien remplacer": the postcode is filled, the curated name is not replaced.
    assert after[ressources.pk] == before[ressources.pk] | {"postcode": "29900"}
    port = Place.objects.get(pk=world["places"]["fabrique"].pk)
    assert port.name == "La Fabrique du Port" and port.website == "https://fabrique-port.example"
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le rapport (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text("utf-8-sig")), delimiter=";"))
    assert [r["Ligne"] for r in rows if r["Résultat"] == "rejetée"] == ["8", "11", "14"]
    assert next(r for r in rows if r["Ligne"] == "3")["Adresse de la fiche"].startswith(
        "https://tiers-lieux.example/lieux/la-verriere"
    )

    bocal = Place.objects.get(name="Le Bocal", commune_id="29039")
    page.goto(bocal.get_absolute_url())
    assert '<script>alert("x")</script>Un atelier' in page.locator("main").inner_text()
    assert dialogs == []  # the script of the description never ran

    page.goto("/lieux/import/historique/")
    assert_accessible(page)
    place_import = PlaceImport.objects.get()
    page.get_by_role("link", name=f"Import n° {place_import.pk}").click()
    page.wait_for_url(f"**/import/{place_import.pk}/")
    page.get_by_role("button", name="Annuler cet import").click()
    page.wait_for_url(f"**/import/{place_import.pk}/")
    assert "Import annulé : 2 lieux rétablis, 9 lieux supprimés." in page.content()
    assert_accessible(page)
    assert {p.pk: place_snapshot(p) for p in Place.objects.all()} == before
