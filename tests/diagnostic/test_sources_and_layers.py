"""What the diagnostic counts: the sources of its places (with their dates), the médiation numérique layer
only on demand, published places only (a project place waiting for moderation is not counted)."""

from __future__ import annotations

import pytest

from tests.factories.places import PlaceFactory
from tierslieux.geo.diagnostic.inputs import DEFAULT_FILTER, PlaceFilter, places_for
from tierslieux.geo.diagnostic.selectors import FRANCE, territory_diagnostic
from tierslieux.places.models import Publication

pytestmark = pytest.mark.django_db


@pytest.fixture
def layered(geography):
    kerbourg = geography.communes["29001"]
    PlaceFactory(
        name="Point numérique",
        commune=kerbourg,
        lon=-4.0,
        lat=48.0,
        types=["mediation_numerique"],
        source="hinaura",
    )
    PlaceFactory(
        name="Lieu en projet privé", commune=kerbourg, lon=-4.05, lat=48.0, publication=Publication.PENDING
    )
    geography.open_place.source = "cget2019"
    geography.open_place.save()
    return geography


def _names(place_filter):
    from tierslieux.places.models import Place

    return set(Place.objects.filter(pk__in=list(places_for(place_filter).ids)).values_list("name", flat=True))


def test_the_default_count_leaves_out_the_layer_and_private_places(layered):
    assert _names(DEFAULT_FILTER) == {"La Ruche de Kerbourg"}
    assert _names(PlaceFilter(digital_inclusion=True)) == {"La Ruche de Kerbourg", "Point numérique"}
    assert _names(PlaceFilter(types=("mediation_numerique",))) == {"Point numérique"}
    assert "hors lieux de médiation numérique" in DEFAULT_FILTER.describe()
    assert "lieux de médiation numérique compris" in PlaceFilter(digital_inclusion=True).describe()


def test_pages_and_api_say_which_sources_are_counted(layered, client):
    diagnostic = territory_diagnostic(FRANCE, DEFAULT_FILTER)
    assert [(s.label, s.date, s.places) for s in diagnostic.sources] == [
        ("Recensement national des tiers-lieux (CGET, Mission Coworking)", "2019", 1)
    ]
    html = client.get("/diagnostic/").content.decode()
    assert (
        "Sources des lieux comptés (en France) : Recensement national des tiers-lieux (CGET, Mission Coworking) (données : 2019) : 1 lieu."
        in html
    )
    assert "hors lieux de médiation numérique" in html
    with_layer = client.get(
        "/diagnostic/", {"statut": "open", "mediation": "on", "filtrer": "1"}
    ).content.decode()
    assert "Lieux de médiation numérique (Hinaura) (données : 2021-2022) : 1 lieu" in with_layer
    api = client.get("/api/v1/coverage/france/FR").json()
    assert api["sources"] == [
        {
            "label": "Recensement national des tiers-lieux (CGET, Mission Coworking)",
            "date": "2019",
            "places": 1,
        }
    ]
    assert len(client.get("/api/v1/coverage/france/FR", {"mediation": "true"}).json()["sources"]) == 2


def test_a_renamed_commune_is_shown_with_its_new_name(geography, client):
    from tierslieux.geo.models import Commune

    assert "Plouzen" in client.get("/diagnostic/departement/29/").content.decode()
    Commune.objects.filter(insee="29003").update(
        name="Le Plouzen", sort_name="plouzen"
    )  # load_geo's correction
    html = client.get("/diagnostic/departement/29/").content.decode()
    assert "Le Plouzen" in html
