"""The committee: ranking per envelope, envelope consumption, decisions (rules, quotas), emails, publication."""

import pytest

from tests.calls.reviewkit import make_world, scored, user_with
from tierslieux.accounts.roles import Role
from tierslieux.calls.models import Decision, Status
from tierslieux.calls.review import committee, selectors
from tierslieux.calls.services import ServiceError
from tierslieux.core.transitions import transition_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_wave_ranking_orders_files_by_score_within_each_envelope(world):
    hors, qpv = world.envelopes
    low = world.application(envelope=hors)
    high = world.application(envelope=hors)
    unscored = world.application(envelope=hors)
    in_qpv = world.application(envelope=qpv)
    world.application(envelope=hors, status=Status.SUBMITTED)  # not yet in review: not ranked
    scored(low, world.reviewers[0], [1, 1])
    scored(high, world.reviewers[0], [5, 4])
    scored(high, world.reviewers[1], [4, 4])
    scored(in_qpv, world.reviewers[1], [3, 3])
    rankings = selectors.wave_ranking(world.wave)
    assert [r.envelope for r in rankings] == [hors, qpv]
    assert [e.application for e in rankings[0].applications] == [high, low, unscored]
    assert rankings[0].applications[0].score == pytest.approx(((10 + 4) / 3 + (8 + 4) / 3) / 2)
    assert rankings[0].applications[0].reviews == 2
    assert rankings[0].applications[2].score is None
    assert [e.application for e in rankings[1].applications] == [in_qpv]
    assert rankings[0].consumption.laureates == 0


def test_accept_records_amounts_moves_status_and_emails_the_applicant(
    world, mailbox, django_capture_on_commit_callbacks
):
    application = world.application()
    with django_capture_on_commit_callbacks(execute=True):
        decision = committee.decision_make(
            application=application, actor=world.staff, outcome="accepted", amounts=[50_000, 40_000, 30_000]
        )
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert decision.granted_total == 120_000 and decision.envelope == world.envelopes[0]
    assert list(
        transition_history(application)
        .filter(to_status=Status.ACCEPTED)
        .values_list("action", "actor", "reason")
    ) == [("accept", world.staff.pk, "Décision du comité")]
    message = mailbox.wait_for(application.applicant.email)[0]
    assert "retenu" in message["Subject"]
    assert "120" in mailbox.text(message)
    consumption = selectors.envelope_consumption(world.call)[world.envelopes[0].pk]
    assert consumption.laureates == 1 and consumption.granted == 120_000


@pytest.mark.parametrize(("outcome", "word"), [("refused", "Décision"), ("closed", "classé sans suite")])
def test_refuse_and_close_need_a_motivation_sent_by_email(
    world, mailbox, django_capture_on_commit_callbacks, outcome, word
):
    application = world.application()
    with pytest.raises(ServiceError, match="Motivez"):
        committee.decision_make(application=application, actor=world.staff, outcome=outcome)
    with django_capture_on_commit_callbacks(execute=True):
        committee.decision_make(
            application=application,
            actor=world.staff,
            outcome=outcome,
            motivation="Projet trop peu ancré dans le territoire.",
        )
    application.refresh_from_db()
    assert application.status == outcome
    message = mailbox.wait_for(application.applicant.email)[0]
    assert word in message["Subject"]
    assert "trop peu ancré" in mailbox.text(message)


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        ([60_000, 30_000, 30_000], "plafond annuel"),
        ([20_000, 20_000, 20_000], "inférieur au minimum"),
        ([50_000, 50_000], "chacune des 3 années"),
        ([-1, 50_000, 50_000], "négatif"),
    ],
)
def test_amounts_outside_the_funding_rules_are_refused(world, amounts, message):
    application = world.application()
    with pytest.raises(ServiceError, match=message):
        committee.decision_make(
            application=application, actor=world.staff, outcome="accepted", amounts=amounts
        )
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert not Decision.objects.exists()


def test_envelope_quota_number_and_amount(world):
    hors, qpv = world.envelopes  # hors: 2 laureates; qpv: 1 000 000 €
    for _ in range(2):
        committee.decision_make(
            application=world.application(envelope=hors),
            actor=world.staff,
            outcome="accepted",
            amounts=[40_000, 40_000, 40_000],
        )
    with pytest.raises(ServiceError, match="complète"):
        committee.decision_make(
            application=world.application(envelope=hors),
            actor=world.staff,
            outcome="accepted",
            amounts=[40_000, 40_000, 40_000],
        )
    qpv.amount = 100_000
    qpv.save()
    with pytest.raises(ServiceError, match="n’a plus que"):
        committee.decision_make(
            application=world.application(envelope=qpv),
            actor=world.staff,
            outcome="accepted",
            amounts=[40_000, 40_000, 40_000],
        )


def test_forged_decisions_are_refused(world):
    application = world.application()
    with pytest.raises(ServiceError, match="équipe"):
        committee.decision_make(
            application=application,
            actor=user_with(Role.PROGRAMME_STAFF),
            outcome="accepted",
            amounts=[50_000, 50_000, 50_000],
        )
    with pytest.raises(ServiceError, match="n’existe pas"):
        committee.decision_make(application=application, actor=world.staff, outcome="withdrawn")
    submitted = world.application(status=Status.SUBMITTED)
    with pytest.raises(ServiceError, match="en instruction"):
        committee.decision_make(application=submitted, actor=world.staff, outcome="refused", motivation="Non")
    committee.decision_make(application=application, actor=world.staff, outcome="refused", motivation="Non")
    with pytest.raises(ServiceError, match="déjà"):
        committee.decision_make(
            application=application, actor=world.staff, outcome="accepted", amounts=[50_000, 50_000, 50_000]
        )
    other_call_envelope = make_world().envelopes[0]
    with pytest.raises(ServiceError, match="enveloppe"):
        committee.decision_make(
            application=world.application(),
            actor=world.staff,
            outcome="accepted",
            amounts=[50_000, 50_000, 50_000],
            envelope=other_call_envelope,
        )


def test_publication_makes_laureates_public(world):
    accepted = world.application()
    committee.decision_make(
        application=accepted, actor=world.staff, outcome="accepted", amounts=[50_000, 50_000, 50_000]
    )
    committee.decision_make(
        application=world.application(), actor=world.staff, outcome="refused", motivation="Non"
    )
    assert not selectors.laureates_public().exists()
    with pytest.raises(ServiceError):
        committee.laureates_publish(wave=world.wave, actor=user_with(Role.PROGRAMME_STAFF))
    assert committee.laureates_publish(wave=world.wave, actor=world.staff) == 1
    rows = [selectors.laureate_row(d) for d in selectors.laureates_public()]
    assert len(rows) == 1
    assert rows[0]["place"] == accepted.place.name and rows[0]["amount"] == 150_000
    assert "email" not in str(rows[0]) and accepted.applicant.email not in str(rows[0])
    assert committee.laureates_publish(wave=world.wave, actor=world.staff) == 0


def test_wave_statistics(world):
    hors, qpv = world.envelopes
    world.application(status=Status.DRAFT)
    world.application(status=Status.SUBMITTED, envelope=qpv)
    world.application(status=Status.CORRECTIONS)
    world.application(status=Status.IN_REVIEW)
    committee.decision_make(
        application=world.application(),
        actor=world.staff,
        outcome="accepted",
        amounts=[50_000, 50_000, 50_000],
    )
    stats = selectors.wave_statistics(world.wave)
    assert (stats.drafts, stats.submitted, stats.in_review, stats.decided) == (1, 2, 1, 1)
    assert stats.by_envelope == [(hors.name, 3, 1), (qpv.name, 1, 0)]
    assert sum(n for _, n in stats.by_region) == 4
