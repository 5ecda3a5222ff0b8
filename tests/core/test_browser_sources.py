"""Browser tests (Chromium, axe-core): the home page's places by source, the demo banner and demo call."""

import pytest
from django.core.management import call_command

from tests.conftest import assert_accessible
from tests.factories.places import PlaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_lists_places_by_source(page, settings):
    settings.DEMO_ACCOUNTS = True
    PlaceFactory(name="Coworking", slug="cw", source="cget2019")
    PlaceFactory(
        name="Médiation", slug="med", source="hinaura", types=["mediation_numerique"], digital_inclusion=True
    )
    page.goto("/")
    assert "Données de démonstration" in page.locator("#demo-banner").inner_text()
    rows = page.locator("#sources tbody tr").all_inner_texts()
    assert len(rows) == 2 and "2019" in rows[0] and "couche à part" in rows[1].lower()
    assert_accessible(page)


def test_the_demo_call_is_labelled(page, settings):
    settings.DEMO_ACCOUNTS = True
    call_command("load_demo_calls", stdout=None)
    page.goto("/appels/fabriques-de-territoire/")
    assert "Cet appel est fictif" in page.locator(".demo-call").inner_text()
    assert_accessible(page)
    page.goto("/appels/")
    assert "démonstration" in page.locator("h2").first.inner_text().lower()
    assert_accessible(page)
