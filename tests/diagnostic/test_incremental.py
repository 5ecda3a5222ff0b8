"""The background update after a place is added, moved, closed or deleted equals a full recomputation."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.places import PlaceFactory
from tierslieux.geo.diagnostic import services
from tierslieux.geo.diagnostic.models import CommuneCoverage, CoveragePlace, CoverageRun
from tierslieux.places.models import Place, PlaceStatus

pytestmark = pytest.mark.django_db

FIELDS = (
    "commune_id",
    "nearest_place_id",
    "nearest_km",
    "within_5km",
    "within_10km",
    "within_20km",
    "white_zone",
)


def stored() -> dict:
    return {
        row[0]: (row[1], None if row[2] is None else round(row[2], 9), *row[3:])
        for row in CommuneCoverage.objects.values_list(*FIELDS)
    }


def recomputed() -> dict:
    services._INDEX.clear()
    incremental = stored()
    incremental_places = set(CoveragePlace.objects.values_list("place_id", "lon", "lat", "commune_id"))
    services.coverage_recompute_all()
    full = stored()
    assert incremental_places == set(
        CoveragePlace.objects.values_list("place_id", "lon", "lat", "commune_id")
    )
    return incremental, full


def test_command_recomputes_everything(geography, capsys):
    call_command("compute_coverage", "--no-progress")
    assert "5 communes, 1 tiers-lieux" in capsys.readouterr().out
    run = CoverageRun.objects.get()
    assert run.kind == "full" and run.commune_count == 5 and run.place_count == 1 and run.duration_ms >= 0
    assert run.parameters["white_zone_km"] == 10.0 and run.parameters["detour_factor"] == 1.3
    assert len(run.fingerprint) == 32
    row = CommuneCoverage.objects.get(commune_id="29002")
    assert row.nearest_place_id == geography.open_place.pk and row.within_5km == 1 and not row.white_zone
    assert CommuneCoverage.objects.get(commune_id="56001").white_zone


def test_nothing_stored_means_nothing_to_update(geography, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        PlaceFactory(commune=geography.communes["29003"], lon=-4.2, lat=48.0)
    assert not CoverageRun.objects.exists() and not CommuneCoverage.objects.exists()


def test_add_move_close_reopen_delete(geography, django_capture_on_commit_callbacks):
    services.coverage_recompute_all()
    with django_capture_on_commit_callbacks(execute=True):
        added = PlaceFactory(name="Nouveau lieu", commune=geography.communes["56001"], lon=-3.0, lat=47.8)
    run = CoverageRun.objects.first()
    assert run.kind == "incremental" and added.pk in run.place_ids
    assert 0 < run.changed_communes < 5  # only Moréac and Saint-Kerlan change
    assert CommuneCoverage.objects.get(commune_id="56001").nearest_place_id == added.pk
    incremental, full = recomputed()
    assert incremental == full

    with django_capture_on_commit_callbacks(execute=True):
        moved = Place.objects.get(pk=added.pk)
        moved.lon, moved.lat, moved.commune = -4.2, 48.0, geography.communes["29003"]
        moved.save()
    assert CommuneCoverage.objects.get(commune_id="29003").nearest_place_id == added.pk
    incremental, full = recomputed()
    assert incremental == full

    with django_capture_on_commit_callbacks(execute=True):
        moved.status = PlaceStatus.CLOSED
        moved.save()
    assert CommuneCoverage.objects.get(commune_id="29003").white_zone
    incremental, full = recomputed()
    assert incremental == full

    with django_capture_on_commit_callbacks(execute=True):
        geography.project_place.status = PlaceStatus.OPEN
        geography.project_place.save()
    incremental, full = recomputed()
    assert incremental == full
    assert CommuneCoverage.objects.get(commune_id="56002").within_5km == 1

    with django_capture_on_commit_callbacks(execute=True):
        geography.project_place.delete()
    incremental, full = recomputed()
    assert incremental == full
    assert CommuneCoverage.objects.get(commune_id="56002").white_zone


def test_one_task_per_transaction(geography, django_capture_on_commit_callbacks):
    services.coverage_recompute_all()
    with django_capture_on_commit_callbacks(execute=True):
        a = PlaceFactory(commune=geography.communes["56001"], lon=-3.0, lat=47.8)
        b = PlaceFactory(commune=geography.communes["29003"], lon=-4.2, lat=48.0)
    runs = list(CoverageRun.objects.filter(kind="incremental"))
    assert len(runs) == 1 and {a.pk, b.pk} <= set(runs[0].place_ids)
    incremental, full = recomputed()
    assert incremental == full


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_equal_full_recomputation(geography, django_capture_on_commit_callbacks, seed):
    rng = random.Random(seed)
    communes = list(geography.communes.values())
    services.coverage_recompute_all()
    live: list[Place] = [geography.open_place, geography.closed_place, geography.project_place]
    for _step in range(12):
        op = rng.choice(["add", "move", "status", "delete"])
        with django_capture_on_commit_callbacks(execute=True):
            if op == "add" or not live:
                commune = rng.choice(communes)
                live.append(
                    PlaceFactory(
                        commune=commune,
                        lon=commune.town_hall_lon + rng.uniform(-0.1, 0.1),
                        lat=commune.town_hall_lat + rng.uniform(-0.1, 0.1),
                        status=rng.choice(list(PlaceStatus.values)),
                    )
                )
            elif op == "move":
                place = rng.choice(live)
                commune = rng.choice(communes)
                place.lon, place.lat, place.commune = (
                    commune.town_hall_lon,
                    commune.town_hall_lat + 0.01,
                    commune,
                )
                place.save()
            elif op == "status":
                place = rng.choice(live)
                place.status = rng.choice(list(PlaceStatus.values))
                place.save()
            else:
                live.pop(rng.randrange(len(live))).delete()
        if rng.random() < 0.3:
            services._INDEX.clear()  # another worker process: the index is rebuilt from the stored state
    incremental, full = recomputed()
    assert incremental == full


def test_old_incremental_runs_are_pruned(geography, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(services, "RUNS_KEPT", 2)
    services.coverage_recompute_all()
    for lon in (-3.9, -3.8, -3.7, -3.6):
        with django_capture_on_commit_callbacks(execute=True):
            geography.open_place.lon = lon
            geography.open_place.save()
    kinds = list(CoverageRun.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["full", "incremental", "incremental"]


def test_parameters_change_triggers_full_recomputation(
    geography, settings, django_capture_on_commit_callbacks
):
    services.coverage_recompute_all()
    settings.COVERAGE_WHITE_ZONE_KM = 20.0
    with django_capture_on_commit_callbacks(execute=True):
        geography.open_place.save()
    run = CoverageRun.objects.first()
    assert run.kind == "full" and run.parameters["white_zone_km"] == 20.0
    assert not CommuneCoverage.objects.get(commune_id="29003").white_zone


def test_update_queries_do_not_grow_with_the_places_changed(geography):
    services.coverage_recompute_all()

    def update(points) -> int:
        ids = [PlaceFactory(commune=geography.communes["56001"], lon=lon, lat=lat).pk for lon, lat in points]
        with CaptureQueriesContext(connection) as queries:
            run = services.coverage_update_places(place_ids=ids)
        assert run.kind == "incremental" and run.changed_communes > 0
        return len(queries)

    one = update([(-3.0, 47.8)])
    many = update([(-3.0 + k / 100, 47.8 + k / 100) for k in range(1, 7)])
    assert many == one
    incremental, full = recomputed()
    assert incremental == full
