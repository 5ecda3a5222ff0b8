import pytest

from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory
from tests.factories.geo import two_saint_pierre as two_saint_pierre_communes
from tierslieux.places import index
from tierslieux.places.services import place_create


@pytest.fixture(autouse=True)
def _fresh_atlas_index():
    """Each test sees its own places: the in-memory index is rebuilt from the test's database."""
    index.invalidate()
    yield
    index.invalidate()


@pytest.fixture
def places(db):
    """Three places: a fablab in Brest (with private contact data), a coworking and a garage in Lyon."""
    brest = CommuneFactory(
        insee="29019", name="Brest", postcodes="29200", town_hall_lon=-4.486, town_hall_lat=48.39
    )
    region = RegionFactory(code="84", name="Auvergne-Rhône-Alpes")
    lyon = CommuneFactory(
        insee="69123",
        name="Lyon",
        postcodes="69001 69002",
        department=DepartmentFactory(code="69", name="Rhône", region=region),
        town_hall_lon=4.835,
        town_hall_lat=45.767,
    )
    forge = place_create(
        data={
            "name": "La Forge Numérique",
            "types": ["fablab"],
            "services": ["machines"],
            "lon": -4.49,
            "lat": 48.39,
            "commune": brest,
            "description": "<script>alert('x')</script> Un <b>fablab</b>",
            "labels": ["fabrique_territoire"],
            "private_contact": {
                "cget2019:1": {"names": "Jeanne Secret", "emails": "jeanne.secret@example.org"}
            },
            "opening_hours": {d: [["00:00", "24:00"]] for d in ("mo", "tu", "we", "th", "fr", "sa", "su")},
        }
    )
    cowork = place_create(
        data={
            "name": "Coworking Croix-Rousse",
            "types": ["coworking"],
            "lon": 4.83,
            "lat": 45.77,
            "commune": lyon,
            "status": "temporarily_closed",
        }
    )
    garage = place_create(
        data={
            "name": "Garage solidaire de Lyon",
            "types": ["garage_solidaire"],
            "lon": 4.85,
            "lat": 45.75,
            "commune": lyon,
        }
    )
    return {"forge": forge, "cowork": cowork, "garage": garage}


@pytest.fixture
def two_saint_pierre(places):
    return two_saint_pierre_communes()
