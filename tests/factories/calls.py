"""Factories of the call for applications (AMI)."""

from datetime import timedelta

import factory
from django.utils import timezone

from tests.factories import places
from tests.factories.accounts import UserFactory
from tierslieux.calls.models import (
    Application,
    Call,
    Criterion,
    EligibilityRule,
    Envelope,
    Question,
    ReviewerAssignment,
    Wave,
)


class PlaceFactory(places.PlaceFactory):
    """An atlas place run by an association, with its managers given as `managers=[…]`."""

    class Meta:
        skip_postgeneration_save = True

    legal_form = "association"

    @factory.post_generation
    def managers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.managers.add(*extracted)


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Fabriques de territoire {n}")
    slug = factory.Sequence(lambda n: f"fabriques-{n}")
    summary = "Un appel permanent, en vagues successives."
    description = "## Objet\n\nSoutenir les **tiers-lieux** structurants."
    total_budget = 45_000_000
    min_total_amount = 75_000
    max_total_amount = 150_000
    max_per_year = 50_000
    years = 3
    is_published = True

    @factory.post_generation
    def staff(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.staff.add(*extracted)


class EnvelopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Envelope

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Enveloppe {n}")
    code = factory.Sequence(lambda n: f"enveloppe-{n}")
    max_laureates = 150


class WaveFactory(factory.django.DjangoModelFactory):
    """An open wave by default (opened yesterday, closes in 30 days)."""

    class Meta:
        model = Wave

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Vague {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    target_laureates = 30


class EligibilityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityRule
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    name = "Hors métropole"
    kind = "metropole_member"
    params = factory.LazyFunction(lambda: {"member": False})

    @factory.post_generation
    def envelopes(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.envelopes.add(*extracted)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    name = factory.Sequence(lambda n: f"Critère {n}")
    description = "Ancrage territorial du projet."
    weight = 2


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    call = factory.SubFactory(CallFactory)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = "text"
    required = False


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    wave = factory.SubFactory(WaveFactory, call=factory.SelfAttribute("..call"))
    reference = factory.Sequence(lambda n: f"AMI-T-{n:06d}")
    applicant = factory.SubFactory(UserFactory)
    place = factory.SubFactory(PlaceFactory)
    project_title = "Fabrique du bocage"
    summary = "Un lieu ouvert à toutes et tous."


class ReviewerAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewerAssignment

    application = factory.SubFactory(ApplicationFactory)
    reviewer = factory.SubFactory(UserFactory)
