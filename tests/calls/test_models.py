from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories.calls import ApplicationFactory, CallFactory, EnvelopeFactory, WaveFactory
from tierslieux.calls.models import Status

pytestmark = pytest.mark.django_db


def test_wave_must_close_after_opening():
    call = CallFactory()
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        WaveFactory(call=call, opens_at=now, closes_at=now - timedelta(seconds=1))


def test_open_wave_is_found_to_the_second():
    call = CallFactory()
    now = timezone.now()
    wave = WaveFactory(call=call, opens_at=now - timedelta(days=1), closes_at=now + timedelta(seconds=1))
    assert call.open_wave(now) == wave
    assert call.open_wave(now + timedelta(seconds=1)) is None


def test_envelope_codes_are_unique_per_call():
    call = CallFactory()
    EnvelopeFactory(call=call, code="qpv")
    EnvelopeFactory(code="qpv")
    with pytest.raises(IntegrityError), transaction.atomic():
        EnvelopeFactory(call=call, code="qpv")


def test_new_application_is_an_editable_draft():
    application = ApplicationFactory()
    assert application.status == Status.DRAFT
    assert application.is_editable
    assert application.revision == 1
