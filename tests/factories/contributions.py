import factory
import pytest
from django.core.cache import cache

from tests.factories.geo import CommuneFactory
from tierslieux.places.contributions.models import Claim, ContactMessage, ErrorReport, Proposal, ReportKind
from tierslieux.places.services import place_create


def concarneau():
    return CommuneFactory(
        insee="29039", name="Concarneau", postcodes="29900", town_hall_lon=-3.918, town_hall_lat=47.875
    )


def lyon():
    return CommuneFactory(
        insee="69123", name="Lyon", postcodes="69001", town_hall_lon=4.835, town_hall_lat=45.767
    )


def make_place(**extra):
    """A place created through the service (so it has its first version), in Concarneau by default."""
    data = {
        "name": "La Fabrique du Port",
        "types": ["fablab"],
        "lon": -3.92,
        "lat": 47.87,
        "commune": extra.pop("commune", None) or concarneau(),
        "description": "Un fablab au bord de l’eau.",
    }
    return place_create(data=data | extra)


@pytest.fixture(name="atlas")
def atlas_fixture(db):
    """Two places with their communes: `port` (Concarneau) and `atelier` (Lyon)."""
    port = make_place()
    atelier = make_place(
        name="Atelier Croix-Rousse", commune=lyon(), lon=4.83, lat=45.77, types=["coworking"]
    )
    return {"port": port, "atelier": atelier}


@pytest.fixture(name="fresh_rate_limits")
def fresh_rate_limits_fixture():
    """The rate limits live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    kind = Proposal.Kind.NEW
    data = factory.LazyFunction(lambda: {"name": "Le Tiers-Lieu Proposé", "lon": -3.92, "lat": 47.87})
    diff = factory.LazyAttribute(lambda o: {k: [None, v] for k, v in o.data.items()})
    author_email = "auteur@example.org"


class ErrorReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ErrorReport

    kind = ReportKind.CLOSED
    message = "Le lieu a fermé en juin."


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    message = "Je suis la directrice de l’association qui gère le lieu."


class ContactMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactMessage

    sender_name = "Camille"
    author_email = "camille@example.org"
    message = "Bonjour, êtes-vous ouverts le samedi ?"
