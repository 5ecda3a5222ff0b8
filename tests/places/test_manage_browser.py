"""The manager's pages in Chromium (axe-core): the whole form with its weekly hours editor, the photos page,
"Mes contributions", and the place page they feed."""

import io
import re

import pytest
from PIL import Image

from tests.conftest import assert_accessible
from tests.factories.contributions import atlas_fixture  # noqa: F401 (fixture)
from tierslieux.places.services import photo_add, place_add_manager

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 90, 160)).save(out, format="JPEG")
    return out.getvalue()


def test_manager_fills_the_weekly_editor_by_keyboard_and_saves(page, login, atlas, place_manager):
    port = atlas["port"]
    place_add_manager(place=port, user=place_manager)
    login(place_manager)
    page.goto(port.get_absolute_url())
    assert page.get_by_role("link", name="Vous gérez ce lieu ?").count() == 0
    page.get_by_role("link", name="Modifier la fiche").click()
    assert_accessible(page)
    monday = page.get_by_role("group", name="Lundi")
    monday.get_by_label("Ouverture", exact=True).fill("09:00")
    monday.get_by_label("Fermeture", exact=True).fill("12:30")
    # The copy button works from the keyboard and says what it did.
    button = page.get_by_role("button", name="Recopier les horaires du lundi du mardi au vendredi")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Horaires recopiés").wait_for()
    assert (
        page.get_by_role("group", name="Vendredi").get_by_label("Fermeture", exact=True).input_value()
        == "12:30"
    )
    page.get_by_label("Par téléphone").check(force=True)
    page.get_by_label("Téléphone affiché").fill("02 98 00 00 00")
    page.get_by_label("Numéro SIRET").fill("73282932000075")  # wrong key
    page.get_by_role("button", name="Enregistrer la fiche").click()
    page.wait_for_load_state()
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'")
    page.locator("#error-summary").get_by_role("link", name=re.compile("Numéro SIRET")).click()
    assert page.evaluate("document.activeElement.id") == "id_siret"
    assert (
        page.get_by_role("group", name="Lundi").get_by_label("Ouverture", exact=True).input_value() == "09:00"
    )
    assert_accessible(page)
    page.keyboard.press("Control+a")
    page.keyboard.type("73282932000074")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    page.wait_for_load_state()
    if page.locator("#error-summary").count():
        raise AssertionError(page.locator("#error-summary").inner_text())
    page.wait_for_url(re.compile(rf"/lieux/{port.slug}/historique/"))
    port.refresh_from_db()
    assert port.opening_hours["fr"] == [["09:00", "12:30"]] and port.contact_route == "phone"
    assert_accessible(page)


def test_photos_page_and_place_page(page, login, atlas, place_manager, tmp_path):
    port = atlas["port"]
    place_add_manager(place=port, user=place_manager)
    photo_add(place=port, user=place_manager, content=jpeg(), alt="La façade sur le quai")
    login(place_manager)
    page.goto(f"/lieux/{port.slug}/photos/")
    assert_accessible(page)
    file = tmp_path / "atelier.jpg"
    file.write_bytes(jpeg())
    page.get_by_label(re.compile(r"^\s*Photo\b")).set_input_files(str(file))
    page.get_by_label("Ce que montre la photo").last.fill("L’atelier, ses établis")
    page.get_by_role("button", name="Ajouter la photo").click()
    page.get_by_text("La photo est ajoutée").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Monter — L’atelier, ses établis").click()
    page.goto(port.get_absolute_url())
    images = page.locator(".tl-photos img")
    assert images.count() == 2 and images.first.get_attribute("alt") == "L’atelier, ses établis"
    assert page.evaluate("[...document.querySelectorAll('.tl-photos img')].every(i => i.naturalWidth > 0)")
    assert_accessible(page)


def test_my_contributions_page(page, login, atlas, plain_user):
    from tierslieux.places.contributions import services

    services.claim_submit(place=atlas["port"], user=plain_user, message="Je gère ce lieu.")
    login(plain_user)
    page.goto("/comptes/profil/")
    page.get_by_role("link", name="Mes contributions à l’atlas").click()
    page.wait_for_url("**/mes-contributions/")
    assert page.get_by_role("table", name="Mes demandes de gestion").get_by_text("En attente").count() == 1
    assert_accessible(page)
