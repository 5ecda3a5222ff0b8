"""Provenance of a place page: its sources with the date of their data, "Vérifié le", the managers'
"Ces informations sont à jour" (per role), completeness, and the yearly verification reminder (real SMTP)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories.geo import CommuneFactory
from tierslieux.core.formats import fr_date
from tierslieux.places.completeness import completeness, completeness_missing
from tierslieux.places.models import Place, PlaceSourceRecord
from tierslieux.places.services import (
    place_add_manager,
    place_create,
    place_update,
    places_remind_verification,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    """A place as load_places makes it: created from two sources, never edited since."""
    commune = CommuneFactory(insee="29039", name="Concarneau")
    place = place_create(
        data={
            "name": "La Fabrique du Port",
            "types": ["fablab"],
            "lon": -3.92,
            "lat": 47.87,
            "commune": commune,
        },
        source="cget2019",
        reason="Import : CGET — Mission Coworking, recensement 2019",
    )
    PlaceSourceRecord.objects.create(place=place, source="cget2019", source_id="12")
    PlaceSourceRecord.objects.create(place=place, source="fabriques", source_id="fabt-9")
    return place


def test_sources_with_their_dates_and_no_load_date_shown_as_an_edit(loaded, client):
    html = client.get(loaded.get_absolute_url()).content.decode()
    assert "Recensement national des tiers-lieux (CGET, Mission Coworking) — données : 2019" in html
    assert "Fabriques de territoire (ANCT) — données : janvier 2024" in html
    assert "Jamais vérifiée par un gestionnaire du lieu." in html
    assert "Modifiée le" not in html and "Mise à jour" not in html
    assert "Fiche créée dans la plateforme le" in html


def test_a_change_by_a_person_or_by_an_import_is_said_so(loaded, client, plain_user):
    place_update(place=loaded, data={"description": "Un fablab"}, user=plain_user, reason="précision")
    html = client.get(loaded.get_absolute_url()).content.decode()
    today = timezone.localdate()
    assert f"Modifiée le {fr_date(today)}" in html
    place_update(place=loaded, data={"website": "https://port.example.org"}, reason="Import « réseau 2026 »")
    assert "Mise à jour par un import le" in client.get(loaded.get_absolute_url()).content.decode()


def test_a_staff_import_is_shown_with_its_import_date(db, client):
    place = place_create(
        data={"name": "Le Quai", "lon": -3.92, "lat": 47.87, "commune": CommuneFactory(insee="29039")},
        source="reseau-bzh",
    )
    PlaceSourceRecord.objects.create(place=place, source="reseau-bzh", source_id="7")
    html = client.get(place.get_absolute_url()).content.decode()
    assert "Import « reseau-bzh » — données : importé le" in html


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, 302),  # to the login page
        ("plain_user", 403),
        ("applicant", 403),
        ("reviewer", 403),
        ("programme_staff", 403),  # staff may edit, but only a manager confirms the page
        ("administrator", 403),
        ("place_manager", 302),  # back to the page, verified
    ],
)
def test_only_a_manager_confirms_the_page(request, client_for, loaded, role, expected):
    user = request.getfixturevalue(role) if role else None
    if role == "place_manager":
        place_add_manager(place=loaded, user=user)
    response = client_for(user).post(reverse("places:verify", args=[loaded.slug]))
    assert response.status_code == expected
    loaded.refresh_from_db()
    if role == "place_manager":
        assert response["Location"] == loaded.get_absolute_url()
        assert loaded.last_verified_at == timezone.localdate()
        assert loaded.versions.first().reason == "Informations confirmées à jour par un gestionnaire"
    else:
        assert loaded.last_verified_at is None
        if role is None:
            assert "/comptes/connexion/" in response["Location"]


def test_the_button_is_for_managers_and_the_page_says_verified(loaded, client_for, place_manager, plain_user):
    assert (
        "Ces informations sont à jour"
        not in client_for(plain_user).get(loaded.get_absolute_url()).content.decode()
    )
    place_add_manager(place=loaded, user=place_manager)
    manager = client_for(place_manager)
    assert "Ces informations sont à jour" in manager.get(loaded.get_absolute_url()).content.decode()
    assert client_for(place_manager).get(reverse("places:verify", args=[loaded.slug])).status_code == 405
    page = manager.post(reverse("places:verify", args=[loaded.slug]), follow=True).content.decode()
    today = timezone.localdate()
    assert "Merci : la fiche est indiquée vérifiée le" in page
    assert f"Vérifié le {fr_date(today)}" in page


def test_completeness_counts_what_a_visitor_needs():
    empty = {"name": "x"}
    assert completeness(empty) == 0
    assert completeness_missing(empty) == [
        "les horaires d’ouverture",
        "un moyen de contacter le lieu (site web, réseau social ou gestionnaire)",
        "l’accessibilité",
        "une description",
    ]
    assert completeness(empty, has_managers=True) == 25
    full = {
        "opening_hours": {"mo": [["09:00", "12:00"]]},
        "website": "https://x.example",
        "accessibility": ["plain_pied"],
        "short_description": "Un lieu",
    }
    assert completeness(full) == 100
    assert completeness({**full, "website": "", "social_links": ["https://m.example/@x"]}) == 100
    assert completeness({**full, "short_description": "  "}) == 75


def test_a_manager_is_a_contact_route(loaded, place_manager, client):
    assert loaded.completeness == 0
    place_add_manager(place=loaded, user=place_manager)
    loaded.refresh_from_db()
    assert loaded.completeness == 25
    assert (
        "manquent : les horaires d’ouverture, l’accessibilité, une description"
        in client.get(loaded.get_absolute_url()).content.decode()
    )


# --- yearly reminder --------------------------------------------------------------------------------------
def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day))


def test_yearly_reminder_once_per_place_and_year(
    loaded, place_manager, mailbox, django_capture_on_commit_callbacks
):
    place_add_manager(place=loaded, user=place_manager)
    Place.objects.filter(pk=loaded.pk).update(created_at=_at("2025-01-10T08:00"))
    with django_capture_on_commit_callbacks(execute=True):
        assert places_remind_verification(now=_at("2025-06-01T09:00")) == 0  # created less than a year ago
        assert places_remind_verification(now=_at("2026-02-01T09:00")) == 1
        assert places_remind_verification(now=_at("2026-02-01T09:05")) == 0  # idempotent
        assert places_remind_verification(now=_at("2026-09-01T09:00")) == 0  # reminded this year
    [message] = mailbox.wait_for(place_manager.email)
    assert message["Subject"].strip() == "Votre fiche de l’atlas des tiers-lieux est-elle à jour ?"
    text = mailbox.text(message)
    assert f"La Fabrique du Port : http://127.0.0.1:8000/lieux/{loaded.slug}/ (jamais vérifiée)" in text
    assert "Ces informations sont à jour" in text
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            places_remind_verification(now=_at("2027-02-02T09:00")) == 1
        )  # a year later, still not verified


def test_a_verified_place_is_not_reminded_within_the_year(loaded, place_manager, mailbox):
    place_add_manager(place=loaded, user=place_manager)
    Place.objects.filter(pk=loaded.pk).update(
        created_at=_at("2024-01-10T08:00"), last_verified_at=dt.date(2025, 12, 1)
    )
    assert places_remind_verification(now=_at("2026-06-01T09:00")) == 0
    assert places_remind_verification(now=_at("2026-12-02T09:00")) == 1


def test_places_without_manager_or_not_public_are_not_reminded(loaded, place_manager):
    Place.objects.filter(pk=loaded.pk).update(created_at=_at("2020-01-10T08:00"))
    assert places_remind_verification(now=_at("2026-06-01T09:00")) == 0  # nobody to ask
    place_add_manager(place=loaded, user=place_manager)
    Place.objects.filter(pk=loaded.pk).update(publication="pending")
    assert places_remind_verification(now=_at("2026-06-01T09:00")) == 0


def test_command_with_a_fixed_date_and_a_bad_one(loaded, place_manager):
    place_add_manager(place=loaded, user=place_manager)
    Place.objects.filter(pk=loaded.pk).update(created_at=_at("2020-01-10T08:00"))
    out = StringIO()
    call_command("remind_verification", "--now", "2026-03-01T09:00", stdout=out)
    assert out.getvalue().strip() == "1 relance(s) envoyée(s)."
    call_command("remind_verification", "--now", "2026-03-01T10:00", stdout=out)
    assert out.getvalue().strip().endswith("0 relance(s) envoyée(s).")
    with pytest.raises(CommandError, match="date ISO 8601 attendue"):
        call_command("remind_verification", "--now", "demain")
    from tierslieux.places.tasks import remind_verification_task

    assert remind_verification_task.call(now="2027-03-02T09:00:00+01:00") == 1
