"""The real sources, loaded once (the only test that loads them all): counts, merges, rejections."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from tierslieux.geo import lookup
from tierslieux.places.models import Place, PlaceSourceRecord

pytestmark = pytest.mark.django_db


def test_real_sources_load_with_their_counts(client, france):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("load_places", stdout=out, stderr=err)
        assert "2851 lignes lues" in out.getvalue() and "3 lignes rejetées" in out.getvalue()
        assert err.getvalue().count("Rejeté") == 3
        records = dict(PlaceSourceRecord.objects.values_list("source").annotate(n=Count("id")))
        assert records == {
            "cget2019": 1512,
            "ping2022": 160,
            "hinaura": 687,
            "fabriques": 381,
            "manufactures": 111,
        }
        places = Place.objects.count()
        assert 2650 <= places <= 2780  # 2,720 when written: about 130 rows merged into another source's place
        merged = Place.objects.annotate(n=Count("source_records")).filter(n__gt=1).count()
        assert 100 <= merged <= 160
        labels = list(Place.objects.values_list("labels", flat=True))
        assert sum("fabrique_territoire" in codes for codes in labels) >= 380
        # Messy rows: the 157 CGET rows without INSEE code all got a commune; postcode "0" never kept.
        assert not Place.objects.filter(postcode="0").exists()
        # Personal data of the census never reaches a public page nor an export.
        emails = [
            r.raw["MAIL"] for r in PlaceSourceRecord.objects.filter(source="cget2019").exclude(raw__MAIL="")
        ]
        assert len(emails) >= 70
        with_contact = PlaceSourceRecord.objects.filter(source="cget2019").exclude(raw__MAIL="").first().place
        assert emails[0] not in client.get(with_contact.get_absolute_url()).content.decode()
        export = b"".join(client.get("/lieux/export.csv").streaming_content).decode()
        assert not any(email in export for email in emails)
        again = io.StringIO()
        call_command("load_places", stdout=again, stderr=io.StringIO())
        assert "0 lieux créés" in again.getvalue() and Place.objects.count() == places
    finally:
        lookup.invalidate()
