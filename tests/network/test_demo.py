"""The network's demo data: refused without dev settings, complete near a demo place, idempotent."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tierslieux.network.models import Event, Listing, MatchNotice, Pairing, Resource
from tierslieux.network.selectors.mentoring import place_pairings
from tierslieux.places.models import Place


def test_demo_network_is_refused_without_dev_settings(db, settings):
    settings.DEMO_ACCOUNTS = False
    with pytest.raises(CommandError):
        call_command("load_demo_network", stdout=io.StringIO())


def test_demo_network_is_complete_and_idempotent(brest, quimper, client):
    call_command("load_demo_network", stdout=io.StringIO())
    call_command("load_demo_network", stdout=io.StringIO())
    fablab = Place.objects.get(slug="fablab-de-demonstration-reseau")
    assert "démo" in fablab.name
    assert Listing.objects.filter(status="published").count() == 4
    assert MatchNotice.objects.count() == 1  # the laser offer and the laser need
    assert Event.objects.count() == 3 and Event.objects.filter(status="cancelled").count() == 1
    assert Pairing.objects.get().status == "active" and place_pairings(fablab)
    assert Resource.objects.count() == 1
    assert all(title.startswith("Démo") for title in Listing.objects.values_list("title", flat=True))
    page = client.get(fablab.get_absolute_url()).content.decode()
    assert "Démo — Open lab du mardi soir" in page
