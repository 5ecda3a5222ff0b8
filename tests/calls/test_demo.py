import pytest
from django.core.management import CommandError, call_command

from tierslieux.calls.models import Call

pytestmark = pytest.mark.django_db


def test_demo_call_is_complete_and_idempotent(programme_staff, settings):
    settings.DEMO_ACCOUNTS = True
    call_command("load_demo_calls", stdout=None)
    call_command("load_demo_calls", stdout=None)
    call = Call.objects.get()
    assert call.envelopes.count() == 3 and call.criteria.count() == 4 and call.rules.count() == 6
    assert call.open_wave() is not None and call.is_published and call.is_demo


def test_demo_call_only_with_dev_settings(settings):
    settings.DEMO_ACCOUNTS = False
    with pytest.raises(CommandError, match="réglages de développement"):
        call_command("load_demo_calls", stdout=None)
    assert not Call.objects.exists()


def test_the_demo_call_and_every_page_say_demo_data(settings, client):
    settings.DEMO_ACCOUNTS = True
    call_command("load_demo_calls", stdout=None)
    call = Call.objects.get()
    detail = client.get(call.get_absolute_url()).content.decode()
    assert "Cet appel est fictif" in detail and 'id="demo-banner"' in detail
    assert "Démonstration" in client.get("/appels/").content.decode()
    assert "Données de démonstration" in client.get("/").content.decode()
    settings.DEMO_ACCOUNTS = False  # production settings: no banner (and no demo data)
    assert 'id="demo-banner"' not in client.get("/").content.decode()


def test_a_real_call_has_no_demo_label(client, settings):
    from tests.factories.calls import CallFactory

    settings.DEMO_ACCOUNTS = False
    call = CallFactory(title="Fabriques 2027", slug="fabriques-2027", is_published=True)
    assert "Cet appel est fictif" not in client.get(call.get_absolute_url()).content.decode()
