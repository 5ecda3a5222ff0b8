"""Public laureates: page and CSV show only published laureates of published calls, and no person."""

import csv
import io

import pytest
from django.urls import reverse

from tests.calls.reviewkit import make_world
from tierslieux.calls.review import committee

pytestmark = pytest.mark.django_db


@pytest.fixture
def laureates():
    world = make_world()
    published = world.application(project_title="Fabrique publiée")
    pending = world.application(project_title="Fabrique pas encore publiée")
    for application in (published,):
        committee.decision_make(
            application=application, actor=world.staff, outcome="accepted", amounts=[50_000, 40_000, 30_000]
        )
    committee.laureates_publish(wave=world.wave, actor=world.staff)
    committee.decision_make(
        application=pending, actor=world.staff, outcome="accepted", amounts=[50_000, 50_000, 50_000]
    )
    hidden = make_world()
    secret = hidden.application(project_title="Appel non publié")
    committee.decision_make(
        application=secret, actor=hidden.staff, outcome="accepted", amounts=[50_000, 50_000, 50_000]
    )
    committee.laureates_publish(wave=hidden.wave, actor=hidden.staff)
    hidden.call.is_published = False
    hidden.call.save()
    return world, published, pending, secret


def test_public_page_lists_published_laureates_only(laureates, client):
    world, published, pending, secret = laureates
    page = client.get(reverse("calls:laureates")).content.decode()
    assert published.place.name in page and published.place.commune.name in page
    assert "120" in page and world.envelopes[0].name in page
    assert pending.place.name not in page and secret.place.name not in page
    for person in (published.applicant, world.staff):
        assert person.email not in page and person.last_name not in page


def test_csv_is_public_and_matches(laureates, client):
    _world, published, _pending, _secret = laureates
    response = client.get(reverse("calls:laureates_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Numéro", "Appel", "Vague", "Tiers-lieu"]
    assert [r[0] for r in rows[1:]] == [published.reference]
    assert rows[1][-1] == "120000"
    assert published.applicant.email not in response.content.decode("utf-8-sig")


def test_empty_list_says_so(db, client):
    assert "Aucun lauréat publié" in client.get(reverse("calls:laureates")).content.decode()
