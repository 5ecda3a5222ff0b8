import factory

from tests.factories.geo import CommuneFactory
from tierslieux.places.models import Place, PlaceStatus, PlaceType
from tierslieux.places.text import normalise


class PlaceFactory(factory.django.DjangoModelFactory):
    """A place written directly (no version); use `place_create` when the history matters."""

    class Meta:
        model = Place
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tiers-lieu {n}")
    slug = factory.Sequence(lambda n: f"tiers-lieu-{n}")
    types = factory.LazyFunction(lambda: [PlaceType.COWORKING.value])
    commune = factory.SubFactory(CommuneFactory)
    lon = -3.92
    lat = 47.87
    status = PlaceStatus.OPEN
    search_text = factory.LazyAttribute(lambda o: normalise(f"{o.name} {o.commune.name} {o.postcode}"))
    postcode = "29900"
