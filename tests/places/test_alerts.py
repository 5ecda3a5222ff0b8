"""The saved-search stream of the atlas (tierslieux/places/alerts.py): any atlas filters, a new place that
matches them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories.geo import CommuneFactory, DepartmentFactory, RegionFactory
from tests.factories.places import PlaceFactory
from tierslieux.alerts import streams
from tierslieux.core.errors import ServiceError
from tierslieux.places.models import Place, PlaceStatus

pytestmark = pytest.mark.django_db

STREAM = "places.saved_search"


@pytest.fixture
def perigueux():
    dordogne = DepartmentFactory(
        code="24", name="Dordogne", region=RegionFactory(code="75", name="Nouvelle-Aquitaine")
    )
    return CommuneFactory(
        insee="24322", name="Périgueux", department=dordogne, postcodes="24000", town_hall_lon=0.7218,
        town_hall_lat=45.1846, interior_lon=0.7218, interior_lat=45.1846,
    )  # fmt: skip


def test_a_saved_search_keeps_the_atlas_filters_and_defaults_to_20_km_around_a_commune(perigueux):
    stream = streams.get(STREAM)
    params = stream.validate_params({"type": "fablab", "around": "Périgueux", "page": "3", "open_now": "1"})
    assert params == {"around": "Périgueux", "type": ["fablab"], "radius": "20"}
    assert stream.describe_params(params) == "Nouveaux lieux : Fablab, à 20 km de Périgueux"
    assert stream.describe_params({}) == "Nouveaux lieux de l’atlas"


def test_a_saved_search_with_an_unknown_filter_is_refused(perigueux):
    with pytest.raises(ServiceError, match="inconnu"):
        streams.get(STREAM).validate_params({"type": "soucoupe"})
    with pytest.raises(ServiceError, match="introuvable"):
        streams.get(STREAM).validate_params({"around": "Nulle-Part-sur-Mer"})


def test_only_new_places_matching_the_search_are_items(perigueux):
    now = timezone.now()
    elsewhere = CommuneFactory(insee="29019", name="Brest", town_hall_lon=-4.48, town_hall_lat=48.39)
    match = PlaceFactory(name="Fablab du Périgord", types=["fablab"], commune=perigueux, lon=0.75, lat=45.19)
    PlaceFactory(name="Coworking voisin", types=["coworking"], commune=perigueux, lon=0.75, lat=45.19)
    PlaceFactory(name="Fablab breton", types=["fablab"], commune=elsewhere, lon=-4.48, lat=48.39)
    PlaceFactory(
        name="Fablab fermé",
        types=["fablab"],
        commune=perigueux,
        lon=0.75,
        lat=45.19,
        status=PlaceStatus.CLOSED,
    )
    old = PlaceFactory(name="Fablab ancien", types=["fablab"], commune=perigueux, lon=0.75, lat=45.19)
    Place.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=30))
    stream = streams.get(STREAM)
    params = stream.validate_params({"type": "fablab", "around": "24000"})
    items = stream.items(params, now - timedelta(hours=1), now + timedelta(hours=1))
    assert [item.title for item in items] == ["Fablab du Périgord"]
    [item] = items
    assert item.key == f"place:{match.pk}" and item.url == match.get_absolute_url()
    assert item.summary == "Fablab — Périgueux (24)" and item.kind == "Nouveau lieu"
    # Text search and territory filters apply too.
    assert [
        i.title for i in stream.items({"q": "perigord"}, now - timedelta(hours=1), now + timedelta(hours=1))
    ] == ["Fablab du Périgord"]
    assert {
        i.title
        for i in stream.items({"department": "24"}, now - timedelta(hours=1), now + timedelta(hours=1))
    } == {
        "Fablab du Périgord",
        "Coworking voisin",
    }


def test_the_atlas_offers_an_alert_for_the_current_search(client, perigueux):
    content = client.get("/lieux/?type=fablab&around=24000").content.decode()
    assert 'href="/alertes/abonnement/?stream=places.saved_search&amp;source=places.atlas&amp;' in content
    page = client.get(
        "/alertes/abonnement/?stream=places.saved_search&source=places.atlas&type=fablab&around=24000"
    )
    assert (
        page.status_code == 200 and "Nouveaux lieux : Fablab, à 20 km de Périgueux" in page.content.decode()
    )
