"""Browser journeys of contributions (headless Chromium, axe-core on every page)."""

from pathlib import Path

import pytest

from tests.conftest import assert_accessible, submit_status
from tests.factories.contributions import concarneau, make_place
from tierslieux.places.importing import MAX_BYTES
from tierslieux.places.models import Place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _clean_rate_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def logout(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Se déconnecter").click()
    assert page.get_by_role("link", name="Se connecter").count() == 1


def test_propose_a_place_staff_accepts_with_diff_and_author_is_emailed(page, login, programme_staff, mailbox):
    concarneau()
    page.goto("/lieux/contribuer/proposer/")
    assert_accessible(page)
    page.locator("#id_name").fill("La Recyclerie du Port")
    page.locator("input[name=types][value=repair_cafe]").check(force=True)
    page.locator("#id_commune").fill("Concarneau")
    page.locator("#id_point_lat").fill("47,874")  # a decimal comma
    page.locator("#id_point_lon").fill("-3°55'1\"")  # degrees, minutes, seconds
    page.locator("#id_description").fill("Réparer <b>ensemble</b>")
    page.locator("#id_author_email").fill("auteur@example.org")
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_url("**/contribuer/merci/")
    assert "Merci" in page.locator("h1").inner_text()
    assert_accessible(page)

    login(programme_staff)
    page.goto("/lieux/moderation/")
    assert_accessible(page)
    page.get_by_role("link", name="La Recyclerie du Port").click()
    page.wait_for_url("**/moderation/propositions/*/")
    diff = page.locator("#diff")
    assert "Valeur proposée" in diff.inner_text()
    assert "Réparer <b>ensemble</b>" in diff.inner_text()  # shown as text
    assert "Repair café" in diff.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Accepter").click()
    page.wait_for_url("**/lieux/moderation/")
    assert "Proposition acceptée" in page.content()
    place = Place.objects.get(name="La Recyclerie du Port")
    assert place.versions.get().user == programme_staff
    [message] = mailbox.wait_for("auteur@example.org")
    assert "acceptée" in message["Subject"]


def test_manager_claims_staff_approves_manager_edits_and_sees_the_history(
    page, login, plain_user, programme_staff, mailbox
):
    place = make_place()
    login(plain_user)
    page.goto(f"/lieux/{place.slug}/")
    page.get_by_role("link", name="Vous gérez ce lieu ?").click()
    page.wait_for_url(f"**/lieux/{place.slug}/revendiquer/")
    assert_accessible(page)
    page.locator("#id_message").fill("Je coordonne le lieu depuis 2021.")
    page.get_by_role("button", name="Envoyer ma demande").click()
    # The claim lands on "Mes contributions", with its state, and is acknowledged by email.
    page.wait_for_url("**/contribuer/mes-contributions/")
    assert page.get_by_role("table", name="Mes demandes de gestion").get_by_text("En attente").count() == 1
    assert_accessible(page)
    assert "Demande reçue" in mailbox.wait_for(plain_user.email)[0]["Subject"]
    logout(page)

    login(programme_staff)
    page.goto("/lieux/moderation/")
    page.get_by_role("link", name=place.name).click()
    page.wait_for_url("**/moderation/revendications/*/")
    assert "Je coordonne le lieu depuis 2021." in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Approuver").click()
    page.wait_for_url("**/lieux/moderation/")
    mailbox.wait_for(plain_user.email, count=2)
    logout(page)

    login(plain_user)
    page.goto(f"/lieux/{place.slug}/")
    assert page.get_by_role("link", name="Vous gérez ce lieu ?").count() == 0
    page.get_by_role("link", name="Modifier la fiche").click()
    page.wait_for_url(f"**/lieux/{place.slug}/modifier/")
    assert_accessible(page)
    page.locator("#id_address").fill("3 quai Carnot")
    page.locator("#id_reason").fill("Déménagement")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    page.wait_for_url(f"**/lieux/{place.slug}/historique/")
    history = page.locator("table").first.inner_text()
    assert "3 quai Carnot" in history and "Déménagement" in history
    assert plain_user.display_name in history and plain_user.email not in page.content()
    assert_accessible(page)
    logout(page)

    # Programme staff revert the edit: the revert is itself a new version.
    login(programme_staff)
    page.goto(f"/lieux/{place.slug}/historique/")
    page.get_by_role("button", name="Annuler cette modification").first.click()
    page.wait_for_url(f"**/lieux/{place.slug}/historique/")
    place.refresh_from_db()
    assert place.address == "" and place.versions.count() == 3
    assert place.versions.first().user == programme_staff
    assert_accessible(page)


def test_staff_import_of_too_large_a_file_is_a_413_with_the_source_kept(
    page, login, programme_staff, tmp_path
):
    login(programme_staff)
    page.goto("/lieux/import/")
    big = tmp_path / "gros.csv"
    big.write_bytes(b"nom\n" + b"x" * MAX_BYTES)
    page.locator("#id_file").set_input_files(str(big))
    page.locator("#id_source").fill("reseau-test")
    assert submit_status(page, "Envoyer et vérifier les colonnes") == 413
    assert page.locator("#id_source").input_value() == "reseau-test"
    assert page.get_by_text("la limite est de 5 Mo").is_visible()
    assert_accessible(page)
