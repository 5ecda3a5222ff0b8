"""In Chromium, with axe-core: the place page's sources and the managers' "Ces informations sont à jour", the
history page in French, and the moderation of a project place."""

import pytest

from tests.conftest import assert_accessible, submit_status
from tierslieux.places.models import PlaceSourceRecord, Publication
from tierslieux.places.services import place_add_manager, place_create, place_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_confirms_the_page(page, login, places, place_manager):
    forge = places["forge"]
    PlaceSourceRecord.objects.create(place=forge, source="cget2019", source_id="1")
    place_add_manager(place=forge, user=place_manager)
    page.goto(forge.get_absolute_url())
    assert "données : 2019" in page.locator("#place-sources").inner_text()
    assert page.get_by_role("button", name="Ces informations sont à jour").count() == 0  # not signed in
    login(place_manager)
    page.goto(forge.get_absolute_url())
    assert "Jamais vérifiée" in page.locator("#place-dates").inner_text()
    assert_accessible(page)
    assert submit_status(page, "Ces informations sont à jour") == 302
    assert "Vérifié le" in page.locator("#place-dates").inner_text()
    assert "Merci : la fiche est indiquée vérifiée le" in page.locator(".fr-alert--success").inner_text()
    assert_accessible(page)


def test_history_in_french(page, login, places, programme_staff):
    place_update(
        place=places["garage"],
        data={"opening_hours": {"mo": [["09:00", "12:00"]]}, "services": ["machines"]},
        user=programme_staff,
    )
    login(programme_staff)
    page.goto(f"/lieux/{places['garage'].slug}/historique/")
    table = page.locator("table").inner_text()
    assert "Horaires d’ouverture" in table and "Lundi : 09:00–12:00" in table
    assert "Machines et outils de fabrication" in table and "opening_hours" not in table
    assert_accessible(page)


def test_staff_publish_a_project_place(page, login, places, applicant, programme_staff):
    pending = place_create(
        data={
            "name": "La Future Fabrique",
            "lon": -4.49,
            "lat": 48.39,
            "commune": places["forge"].commune,
            "status": "project",
        },
        user=applicant,
        source="ami",
        publication=Publication.PENDING,
    )
    login(programme_staff)
    page.goto(pending.get_absolute_url())
    assert "Ce lieu n’est pas encore public" in page.locator("#place-publication").inner_text()
    assert_accessible(page)
    page.goto("/lieux/moderation/")
    page.get_by_role("link", name="La Future Fabrique").click()
    page.wait_for_url(f"**/lieux/moderation/lieux-en-projet/{pending.pk}/")
    assert_accessible(page)
    assert submit_status(page, "Publier dans l’atlas") == 302
    pending.refresh_from_db()
    assert pending.publication == Publication.PUBLISHED
    assert_accessible(page)
