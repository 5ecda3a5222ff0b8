"""The API's error answers: bad parameters are a 400 with a French message per parameter; a private endpoint
without a session is a 401 in French."""

import pytest

pytestmark = pytest.mark.django_db


def test_bad_parameters_are_a_400_in_french(client):
    response = client.get("/api/v1/territoires/communes", {"page_size": 1000})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Paramètres invalides.",
        "errors": [
            {
                "parameter": "page_size",
                "in": "query",
                "type": "less_than_equal",
                "message": "Doit être inférieur ou égal à 100.",
            }
        ],
    }
    errors = client.get("/api/v1/territoires/point", {"lon": "est", "lat": ""}).json()["errors"]
    assert {(e["parameter"], e["message"]) for e in errors} >= {("lon", "Nombre attendu.")}
    [missing] = client.get("/api/v1/territoires/recherche").json()["errors"]
    assert (missing["parameter"], missing["message"]) == ("q", "Paramètre obligatoire.")


def test_private_endpoint_without_session_is_a_401_in_french(client):
    response = client.get("/api/v1/dossiers")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentification requise."}
