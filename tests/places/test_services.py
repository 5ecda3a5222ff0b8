import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories.geo import CommuneFactory
from tierslieux.places.models import PlaceVersion
from tierslieux.places.selectors import place_can_edit, place_is_managed_by
from tierslieux.places.services import (
    place_add_manager,
    place_create,
    place_revert,
    place_update,
    validate_rna,
    validate_siret,
)
from tierslieux.places.validation import validate_coordinates

pytestmark = pytest.mark.django_db


def make(**extra):
    commune = extra.pop("commune", None) or CommuneFactory(insee="29039", name="Concarneau")
    data = {
        "name": "La Fabrique du Port",
        "types": ["fablab"],
        "lon": -3.92,
        "lat": 47.87,
        "commune": commune,
    }
    return place_create(data=data | extra, source="test")


def test_create_records_a_version_and_derived_fields():
    place = make(description="Un fablab", website="fabrique.example.org")
    assert place.slug == "fabrique-du-port" or place.slug.startswith("la-fabrique")
    assert place.website == "https://fabrique.example.org"
    assert "concarneau" in place.search_text
    assert place.completeness > 0
    [version] = place.versions.all()
    assert version.changes["name"] == [None, "La Fabrique du Port"]
    assert version.snapshot["commune"] == "29039"


def test_duplicate_names_get_unique_slugs():
    first, second, third = make(), make(), make()
    assert len({first.slug, second.slug, third.slug}) == 3
    assert second.slug == f"{first.slug}-concarneau"
    assert third.slug == f"{first.slug}-2"


def test_update_is_idempotent_and_versions_only_changes(plain_user):
    place = make()
    place_update(place=place, data={"name": "La Fabrique du Port"}, user=plain_user)
    assert place.versions.count() == 1
    place = place_update(
        place=place,
        data={"name": "Fabrique du Port", "services": ["machines"]},
        user=plain_user,
        reason="typo",
    )
    version = place.versions.first()
    assert version.user == plain_user and version.reason == "typo"
    assert version.changes == {
        "name": ["La Fabrique du Port", "Fabrique du Port"],
        "services": [[], ["machines"]],
    }


def test_staff_reverts_a_change(programme_staff, place_manager):
    place = make()
    place = place_update(place=place, data={"name": "Nom vandalisé"}, user=place_manager)
    bad = place.versions.first()
    with pytest.raises(PermissionDenied):
        place_revert(version=bad, user=place_manager)
    place = place_revert(version=bad, user=programme_staff)
    assert place.name == "La Fabrique du Port"
    latest = place.versions.first()
    assert latest.reverted_from == bad and latest.user == programme_staff
    assert PlaceVersion.objects.filter(place=place).count() == 3


def test_managers(place_manager, plain_user):
    place = make()
    assert not place_is_managed_by(place, place_manager)
    place_add_manager(place=place, user=plain_user)
    assert place_is_managed_by(place, plain_user) and place_can_edit(place, plain_user)
    assert not place_can_edit(place, place_manager)


@pytest.mark.parametrize(("lon", "lat"), [(-30.0, 40.0), (2.35, 60.0), ("abc", 47.0), (None, None)])
def test_coordinates_outside_france_are_refused(lon, lat):
    with pytest.raises(ValidationError) as error:
        make(lon=lon, lat=lat)
    assert "lat" in error.value.message_dict


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(55.45, -20.88), (-61.55, 16.24), (45.16, -12.78), (-52.33, 4.93), (166.45, -22.27), (2.35, 48.85)],
)
def test_coordinates_inside_france_including_overseas(lon, lat):
    assert validate_coordinates(lon, lat) == (lon, lat)


def test_siret_and_rna_validation():
    assert validate_siret("732 829 320 00074") == "73282932000074"
    assert validate_siret("35600000000010") == "35600000000010"  # La Poste
    for bad in ("73282932000075", "1234", "ABCDEFGHIJKLMN"):
        with pytest.raises(ValidationError):
            validate_siret(bad)
    assert validate_rna("w751234567") == "W751234567"
    assert validate_rna("W2A1234567") == "W2A1234567"
    with pytest.raises(ValidationError):
        validate_rna("751234567")
    with pytest.raises(ValidationError) as error:
        make(siret="12345678901234")
    assert "siret" in error.value.message_dict


def test_bad_values_are_refused_in_french():
    with pytest.raises(ValidationError, match="type de lieu"):
        make(types=["discotheque"])
    with pytest.raises(ValidationError, match="Horaires"):
        make(opening_hours={"mo": [["12:00", "09:00"]]})
    with pytest.raises(ValidationError, match="obligatoire"):
        make(name="  ")
    with pytest.raises(ValidationError, match="Champs inconnus"):
        make(password="x")


def test_commune_found_from_coordinates_when_missing():
    CommuneFactory(insee="29039", name="Concarneau", town_hall_lon=-3.92, town_hall_lat=47.87)
    CommuneFactory(insee="29232", name="Quimper", town_hall_lon=-4.10, town_hall_lat=47.99)
    place = place_create(data={"name": "Coworking", "lon": -4.09, "lat": 47.98})
    assert place.commune_id == "29232"


def test_fabrique_rows_keeps_only_places_labelled_fabrique():
    from tests.factories.places import PlaceFactory
    from tierslieux.places.models import Place
    from tierslieux.places.selectors import fabrique_rows

    fabrique = PlaceFactory(labels=["fabrique_territoire", "france_services"])
    numerique = PlaceFactory(labels=["fabrique_numerique"])
    PlaceFactory(labels=["manufacture_proximite"])
    PlaceFactory(labels=[])
    rows = sorted(fabrique_rows(Place.objects.all(), "pk", "name"))
    assert rows == sorted([(fabrique.pk, fabrique.name), (numerique.pk, numerique.name)])
