import json

import factory

from tierslieux.geo.models import Commune, Department, Epci, Qpv, Region
from tierslieux.geo.text import normalize_name, sort_key

NAME_SEARCH = factory.LazyAttribute(lambda o: normalize_name(o.name))
SORT_NAME = factory.LazyAttribute(lambda o: sort_key(o.name))


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "53"
    name = "Bretagne"
    name_search = NAME_SEARCH
    sort_name = SORT_NAME


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = "29"
    name = "Finistère"
    name_search = NAME_SEARCH
    region = factory.SubFactory(RegionFactory)


class EpciFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Epci
        django_get_or_create = ("siren",)

    siren = "242900645"
    name = "Concarneau Cornouaille Agglomération"
    name_search = NAME_SEARCH
    kind = Epci.Kind.CA


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("insee",)

    insee = factory.Sequence(lambda n: f"29{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    name_search = NAME_SEARCH
    sort_name = SORT_NAME
    department = factory.SubFactory(DepartmentFactory)
    region = factory.LazyAttribute(lambda o: o.department.region)
    epci = factory.SubFactory(EpciFactory)
    population = 5000
    area_km2 = 40.0
    town_hall_lon = -3.92
    town_hall_lat = 47.87
    interior_lon = -3.92
    interior_lat = 47.87
    density_level = "Petites villes"


class QpvFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qpv
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"QN029{n:02d}M")
    name = factory.Sequence(lambda n: f"Quartier {n}")
    name_search = NAME_SEARCH


def square_outline(lon: float, lat: float, half: float = 0.01) -> str:
    """GeoJSON text of a square polygon centred on (lon, lat), `half` degrees from centre to side."""
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def two_saint_pierre() -> list[Commune]:
    """Two communes named Saint-Pierre: the name alone means the most populated one, beside Lyon (69999);
    the other one is beside Brest (29999). For the commune autocomplete's choice by INSEE code."""
    return [
        CommuneFactory(
            insee=insee,
            name="Saint-Pierre",
            population=population,
            department=DepartmentFactory(code=insee[:2], name=department),  # get or create, by code
            town_hall_lon=lon,
            town_hall_lat=lat,
        )
        for insee, department, population, lon, lat in (
            ("69999", "Rhône", 9000, 4.84, 45.76),
            ("29999", "Finistère", 100, -4.48, 48.39),
        )
    ]
