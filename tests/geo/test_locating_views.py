"""Endpoints of the locating widgets: commune suggestions, and the optional address geocoder (off by default;
tested against a fake Base Adresse Nationale on loopback, the network staying blocked)."""

import pytest

from tierslieux.geo import geocoding
from tierslieux.geo.models import Commune

pytestmark = pytest.mark.django_db
SUGGEST = "/territoires/communes/suggestions.json"
GEOCODE = "/territoires/adresses/recherche.json"


@pytest.fixture
def pelussin(france):
    """The real reference geography (tests/national_geography.py)."""
    return Commune.objects.get(pk="42168")


@pytest.mark.parametrize("who", [None, "plain_user", "programme_staff"])
def test_suggestions_are_public_json(request, client_for, pelussin, who):
    client = client_for(request.getfixturevalue(who) if who else None)
    response = client.get(SUGGEST, {"q": "pelus"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    first = response.json()[0]
    lon, lat = pelussin.point
    assert first == {
        "insee": "42168",
        "name": "Pélussin",
        "label": "Pélussin (42410)",
        "detail": "Loire (42) — 42410",
        "lon": lon,
        "lat": lat,
    }
    assert "42168" in [s["insee"] for s in client.get(SUGGEST, {"q": "42410"}).json()]
    assert client.get(SUGGEST, {"q": "x"}).json() == []
    assert client.get(SUGGEST).json() == []


def test_the_geocoder_is_off_by_default(client, settings):
    assert settings.GEOCODER_URL == ""
    assert client.get(GEOCODE, {"q": "2 quai Carnot"}).status_code == 404
    with pytest.raises(geocoding.GeocoderUnavailable, match="pas activée"):
        geocoding.geocode("2 quai Carnot")


def test_the_geocoder_asks_the_base_adresse_nationale(client, ban_geocoder, pelussin):
    response = client.get(GEOCODE, {"q": "2 quai Carnot", "commune": "Concarneau"})
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "label": "2 Quai Carnot 29900 Concarneau",
                "lon": -3.9125,
                "lat": 47.8731,
                "kind": "housenumber",
                "score": 0.97,
                "insee": "29039",
            }
        ]
    }
    assert "q=2+quai+Carnot" in ban_geocoder.requests[-1] and "citycode=29039" in ban_geocoder.requests[-1]
    client.get(GEOCODE, {"q": "2 quai Carnot", "postcode": "29900"})
    assert "postcode=29900" in ban_geocoder.requests[-1]
    assert client.get(GEOCODE, {"q": "rue inconnue"}).json() == {"results": []}
    assert client.get(GEOCODE, {"q": "ab"}).status_code == 400


def test_points_outside_france_are_left_out(client, ban_geocoder):
    ban_geocoder.addresses["1 rue de geneve"] = ("1 Rue de Genève", -74.0, 40.7, "street", "")
    assert client.get(GEOCODE, {"q": "1 rue de Genève"}).json() == {"results": []}


def test_a_failing_geocoder_is_a_503_in_french(client, ban_geocoder):
    ban_geocoder.fail = True
    response = client.get(GEOCODE, {"q": "2 quai Carnot"})
    assert response.status_code == 503 and "ne répond pas" in response.json()["error"]


def test_an_unreachable_geocoder_is_a_503(client, settings):
    settings.GEOCODER_URL = "http://127.0.0.1:9/search/"  # nothing listens on the discard port
    settings.GEOCODER_TIMEOUT = 1
    assert client.get(GEOCODE, {"q": "2 quai Carnot"}).status_code == 503


def test_the_geocoder_is_rate_limited(client, ban_geocoder):
    for _ in range(30):
        assert client.get(GEOCODE, {"q": "2 quai Carnot"}).status_code == 200
    response = client.get(GEOCODE, {"q": "2 quai Carnot"})
    assert response.status_code == 429 and "réessayez dans une minute" in response.json()["error"]
