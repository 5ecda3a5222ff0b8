"""The demo follow-up (dev settings only): agreements at every stage, idempotent, labelled as demo."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories.geo import CommuneFactory
from tierslieux.followup.models import Agreement, CensusCampaign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def test_demo_agreements_at_different_stages(settings):
    for n in range(4):
        CommuneFactory(insee=f"2910{n}", population=10_000 + n)
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo_calls", stdout=StringIO())
    call_command("load_demo_followup", stdout=StringIO())
    agreements = {a.place.name: a for a in Agreement.objects.select_related("place")}
    assert all(name.startswith("Démo — ") for name in agreements)
    stages = sorted(
        (
            a.status,
            a.flagged_at is not None,
            [t.status for t in a.tranches.all()],
            [r.status for r in a.reports.all()],
        )
        for a in agreements.values()
    )
    assert stages == [
        ("draft", False, [], []),
        ("signed", False, ["due", "scheduled", "scheduled"], ["draft", "draft", "draft"]),
        ("signed", False, ["paid", "scheduled", "scheduled"], ["submitted", "draft", "draft"]),
        ("signed", True, ["paid", "paid", "suspended"], ["accepted", "draft", "draft"]),
    ]
    assert sum(a.amendments.count() for a in agreements.values()) == 1
    assert CensusCampaign.objects.get().status == "open"
    out = StringIO()
    call_command("load_demo_followup", stdout=out)
    assert "déjà chargé" in out.getvalue() and Agreement.objects.count() == 4
    settings.DEMO_ACCOUNTS = False
    with pytest.raises(CommandError):
        call_command("load_demo_followup", stdout=StringIO())
