"""A small hand-made geography for the territorial diagnostic (known populations and coordinates)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from tests.factories.geo import CommuneFactory, DepartmentFactory, EpciFactory, RegionFactory
from tests.factories.places import PlaceFactory
from tierslieux.geo.models import Commune
from tierslieux.places.models import Label, Place, PlaceStatus, PlaceType


def square(lon: float, lat: float, half: float = 0.02) -> str:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
    ]
    return json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})


# insee, name, population, lon, lat, department, epci
COMMUNES = [
    ("29001", "Kerbourg", 10_000, -4.00, 48.00, "29", "242900001"),
    ("29002", "Lanvern", 2_000, -4.05, 48.00, "29", "242900001"),  # 3.7 km west of Kerbourg
    ("29003", "Plouzen", 500, -4.20, 48.00, "29", "242900001"),  # 14.9 km west of Kerbourg
    ("56001", "Moréac-sur-Lande", 8_000, -3.00, 47.80, "56", "245600002"),
    ("56002", "Saint-Kerlan", 1_000, -3.02, 47.80, "56", "245600002"),  # 1.5 km from Moréac
]


@dataclass
class SmallGeography:
    communes: dict[str, Commune]
    open_place: Place  # in Kerbourg, open coworking
    closed_place: Place  # in Moréac, closed: not counted by default
    project_place: Place  # between Moréac and Saint-Kerlan, project fablab labelled Fabrique de territoire


def small_geography() -> SmallGeography:
    region = RegionFactory(code="53", name="Bretagne", outline=square(-3.5, 48.0, 1.0))
    departments = {
        "29": DepartmentFactory(code="29", name="Finistère", region=region, outline=square(-4.1, 48.0, 0.3)),
        "56": DepartmentFactory(code="56", name="Morbihan", region=region, outline=square(-3.0, 47.8, 0.3)),
    }
    epcis = {
        "242900001": EpciFactory(siren="242900001", name="Pays de Kerbourg"),
        "245600002": EpciFactory(siren="245600002", name="Lande et Mer"),
    }
    communes = {}
    for insee, name, population, lon, lat, dep, epci in COMMUNES:
        communes[insee] = CommuneFactory(
            insee=insee,
            name=name,
            population=population,
            town_hall_lon=lon,
            town_hall_lat=lat,
            interior_lon=lon,
            interior_lat=lat,
            department=departments[dep],
            region=region,
            epci=epcis[epci],
            outline=square(lon, lat),
        )
    return SmallGeography(
        communes=communes,
        open_place=PlaceFactory(name="La Ruche de Kerbourg", commune=communes["29001"], lon=-4.0, lat=48.0),
        closed_place=PlaceFactory(
            name="L’Atelier fermé", commune=communes["56001"], lon=-3.0, lat=47.8, status=PlaceStatus.CLOSED
        ),
        project_place=PlaceFactory(
            name="Fabrique de la Lande",
            commune=communes["56002"],
            lon=-3.01,
            lat=47.8,
            status=PlaceStatus.PROJECT,
            types=[PlaceType.FABLAB.value],
            labels=[Label.FABRIQUE.value],
        ),
    )


def second_plouzen(geography: SmallGeography) -> Commune:
    """A smaller Plouzen in the Morbihan (56099): the name alone means the Finistère one (29003)."""
    return CommuneFactory(
        insee="56099",
        name="Plouzen",
        population=100,
        department=geography.communes["56001"].department,
        town_hall_lon=-3.01,
        town_hall_lat=47.81,
    )
