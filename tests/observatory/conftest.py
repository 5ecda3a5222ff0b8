"""A small world for the observatory: two regions, three departments, métropoles and other EPCI, communes of
every size and density (a Petite ville de demain, communes with a QPV), places of several types and statuses,
lines of the 2019 census as loaded by `load_places`, and builders for laureates with accepted annual reports,
a census and mentoring."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories.calls import CallFactory, EnvelopeFactory, WaveFactory
from tests.factories.diagnostic import square
from tests.factories.followup import make_laureate, sign, user_with
from tests.factories.geo import CommuneFactory, DepartmentFactory, EpciFactory, QpvFactory, RegionFactory
from tests.factories.places import PlaceFactory
from tierslieux.accounts.roles import Role
from tierslieux.calls.models import Decision
from tierslieux.followup.models import AnnualReport
from tierslieux.geo import lookup
from tierslieux.geo.diagnostic.inputs import memory_cache_clear
from tierslieux.geo.models import Epci
from tierslieux.places.models import Label, PlaceSourceRecord

BRETAGNE, PAYS_DE_LA_LOIRE = "53", "52"
BREST_METROPOLE, CONCARNEAU_CA, NANTES_METROPOLE, PAYS_RURAL = (
    "242900314",
    "242900645",
    "244400404",
    "244400999",
)

# insee, name, population, density level, department, EPCI, PVD, has a QPV, lon, lat
COMMUNES = [
    ("29019", "Brest", 140_000, "Grands centres urbains", "29", BREST_METROPOLE, False, True, -4.49, 48.39),
    (
        "29039",
        "Concarneau",
        20_000,
        "Centres urbains intermédiaires",
        "29",
        CONCARNEAU_CA,
        True,
        True,
        -3.92,
        47.87,
    ),
    ("29100", "Kerlouan", 2_100, "Bourgs ruraux", "29", CONCARNEAU_CA, True, False, -3.80, 47.95),
    ("29200", "Locmaria", 500, "Rural à habitat dispersé", "29", CONCARNEAU_CA, False, False, -3.70, 47.90),
    ("56001", "Moréac", 1_500, "Rural à habitat très dispersé", "56", "", False, False, -2.80, 47.90),
    ("44109", "Nantes", 320_000, "Grands centres urbains", "44", NANTES_METROPOLE, False, True, -1.55, 47.22),
    ("44200", "Campbon", 4_000, "Petites villes", "44", PAYS_RURAL, True, False, -1.97, 47.41),
]

# name, commune, types, status, labels
PLACES = [
    ("Coworking du port", "29019", ["coworking"], "open", []),
    ("Fablab de Brest", "29019", ["fablab", "coworking"], "open", []),
    ("La Fabrique de Concarneau", "29039", ["atelier_partage"], "open", [Label.FABRIQUE.value]),
    ("Tiers-lieu de Kerlouan", "29100", ["coworking"], "open", [Label.FABRIQUE_NUMERIQUE.value]),
    ("Ferme partagée", "29200", ["nourricier"], "open", []),
    ("Ancien atelier", "29200", ["atelier_partage"], "closed", [Label.FABRIQUE.value]),
    ("Projet de Moréac", "56001", ["culturel"], "project", [Label.FABRIQUE.value]),
    ("Cantine numérique", "44109", ["coworking"], "open", []),
    ("Atelier de Campbon", "44200", [], "open", []),
    ("Repair café de Campbon", "44200", ["repair_cafe"], "temporarily_closed", []),
]

# The 2019 census: (ID, commune of the place the line became, TYPO, METRO)
CENSUS_2019 = [
    ("1", "29019", "Tiers-lieu à dominante coworking", "1"),
    ("2", "29019", "Tiers-lieu à dominante fablab", "1"),
    (
        "3",
        "29039",
        "Tiers-lieu à dominante coworking",
        "1",
    ),  # the file says métropole, our geography does not
    ("4", "44109", "Tiers-lieu à dominante coworking", "1"),
    ("5", "44200", "", "0"),
]


@dataclass
class World:
    communes: dict
    places: dict


@pytest.fixture(autouse=True)
def _fresh_caches():
    memory_cache_clear()
    lookup.invalidate()
    yield
    memory_cache_clear()
    lookup.invalidate()


def build_world() -> World:
    regions = {
        BRETAGNE: RegionFactory(code=BRETAGNE, name="Bretagne", outline=square(-3.5, 48.0, 1.5)),
        PAYS_DE_LA_LOIRE: RegionFactory(code=PAYS_DE_LA_LOIRE, name="Pays de la Loire"),
    }
    departments = {
        "29": DepartmentFactory(code="29", name="Finistère", region=regions[BRETAGNE]),
        "56": DepartmentFactory(code="56", name="Morbihan", region=regions[BRETAGNE]),
        "44": DepartmentFactory(code="44", name="Loire-Atlantique", region=regions[PAYS_DE_LA_LOIRE]),
    }
    epcis = {
        BREST_METROPOLE: EpciFactory(siren=BREST_METROPOLE, name="Brest Métropole", kind=Epci.Kind.ME),
        CONCARNEAU_CA: EpciFactory(siren=CONCARNEAU_CA, name="Concarneau Cornouaille", kind=Epci.Kind.CA),
        NANTES_METROPOLE: EpciFactory(siren=NANTES_METROPOLE, name="Nantes Métropole", kind=Epci.Kind.ME),
        PAYS_RURAL: EpciFactory(siren=PAYS_RURAL, name="Pays rural", kind=Epci.Kind.CC),
    }
    communes = {}
    for insee, name, population, density, dep, epci, pvd, qpv, lon, lat in COMMUNES:
        commune = CommuneFactory(
            insee=insee,
            name=name,
            population=population,
            density_level=density,
            department=departments[dep],
            region=departments[dep].region,
            epci=epcis.get(epci),
            petite_ville_de_demain=pvd,
            town_hall_lon=lon,
            town_hall_lat=lat,
            interior_lon=lon,
            interior_lat=lat,
            outline=square(lon, lat, 0.05),
        )
        if qpv:
            QpvFactory(code=f"QN0{insee}M", name=f"Quartier de {name}").communes.add(commune)
        communes[insee] = commune
    places = {}
    for k, (name, insee, types, status, labels) in enumerate(PLACES):
        commune = communes[insee]
        places[name] = PlaceFactory(
            name=name,
            slug=f"lieu-{k}",
            commune=commune,
            types=types,
            status=status,
            labels=labels,
            lon=commune.town_hall_lon + 0.001 * k,
            lat=commune.town_hall_lat,
        )
    for source_id, insee, typo, metro in CENSUS_2019:
        place = PlaceFactory(
            name=f"Recensé {source_id}",
            slug=f"recense-{source_id}",
            commune=communes[insee],
            status="closed",  # gone since 2019: the census still counts it
            lon=communes[insee].town_hall_lon,
            lat=communes[insee].town_hall_lat,
        )
        PlaceSourceRecord.objects.create(
            place=place,
            source="cget2019",
            source_id=source_id,
            raw={"ID": source_id, "TYPO": typo, "METRO": metro, "MAIL": "personne@example.org"},
        )
    return World(communes, places)


@pytest.fixture
def world(db) -> World:
    return build_world()


def publish(decision, year: int) -> None:
    Decision.objects.filter(pk=decision.pk).update(published_at=dt.datetime(year, 6, 1, 12, tzinfo=dt.UTC))


def laureates_with_reports(
    world: World, plan: list[tuple[str, dict | None]], *, start: dt.date, published: int
):
    """One laureate per (commune INSEE, indicators) of `plan`: accepted and published in `published`, its
    agreement signed from `start`; its year-1 report accepted with `indicators`, or left to fill (None)."""
    staff = user_with(Role.PROGRAMME_STAFF, email="equipe-observatoire@example.org")
    call = CallFactory(title="Fabriques de territoire", staff=[staff])
    EnvelopeFactory(call=call, name="Hors grands centres urbains", code="hors-gcu", amount=10_000_000)
    WaveFactory(call=call, name="Vague 1")
    laureates = []
    for k, (insee, indicators) in enumerate(plan):
        manager = user_with(Role.PLACE_MANAGER, email=f"gestion-{k}@example.org")
        laureate = make_laureate(
            staff=staff,
            manager=manager,
            call=call,
            commune=world.communes[insee],
            place_name=f"Lauréat {k}",
            decided_at=dt.datetime(start.year - 1, 12, 1, 10, tzinfo=dt.UTC),
        )
        publish(laureate.decision, published)
        sign(laureate.agreement, staff, signed_on=start + dt.timedelta(days=10), start=start)
        if indicators is not None:
            AnnualReport.objects.filter(agreement=laureate.agreement, year=1).update(
                status="accepted", accepted_at=timezone.now(), **indicators
            )
        laureates.append(laureate)
    return laureates


def indicators(k: int) -> dict:
    return {
        "jobs_fte": Decimal("1.50") + k,
        "users_per_month": 100 * (k + 1),
        "revenue_total": 50_000 + 10_000 * k,
        "events_held": 10 + k,
    }
