"""The history page of a place speaks French: field labels and readable values, never field names or Python
lists; who may see it, per role."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories.geo import CommuneFactory
from tierslieux.places.selectors import display_value, field_label
from tierslieux.places.services import place_add_manager, place_create, place_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited(db, plain_user):
    commune = CommuneFactory(insee="29039", name="Concarneau")
    place = place_create(
        data={
            "name": "La Fabrique du Port",
            "types": ["fablab"],
            "lon": -3.92,
            "lat": 47.87,
            "commune": commune,
            "private_contact": {"cget2019:1": {"names": "Jeanne Secret"}},
        },
        source="cget2019",
    )
    return place_update(
        place=place,
        data={
            "types": ["fablab", "repair_cafe"],
            "services": ["machines", "cafe"],
            "status": "temporarily_closed",
            "opening_hours": {"mo": [["09:00", "12:00"], ["14:00", "17:00"]]},
            "opening_exceptions": [
                {"start": "2026-12-24", "end": "2027-01-02", "hours": [], "label": "Noël"}
            ],
            "equipment": [{"category": "fabrication", "name": "Imprimante 3D"}],
            "accessibility": ["plain_pied"],
            "opening_date": "2021-09-01",
            "surface_m2": 350,
            "location_approximate": True,
            "social_links": ["https://mastodon.example/@fabrique"],
        },
        user=plain_user,
        reason="Mise à jour par le lieu",
    )


def test_labels_and_values_in_french():
    assert field_label("opening_hours") == "Horaires d’ouverture"
    assert field_label("types") == "Types"
    assert display_value("types", ["fablab", "repair_cafe"]) == "Fablab, Repair café"
    assert display_value("status", "temporarily_closed") == "Fermé temporairement"
    assert display_value("location_approximate", True) == "oui"
    assert display_value("opening_date", "2021-09-01") == "1 septembre 2021"
    assert display_value("opening_hours", {"mo": [["09:00", "12:00"]]}).startswith(
        "Lundi : 09:00–12:00 ; Mardi : Fermé"
    )
    assert display_value(
        "opening_exceptions", [{"start": "2026-12-24", "end": "2027-01-02", "hours": []}]
    ) == ("du 24 décembre 2026 au 2 janvier 2027 : fermé")
    assert display_value("equipment", [{"category": "fabrication", "name": "Imprimante 3D"}]) == (
        "Imprimante 3D (Fabrication)"
    )
    assert display_value("services", []) == "—"


def test_the_history_page_shows_no_field_name_nor_python_list(edited, client_for, programme_staff):
    html = client_for(programme_staff).get(reverse("places:history", args=[edited.slug])).content.decode()
    table = html[html.index("<table") : html.index("</table>")]
    assert "<strong>Types</strong> : Fablab → Fablab, Repair café" in table
    assert "<strong>Statut</strong> : Ouvert → Fermé temporairement" in table
    assert (
        "<strong>Horaires d’ouverture</strong> : — → Lundi : 09:00–12:00, 14:00–17:00 ; Mardi : Fermé"
        in table
    )
    assert "du 24 décembre 2026 au 2 janvier 2027 : fermé (Noël)" in table
    assert "<strong>Commune</strong> : — → Concarneau (29039)" in table
    assert "<strong>Date d’ouverture</strong> : — → 1 septembre 2021" in table
    assert "<strong>Surface (m²)</strong> : — → 350 m²" in table
    assert "<strong>Localisation approximative</strong> : non → oui" in table
    for raw in ("opening_hours", "services", "[&#x27;", "{&#x27;", "['", "{'", "True", "Jeanne Secret"):
        assert raw not in table, raw
    assert not re.search(r"<strong>[a-z_]+</strong>", table)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, 302),
        ("plain_user", 403),
        ("applicant", 403),
        ("reviewer", 403),
        ("place_manager", 200),
        ("programme_staff", 200),
        ("administrator", 200),
    ],
)
def test_who_sees_the_history(request, client_for, edited, role, expected):
    user = request.getfixturevalue(role) if role else None
    if role == "place_manager":
        place_add_manager(place=edited, user=user)
    assert client_for(user).get(reverse("places:history", args=[edited.slug])).status_code == expected
