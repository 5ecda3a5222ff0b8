"""Two people editing the same place at once: the second save gets the conflict page showing both versions,
keeps what was typed, writes nothing until sent again (optimistic versioning on the place's versions)."""

import re

import pytest
from django.urls import reverse

from tests.factories.contributions import atlas_fixture  # noqa: F401 (fixture)
from tests.places.test_contrib_claims import edit_form
from tierslieux.places.services import place_add_manager

pytestmark = pytest.mark.django_db


def _version(page: str) -> str:
    return re.search(r'name="version"(?: value="([^"]*)")?', page).group(1) or ""  # no value: empty


def test_the_second_editor_sees_both_versions_and_loses_nothing(
    client_for, atlas, place_manager, programme_staff
):
    port = atlas["port"]
    place_add_manager(place=port, user=place_manager)
    url = reverse("contributions:edit", args=[port.slug])
    manager, staff = client_for(place_manager), client_for(programme_staff)
    version_manager = _version(manager.get(url).content.decode())
    version_staff = _version(staff.get(url).content.decode())
    assert version_manager == version_staff == str(port.versions.first().pk)

    assert (
        staff.post(url, edit_form(port, description="Texte de l’équipe", version=version_staff)).status_code
        == 302
    )
    moved = round(port.lat + 0.001, 6)
    typed = edit_form(
        port,
        description="Texte du gestionnaire",
        address="12 quai des Lices",
        point_lat=str(moved),
        version=version_manager,
    )
    conflict = manager.post(url, typed)
    assert conflict.status_code == 409
    page = conflict.content.decode()
    assert "Quelqu’un a enregistré une autre version" in page and "a été modifiée depuis" in page
    assert "Texte de l’équipe" in page and page.count("Texte du gestionnaire") >= 2
    assert 'value="12 quai des Lices"' in page  # still in the form
    # The point (longitude and latitude of the place data) is the form's one "position" field, in one row.
    rows = re.findall(r'<th scope="row">([^<]*)</th>\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>', page)
    assert ("Position du lieu", f"{port.lat}, {port.lon}", f"{moved}, {port.lon}") in rows
    assert (
        "Origine du point",
        "Coordonnées fournies par la source",
        "Point indiqué par une personne (carte ou coordonnées)",
    ) in rows
    assert {label for label, _theirs, _yours in rows} == {
        "Description",
        "Adresse",
        "Position du lieu",
        "Origine du point",
    }
    port.refresh_from_db()
    assert port.description == "Texte de l’équipe" and port.address == ""
    assert port.versions.count() == 2

    rebased = _version(page)
    assert rebased == str(port.versions.first().pk)
    assert manager.post(url, typed | {"version": rebased}).status_code == 302
    port.refresh_from_db()
    assert port.description == "Texte du gestionnaire" and port.address == "12 quai des Lices"
    assert port.lat == moved
    assert port.versions.count() == 3
