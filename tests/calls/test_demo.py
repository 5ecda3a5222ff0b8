import pytest
from django.core.management import call_command

from tierslieux.calls.models import Call

pytestmark = pytest.mark.django_db


def test_demo_call_is_complete_and_idempotent(programme_staff):
    call_command("load_demo_calls", stdout=None)
    call_command("load_demo_calls", stdout=None)
    call = Call.objects.get()
    assert call.envelopes.count() == 3 and call.criteria.count() == 4 and call.rules.count() == 6
    assert call.open_wave() is not None and call.is_published
