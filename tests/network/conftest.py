"""Shared data of the network tests: two Breton communes 60 km apart and one in Lyon, an open place in Brest
run by `place_manager`, a place "en projet" in Quimper run by `applicant`."""

import pytest

from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory
from tests.factories.places import PlaceFactory
from tierslieux.places import index


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    index.invalidate()
    yield
    index.invalidate()


@pytest.fixture
def brest(db):
    return CommuneFactory(
        insee="29019",
        name="Brest",
        postcodes="29200",
        town_hall_lon=-4.486,
        town_hall_lat=48.39,
        population=140_000,
    )


@pytest.fixture
def quimper(db):
    return CommuneFactory(
        insee="29232",
        name="Quimper",
        postcodes="29000",
        town_hall_lon=-4.097,
        town_hall_lat=47.996,
        population=63_000,
    )


@pytest.fixture
def lyon(db):
    region = RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    return CommuneFactory(
        insee="69123",
        name="Lyon",
        postcodes="69001",
        department=DepartmentFactory(code="69", name="Rhône", region=region),
        town_hall_lon=4.835,
        town_hall_lat=45.767,
        population=520_000,
    )


@pytest.fixture
def forge(brest, place_manager):
    place = PlaceFactory(name="La Forge", slug="la-forge", commune=brest, lon=-4.49, lat=48.39, status="open")
    place.managers.add(place_manager)
    return place


@pytest.fixture
def projet(quimper, applicant):
    place = PlaceFactory(
        name="Le Projet", slug="le-projet", commune=quimper, lon=-4.10, lat=48.0, status="project"
    )
    place.managers.add(applicant)
    return place


@pytest.fixture
def two_saint_pierre(brest, lyon):
    from tests.factories.geo import two_saint_pierre

    return two_saint_pierre()
