"""What the public sees of the follow-up: a laureate's place page carries its label ("Fabrique de territoire —
vague N, année") and the amounts granted and paid once its decision is published; the laureates page maps the
laureates and, as a distinct layer, the historical labelled Fabriques; the footer counts both, said apart."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse

from tests.factories.calls import PlaceFactory, WaveFactory
from tests.factories.followup import PARIS, make_laureate, sign
from tierslieux.calls.review.committee import laureates_publish
from tierslieux.followup import selectors
from tierslieux.followup.services.tranches import tranche_act
from tierslieux.places.models import PlaceSourceRecord

pytestmark = pytest.mark.django_db


def test_the_place_page_shows_the_label_and_amounts_once_published(client, laureate):
    url = reverse("places:detail", args=[laureate.place.slug])
    assert "Fabriques de territoire — vague" not in client.get(url).content.decode()  # not published yet
    sign(laureate.agreement, laureate.staff, signed_on=date(2025, 1, 15))
    tranche = laureate.agreement.tranches.get(number=1)
    tranche_act(
        tranche=tranche, actor=laureate.staff, action="commit", on=date(2025, 2, 1), today=date(2025, 3, 1)
    )
    tranche_act(
        tranche=tranche,
        actor=laureate.staff,
        action="pay",
        service_done_on=date(2025, 2, 2),
        on=date(2025, 2, 3),
        today=date(2025, 3, 1),
    )
    laureates_publish(wave=laureate.application.wave, actor=laureate.staff)
    content = client.get(url).content.decode()
    assert "Fabriques de territoire — vague 1, 2024" in content  # a badge and the table
    assert "120\u202f000\u202f€" in content and "50\u202f000\u202f€" in content
    assert "Camille Martin" not in content and laureate.manager.email not in content


def test_the_wave_number_counts_the_waves_of_the_call():
    first = make_laureate(decided_at=datetime(2025, 6, 1, tzinfo=PARIS))
    call = first.call
    earlier = WaveFactory(
        call=call,
        name="Vague pilote",
        opens_at=call.waves.get().opens_at - timedelta(days=400),
        closes_at=call.waves.get().opens_at - timedelta(days=300),
    )
    assert earlier.pk and selectors.wave_number(first.decision) == 2
    assert selectors.laureate_label(first.decision) == "Fabriques de territoire — vague 2, 2025"


def test_the_laureates_page_maps_both_layers_and_the_footer_counts_them_apart(client, laureate):
    historical = [PlaceFactory(name=f"Fabrique historique {n}", lon=2.0 + n, lat=46.0) for n in range(3)]
    for n, place in enumerate(historical):
        PlaceSourceRecord.objects.create(place=place, source="fabriques", source_id=f"fabt-{n}")
    laureates_publish(wave=laureate.application.wave, actor=laureate.staff)
    response = client.get(reverse("calls:laureates"))
    content = response.content.decode()
    assert response.status_code == 200
    laureates = json.loads(
        content.split('id="laureates-layer" type="application/json">')[1].split("</script>")[0]
    )
    history = json.loads(
        content.split('id="historical-layer" type="application/json">')[1].split("</script>")[0]
    )
    assert [f["properties"]["name"] for f in laureates["features"]] == ["La Fabrique du port"]
    assert sorted(f["properties"]["name"] for f in history["features"]) == [p.name for p in historical]
    assert "les 3 Fabriques de territoire labellisées avant la plateforme" in content
    assert "1 lauréat des appels et 3 Fabriques labellisées avant la plateforme" in content  # the footer
    assert "1 lauréat des appels et 3 Fabriques" in client.get("/a-propos/").content.decode()
