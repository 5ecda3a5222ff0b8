"""A small wave to optimise: a staffed call (two envelopes, two criteria), communes of Finistère spread
~30 km apart, a labelled Fabrique already covering one of them, and five files under review, scored."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.factories.accounts import UserFactory
from tests.factories.calls import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    EnvelopeFactory,
    PlaceFactory,
    WaveFactory,
)
from tests.factories.geo import CommuneFactory, DepartmentFactory, EpciFactory, RegionFactory
from tierslieux.accounts.roles import Role
from tierslieux.accounts.services import user_grant_role
from tierslieux.calls.models import ConflictOfInterest, Review, ReviewerAssignment, Score, Status

# insee, name, lon, lat, population, density level
COMMUNES = [
    ("29001", "Kerbourg", -4.40, 48.40, 30_000, "Petites villes"),
    ("29002", "Landivez", -4.00, 48.40, 8_000, "Bourgs ruraux"),
    ("29003", "Plouzennec", -3.60, 48.40, 12_000, "Bourgs ruraux"),
    ("29004", "Brestville", -4.48, 48.39, 140_000, "Grands centres urbains"),
    ("29005", "Quimperlé-sur-Aven", -3.60, 47.90, 5_000, "Rural à habitat dispersé"),
    ("29006", "Port-Fabrique", -4.00, 47.90, 6_000, "Petites villes"),
]
# reference, commune, scores (criterion 1 weight 2, criterion 2 weight 1), amounts per year
FILES = [
    ("SEL-001", "29004", (5, 5), [50_000, 50_000, 50_000]),
    ("SEL-002", "29004", (5, 4), [50_000, 50_000, 50_000]),
    ("SEL-003", "29002", (4, 4), [40_000, 40_000, 40_000]),
    ("SEL-004", "29003", (4, 3), [30_000, 30_000, 30_000]),
    ("SEL-005", "29006", (3, 3), [25_000, 25_000, 25_000]),
]


def staff_user(**extra):
    user = UserFactory(**extra)
    user_grant_role(user=user, role=Role.PROGRAMME_STAFF)
    return user


@dataclass
class SelectionWorld:
    call: object
    wave: object
    staff: object
    envelopes: list
    communes: dict
    applications: dict = field(default_factory=dict)


def score(application, reviewer, values) -> None:
    from django.utils import timezone

    assignment = ReviewerAssignment.objects.create(application=application, reviewer=reviewer)
    ConflictOfInterest.objects.create(assignment=assignment, has_conflict=False)
    review = Review.objects.create(assignment=assignment, submitted_at=timezone.now())
    for criterion, value in zip(application.call.criteria.order_by("position"), values, strict=True):
        Score.objects.create(review=review, criterion=criterion, value=value)


def selection_world(*, staff=None, seats: int = 2) -> SelectionWorld:
    staff = staff or staff_user()
    call = CallFactory(staff=[staff], title="Fabriques de territoire", total_budget=45_000_000)
    CriterionFactory(call=call, name="Ancrage territorial", weight=2, position=0)
    CriterionFactory(call=call, name="Gouvernance", weight=1, position=1)
    envelopes = [
        EnvelopeFactory(call=call, name="Hors grands centres urbains", code="hors-gcu", max_laureates=150),
        EnvelopeFactory(call=call, name="QPV", code="qpv", max_laureates=120, amount=9_000_000, position=1),
    ]
    wave = WaveFactory(call=call, name="Vague 1", target_laureates=seats)
    department = DepartmentFactory(
        code="29", name="Finistère", region=RegionFactory(code="53", name="Bretagne")
    )
    communes = {}
    for k, (insee, name, lon, lat, population, density) in enumerate(COMMUNES):
        communes[insee] = CommuneFactory(
            insee=insee,
            name=name,
            department=department,
            region=department.region,
            epci=EpciFactory(siren=f"2429000{k:02d}", name=f"Communauté {k}"),
            population=population,
            town_hall_lon=lon,
            town_hall_lat=lat,
            interior_lon=lon,
            interior_lat=lat,
            density_level=density,
        )
    # The labelled network already covers Kerbourg (and Brestville, 6 km away).
    PlaceFactory(
        name="Fabrique de Kerbourg",
        commune=communes["29001"],
        lon=-4.40,
        lat=48.40,
        labels=["fabrique_territoire"],
    )
    world = SelectionWorld(call=call, wave=wave, staff=staff, envelopes=envelopes, communes=communes)
    reviewer = UserFactory()
    user_grant_role(user=reviewer, role=Role.REVIEWER)
    for reference, insee, values, amounts in FILES:
        commune = communes[insee]
        place = PlaceFactory(
            name=f"Tiers-lieu de {commune.name}",
            commune=commune,
            lon=commune.town_hall_lon,
            lat=commune.town_hall_lat,
        )
        application = ApplicationFactory(
            call=call,
            wave=wave,
            reference=reference,
            status=Status.IN_REVIEW,
            place=place,
            envelope=envelopes[0],
            budget={"resources": {"requested": amounts}},
            requested_total=sum(amounts),
            project_title=f"Projet {reference}",
        )
        score(application, reviewer, values)
        world.applications[reference] = application
    return world
