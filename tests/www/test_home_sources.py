"""The home page counts the tiers-lieux apart from the places in project and from the médiation numérique layer,
and the places by main source with the date of each source's data."""

from __future__ import annotations

import pytest

from tests.factories.places import PlaceFactory
from tierslieux.places.models import Publication
from tierslieux.www.selectors import home_figures, home_sources

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(db):
    for n in range(3):
        PlaceFactory(name=f"Coworking {n}", slug=f"cw-{n}", source="cget2019")
    PlaceFactory(name="En projet", slug="projet", source="ping2022", status="project")
    for n in range(2):
        PlaceFactory(
            name=f"Médiation {n}",
            slug=f"med-{n}",
            source="hinaura",
            types=["mediation_numerique"],
            digital_inclusion=True,
        )
    PlaceFactory(name="Privé", slug="prive", source="ami", status="project", publication=Publication.PENDING)
    PlaceFactory(name="Importé", slug="import", source="reseau-bzh")


def test_figures_are_not_mixed(mixed):
    figures = {f.label: f.value for f in home_figures()}
    assert figures["tiers-lieux"] == 4  # 3 census places + 1 import; not the project nor the layer
    assert figures["lieux en projet"] == 1  # the private project place is not counted
    assert figures["lieux de médiation numérique (une seule région, comptés à part)"] == 2


def test_places_by_source_with_their_dates(mixed, client):
    rows = [(s.label, s.date, s.places, s.digital_inclusion) for s in home_sources()]
    assert rows == [
        ("Recensement national des tiers-lieux (CGET, Mission Coworking)", "2019", 3, False),
        ("Tiers-lieux des Pays de la Loire (association PiNG)", "novembre 2022", 1, False),
        ("Lieux de médiation numérique (Hinaura)", "2021-2022", 2, True),
        ("Import « reseau-bzh »", "", 1, False),
    ]
    html = client.get("/").content.decode()
    assert "D’où viennent les lieux" in html and "novembre 2022" in html and "couche à part" in html
