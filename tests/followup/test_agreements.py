"""Funding agreements: created in draft by the committee's acceptance, completed and signed by the call's team
only, amended by typed avenants (checked against the call's funding rules and the envelope), terminated and
completed — every change logged."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories.followup import RNA, SIRET, complete, make_laureate, pdf, png, sign, user_with
from tierslieux.accounts.roles import Role
from tierslieux.calls.review.committee import ACCEPTANCE_HOOKS, decision_make
from tierslieux.core.errors import ServiceError
from tierslieux.core.models import TransitionLog
from tierslieux.core.transitions import transition_history
from tierslieux.followup.models import Agreement, AmendmentKind
from tierslieux.followup.services import agreements as services
from tierslieux.followup.services import tranches as tranche_services

pytestmark = pytest.mark.django_db


# --- Creation ------------------------------------------------------------------------------------------------
def test_acceptance_creates_the_draft_agreement_from_the_decision(laureate):
    agreement = laureate.agreement
    assert services.agreement_create_on_acceptance in ACCEPTANCE_HOOKS
    assert agreement.status == "draft"
    assert agreement.reference == f"CONV-{laureate.application.reference}"
    assert (agreement.call, agreement.envelope, agreement.place) == (
        laureate.call,
        laureate.envelope,
        laureate.place,
    )
    assert (agreement.amounts, agreement.total, agreement.duration_months) == (
        [50_000, 40_000, 30_000],
        120_000,
        36,
    )
    # The beneficiary starts from the place page.
    assert (agreement.beneficiary_name, agreement.siret, agreement.rna) == ("La Fabrique du port", SIRET, RNA)
    assert "75\u202f000\u202f€ à 150\u202f000\u202f€ sur 3 ans" in agreement.conditions
    assert [v.label for v in agreement.versions.all()] == ["Création à partir de la décision du comité"]
    # Idempotent.
    assert services.agreement_create_from_decision(decision=laureate.decision) == agreement


def test_a_refusal_creates_no_agreement(laureate):
    from tests.factories.calls import ApplicationFactory

    application = ApplicationFactory(
        call=laureate.call, wave=laureate.call.waves.get(), status="in_review", envelope=laureate.envelope
    )
    decision_make(application=application, actor=laureate.staff, outcome="refused", motivation="Hors cible.")
    assert not Agreement.objects.filter(decision__application=application).exists()


# --- Completion ----------------------------------------------------------------------------------------------
def test_staff_complete_the_draft_and_bad_identifiers_change_nothing(laureate):
    agreement = laureate.agreement
    with pytest.raises(ServiceError, match="clé de contrôle"):
        services.agreement_update(
            agreement=agreement,
            actor=laureate.staff,
            data={"siret": "73282932000075", "representative_name": "X"},
        )
    agreement.refresh_from_db()
    assert agreement.representative_name == ""
    with pytest.raises(ServiceError, match="« W » suivi de 9 chiffres"):
        services.agreement_update(agreement=agreement, actor=laureate.staff, data={"rna": "W12"})
    with pytest.raises(ServiceError, match="de 25 à 60 mois"):
        services.agreement_update(agreement=agreement, actor=laureate.staff, data={"duration_months": 12})
    services.agreement_update(agreement=agreement, actor=laureate.staff, data={"siret": "732 829 320 00074"})
    agreement.refresh_from_db()
    assert agreement.siret == "73282932000074"


@pytest.mark.parametrize("who", ["manager", "reader", "stranger"])
def test_only_the_calls_team_completes_or_signs(laureate, who):
    user = {
        "manager": laureate.manager,
        "reader": user_with(Role.PROGRAMME_STAFF, email="lecture@example.org"),
        "stranger": user_with(None, email="inconnu@example.org"),
    }[who]
    with pytest.raises(ServiceError) as refusal:
        services.agreement_update(agreement=laureate.agreement, actor=user, data={"representative_name": "X"})
    assert refusal.value.status == (404 if who == "stranger" else 403)
    with pytest.raises(ServiceError):
        services.agreement_sign(
            agreement=laureate.agreement, actor=user, signed_on=date(2025, 1, 15), upload=pdf()
        )
    assert Agreement.objects.get(pk=laureate.agreement.pk).status == "draft"


# --- Signature -----------------------------------------------------------------------------------------------
def test_an_incomplete_agreement_cannot_be_signed(laureate):
    agreement = laureate.agreement
    with pytest.raises(ServiceError) as refusal:
        services.agreement_sign(
            agreement=agreement,
            actor=laureate.staff,
            signed_on=date(2025, 1, 15),
            upload=pdf(),
            today=date(2025, 2, 1),
        )
    assert "représentant légal" in refusal.value.message and "date de début" in refusal.value.message
    assert services.agreement_problems(agreement)


@pytest.mark.parametrize(
    ("signed_on", "upload", "message"),
    [
        (date(2025, 3, 1), pdf, "futur"),
        (date(2024, 11, 1), pdf, "avant la décision du comité"),
        (date(2025, 1, 15), png, "n’est pas un PDF"),
        (None, pdf, "date de signature"),
    ],
)
def test_signature_refusals(laureate, signed_on, upload, message):
    complete(laureate.agreement, laureate.staff)
    with pytest.raises(ServiceError, match=message):
        services.agreement_sign(
            agreement=laureate.agreement,
            actor=laureate.staff,
            signed_on=signed_on,
            upload=upload(),
            today=date(2025, 2, 1),
        )
    assert Agreement.objects.get(pk=laureate.agreement.pk).status == "draft"
    assert not laureate.agreement.tranches.exists()


def test_signature_generates_the_calendar_and_tells_the_beneficiary(
    laureate, mailbox, django_capture_on_commit_callbacks
):
    agreement = laureate.agreement
    with django_capture_on_commit_callbacks(execute=True):
        sign(agreement, laureate.staff, signed_on=date(2025, 1, 15))
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_on, agreement.version) == ("signed", date(2025, 1, 15), 2)
    assert agreement.signed_file_sha256 and agreement.signed_file_name == "convention.pdf"
    tranches = list(agreement.tranches.all())
    assert [(t.number, t.amount, t.status, t.due_on) for t in tranches] == [
        (1, 50_000, "due", date(2025, 1, 15)),
        (2, 40_000, "scheduled", None),
        (3, 30_000, "scheduled", None),
    ]
    assert [(r.year, r.period_start, r.due_date, r.status) for r in agreement.reports.all()] == [
        (1, date(2025, 1, 1), date(2026, 3, 1), "draft"),
        (2, date(2026, 1, 1), date(2027, 3, 1), "draft"),
        (3, date(2027, 1, 1), date(2028, 2, 29), "draft"),
    ]
    [log] = transition_history(agreement)
    assert (log.action, log.from_status, log.to_status, log.actor) == (
        "sign",
        "draft",
        "signed",
        laureate.staff,
    )
    [release] = transition_history(tranches[0])
    assert (release.action, release.actor) == ("release", None)
    [message] = mailbox.wait_for(laureate.manager.email)
    assert laureate.applicant.email in message["To"]
    assert "est signée" in message["Subject"] and "1er mars 2026" in mailbox.text(message)
    assert [v.label for v in agreement.versions.all()] == [
        "Création à partir de la décision du comité",
        "Signature",
    ]


# --- Amendments ----------------------------------------------------------------------------------------------
def _amend(laureate, kind, values, **extra):
    return services.agreement_amend(
        agreement=laureate.agreement,
        actor=laureate.staff,
        kind=kind,
        effective_on=extra.pop("effective_on", date(2025, 6, 1)),
        reason=extra.pop("reason", "Accord des parties."),
        values=values,
        today=date(2025, 7, 1),
        **extra,
    )


def test_amount_amendment_within_the_rules_is_versioned_and_logged(laureate):
    sign(laureate.agreement, laureate.staff)
    amendment = _amend(
        laureate, AmendmentKind.AMOUNT, {"amounts": [50_000, 45_000, 35_000]}, upload=pdf("avenant.pdf")
    )
    agreement = Agreement.objects.get(pk=laureate.agreement.pk)
    assert (amendment.number, amendment.kind, amendment.version.number) == (1, "amount", 3)
    assert amendment.changes == {
        "amounts": [[50_000, 40_000, 30_000], [50_000, 45_000, 35_000]],
        "total": [120_000, 130_000],
    }
    assert amendment.signed_file_sha256
    assert (agreement.amounts, agreement.total, agreement.version, agreement.status) == (
        [50_000, 45_000, 35_000],
        130_000,
        3,
        "signed",
    )
    assert [t.amount for t in agreement.tranches.all()] == [50_000, 45_000, 35_000]
    log = TransitionLog.objects.filter(workflow="followup.agreement", action="amend").get()
    assert (log.from_status, log.to_status, log.actor) == ("signed", "signed", laureate.staff)
    assert "Avenant n° 1 : Accord des parties." == log.reason
    assert agreement.versions.last().data["total"] == 130_000


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        ([60_000, 40_000, 30_000], "plafond annuel"),
        ([50_000, 50_000, 60_000], "plafond"),
        ([20_000, 20_000, 20_000], "minimum"),
        ([50_000, 40_000], "chacune des 3 années"),
        ([50_000, 40_000, 30_000], "inchangés"),
    ],
)
def test_amount_amendments_outside_the_calls_rules_are_refused(laureate, amounts, message):
    sign(laureate.agreement, laureate.staff)
    with pytest.raises(ServiceError, match=message):
        _amend(laureate, AmendmentKind.AMOUNT, {"amounts": amounts})
    assert not laureate.agreement.amendments.exists()
    assert Agreement.objects.get(pk=laureate.agreement.pk).version == 2


def test_an_increase_beyond_the_envelope_is_refused():
    laureate = make_laureate(envelope_amount=125_000)
    sign(laureate.agreement, laureate.staff)
    with pytest.raises(ServiceError, match="n’a plus que 125"):
        _amend(laureate, AmendmentKind.AMOUNT, {"amounts": [50_000, 45_000, 35_000]})
    _amend(laureate, AmendmentKind.AMOUNT, {"amounts": [50_000, 40_000, 35_000]})


def test_a_committed_or_paid_tranche_keeps_its_amount(laureate):
    sign(laureate.agreement, laureate.staff)
    first = laureate.agreement.tranches.get(number=1)
    tranche_services.tranche_act(
        tranche=first, actor=laureate.staff, action="commit", on=date(2025, 2, 1), today=date(2025, 2, 1)
    )
    with pytest.raises(ServiceError, match="tranche 1 est déjà au statut « Engagée »") as refusal:
        _amend(laureate, AmendmentKind.AMOUNT, {"amounts": [45_000, 45_000, 30_000]})
    assert refusal.value.status == 409
    _amend(laureate, AmendmentKind.AMOUNT, {"amounts": [50_000, 45_000, 30_000]})


def test_duration_amendment_moves_the_last_year_and_its_report(laureate):
    sign(laureate.agreement, laureate.staff)
    amendment = _amend(laureate, AmendmentKind.DURATION, {"duration_months": 42})
    agreement = Agreement.objects.get(pk=laureate.agreement.pk)
    assert amendment.changes == {"duration_months": [36, 42]}
    assert [r.due_date for r in agreement.reports.all()] == [
        date(2026, 3, 1),
        date(2027, 3, 1),
        date(2028, 8, 29),
    ]
    assert agreement.tranches.get(number=3).planned_due == date(2027, 3, 1)
    with pytest.raises(ServiceError, match="de 25 à 60 mois"):
        _amend(laureate, AmendmentKind.DURATION, {"duration_months": 61})


def test_beneficiary_amendment_checks_the_identity(laureate):
    sign(laureate.agreement, laureate.staff)
    with pytest.raises(ServiceError, match="clé de contrôle"):
        _amend(laureate, AmendmentKind.BENEFICIARY, {"siret": "73282932000075"})
    amendment = _amend(
        laureate,
        AmendmentKind.BENEFICIARY,
        {
            "beneficiary_name": "SCIC La Fabrique du port",
            "beneficiary_legal_form": "scic",
            "siret": "73282932000074",
            "rna": "",
        },
    )
    assert set(amendment.changes) == {"beneficiary_name", "beneficiary_legal_form", "siret", "rna"}
    assert Agreement.objects.get(pk=laureate.agreement.pk).siret == "73282932000074"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"reason": " "}, "Indiquez un motif"),
        ({"effective_on": date(2025, 1, 1)}, "entre la signature"),
        ({"effective_on": date(2025, 8, 1)}, "entre la signature"),
    ],
)
def test_an_amendment_is_dated_and_reasoned(laureate, extra, message):
    sign(laureate.agreement, laureate.staff)
    with pytest.raises(ServiceError, match=message):
        _amend(laureate, AmendmentKind.DURATION, {"duration_months": 40}, **extra)


def test_a_draft_is_not_amended_and_only_the_team_amends(laureate):
    with pytest.raises(ServiceError) as refusal:
        _amend(laureate, AmendmentKind.DURATION, {"duration_months": 40})
    assert refusal.value.status == 409
    sign(laureate.agreement, laureate.staff)
    with pytest.raises(ServiceError) as refusal:
        services.agreement_amend(
            agreement=laureate.agreement,
            actor=laureate.manager,
            kind="duration",
            effective_on=date(2025, 6, 1),
            reason="x",
            values={"duration_months": 40},
        )
    assert refusal.value.status == 403


# --- End -----------------------------------------------------------------------------------------------------
def test_termination_cancels_the_unpaid_tranches(laureate, mailbox, django_capture_on_commit_callbacks):
    sign(laureate.agreement, laureate.staff)
    with pytest.raises(ServiceError, match="motif"):
        services.agreement_terminate(agreement=laureate.agreement, actor=laureate.staff, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_terminate(agreement=laureate.agreement, actor=laureate.staff, reason="Lieu fermé.")
    agreement = Agreement.objects.get(pk=laureate.agreement.pk)
    assert agreement.status == "terminated"
    assert {t.status for t in agreement.tranches.all()} == {"cancelled"}
    assert "résiliée" in mailbox.wait_for(laureate.manager.email)[0]["Subject"]


def test_completion_needs_every_tranche_paid_and_every_report_accepted(laureate):
    sign(laureate.agreement, laureate.staff)
    with pytest.raises(ServiceError, match="soldée") as refusal:
        services.agreement_complete(agreement=laureate.agreement, actor=laureate.staff)
    assert refusal.value.status == 409
