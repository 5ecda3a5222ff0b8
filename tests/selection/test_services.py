"""Services of the selection side: optimiser input from a wave, stored runs, replay, scenarios, proposals."""

import json

import pytest

from tests.conftest import _user_with_role
from tierslieux.accounts.roles import Role
from tierslieux.calls.models import Status
from tierslieux.core.errors import Conflict, ServiceError
from tierslieux.core.transitions import transition_history
from tierslieux.core.workflow import TransitionError
from tierslieux.selection import computing, selectors, services
from tierslieux.selection import problem as assembly
from tierslieux.selection.models import ProposedDecision, ReplayStatus, Run, RunStatus
from tierslieux.selection.serialize import problem_from_json, problem_to_json

pytestmark = pytest.mark.django_db


def start(world, parameters, capture, actor=None) -> Run:
    with capture(execute=True):
        run = services.run_start(wave=world.wave, actor=actor or world.staff, parameters=parameters)
    run.refresh_from_db()
    return run


def replay(world, run, capture) -> Run:
    """Ask for a replay; the background task runs once the transaction commits."""
    with capture(execute=True):
        asked = services.run_replay(run=run, actor=world.staff)
        assert asked.replay_requested_at is not None and asked.replayed_at is None
        assert asked.replay_status == ReplayStatus.REQUESTED
    run.refresh_from_db()
    assert run.replay_requested_at is None and run.replayed_at is not None
    request, done = transition_history(run).filter(workflow="selection_replay")
    assert (request.action, request.actor, done.actor, done.from_status) == (
        "request",
        world.staff,
        None,
        "requested",
    )
    assert (done.to_status, done.reason) == (run.replay_status, run.replay_report[:300])
    return run


def test_default_parameters_come_from_the_call_and_the_wave(world):
    params = selectors.default_parameters(world.wave)
    assert params["points_per_10k"] == 0.1
    assert params["radius_km"] == 10.0
    assert params["max_laureates"] == 2
    assert params["envelopes"] == {"hors-gcu": 150, "qpv": 120}
    assert params["total_budget"] == 45_000_000
    assert params["targets"] == "eligibility"


def test_default_parameters_leave_out_what_the_call_already_granted(world):
    from tests.factories.calls import ApplicationFactory
    from tierslieux.calls.models import Decision, DecisionOutcome

    for reference, envelope, granted in (("OLD-1", world.envelopes[0], 120_000), ("OLD-2", None, 80_000)):
        application = ApplicationFactory(call=world.call, reference=reference, status=Status.ACCEPTED)
        Decision.objects.create(
            application=application,
            outcome=DecisionOutcome.ACCEPTED,
            envelope=envelope,
            granted_total=granted,
        )
    refused = ApplicationFactory(call=world.call, reference="OLD-3", status=Status.REFUSED)
    Decision.objects.create(application=refused, outcome=DecisionOutcome.REFUSED, granted_total=0)
    params = selectors.default_parameters(world.wave)
    assert params["total_budget"] == 45_000_000 - 200_000
    assert params["envelopes"] == {"hors-gcu": 149, "qpv": 120}


def test_problem_built_from_the_wave_applications_scores_envelopes_and_territory(world, params):
    built = assembly.build_problem(world.wave, params)
    problem = built.problem
    apps = {a.id: a for a in problem.applications}
    assert sorted(apps) == ["SEL-001", "SEL-002", "SEL-003", "SEL-004", "SEL-005"]
    assert apps["SEL-001"].score == pytest.approx(5.0)
    assert apps["SEL-004"].score == pytest.approx(11 / 3, abs=1e-5)
    assert apps["SEL-003"].yearly_amounts == (40_000, 40_000, 40_000)
    assert set(apps["SEL-003"].envelopes) == {"hors-gcu", "qpv"}
    assert apps["SEL-003"].department == "29" and apps["SEL-003"].region == "53"
    assert apps["SEL-003"].epci.startswith("2429000")
    assert [e.code for e in problem.envelopes] == ["hors-gcu", "qpv"]
    assert problem.envelopes[1].max_budget == 9_000_000
    # Targets: outside large urban centres (no density rule in this call), within R of a candidate.
    codes = sorted(t.code for t in problem.coverage.targets)
    assert "29004" not in codes and "29005" not in codes
    assert codes == ["29001", "29002", "29003", "29006"]
    assert [p.label for p in problem.coverage.existing] == ["Fabrique de Kerbourg"]
    # Decided files are not candidates any more.
    world.applications["SEL-005"].status = Status.REFUSED
    world.applications["SEL-005"].save()
    assert "SEL-005" not in {a.id for a in assembly.build_problem(world.wave, params).problem.applications}


def test_density_rules_of_the_call_choose_the_targets(world, params):
    from tests.factories.calls import EligibilityRuleFactory

    EligibilityRuleFactory(
        call=world.call, name="Rural", kind="density_in", params={"levels": ["Bourgs ruraux"]}
    )
    codes = sorted(t.code for t in assembly.build_problem(world.wave, params).problem.coverage.targets)
    assert codes == ["29002", "29003"]
    params["targets"] = "all"
    codes = sorted(t.code for t in assembly.build_problem(world.wave, params).problem.coverage.targets)
    assert "29004" in codes


def test_problem_json_round_trip(world, params):
    problem = assembly.build_problem(world.wave, params).problem
    data = json.loads(json.dumps(problem_to_json(problem)))
    assert problem_to_json(problem_from_json(data)) == data


def test_run_is_computed_in_the_background_and_stored(world, params, django_capture_on_commit_callbacks):
    params["points_per_10k"] = 10.0
    run = start(world, params, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE, run.error
    assert run.progress == 100
    assert run.result["status"] == "optimal"
    # λ = 10 points per 10,000 inhabitants: the two files that cover the most people win.
    assert run.result["assignment"] == {"SEL-003": "hors-gcu", "SEL-004": "hors-gcu"}
    assert run.result["newly_covered_population"] == 20_000
    assert run.baseline["assignment"] == {"SEL-001": "hors-gcu", "SEL-002": "hors-gcu"}
    assert run.baseline["newly_covered_population"] == 0
    assert run.result["reasons"]["SEL-001"]["message"]
    assert run.solver_version.startswith("HiGHS")
    assert run.inputs["applications"][0]["id"] == "SEL-001"
    assert run.options["time_limit_s"] == 30
    assert {"build_s", "optimise_s", "baseline_s", "tradeoff_s", "total_s"} <= set(run.timings)
    lambdas = [p["lambda"] for p in run.tradeoff]
    assert (
        0.0 in lambdas and 10.0 in lambdas and next(p for p in run.tradeoff if p["chosen"])["lambda"] == 10.0
    )
    assert run.context["applications"]["SEL-004"]["alone_population"] == 12_000
    assert list(
        transition_history(run).values_list("workflow", "action", "from_status", "to_status", "actor")
    ) == [
        ("selection_run", "create", "", "pending", world.staff.pk),
        ("selection_run", "start", "pending", "running", None),
        ("selection_run", "finish", "running", "done", None),
    ]
    assert transition_history(run).first().reason == "Calcul demandé"


def test_replay_from_stored_inputs_is_identical(world, params, django_capture_on_commit_callbacks):
    params["points_per_10k"] = 10.0
    run = start(world, params, django_capture_on_commit_callbacks)
    # The wave changes afterwards: the replay uses the stored inputs, not the database.
    world.applications["SEL-003"].status = Status.REFUSED
    world.applications["SEL-003"].save()
    run = replay(world, run, django_capture_on_commit_callbacks)
    assert run.replay_identical is True, run.replay_report
    assert run.replay_report.startswith("Résultat identique") and run.replay_status == ReplayStatus.IDENTICAL
    # Asked again while a replay is queued: refused (409), one replay at a time.
    services.run_replay(run=run, actor=world.staff)
    with pytest.raises(TransitionError) as twice:
        services.run_replay(run=run, actor=world.staff)
    assert twice.value.status == 409


def test_replay_detects_a_tampered_result(world, params, django_capture_on_commit_callbacks):
    run = start(world, params, django_capture_on_commit_callbacks)
    run.result["assignment"] = {"SEL-005": "qpv"}
    run.save()
    run = replay(world, run, django_capture_on_commit_callbacks)
    assert run.replay_identical is False and run.replay_status == ReplayStatus.DIFFERENT
    assert "assignment" in run.replay_report


def test_infeasible_settings_give_the_french_explanation(world, params, django_capture_on_commit_callbacks):
    params["min_per_region"] = 3  # at least 3 in Bretagne, at most 2 laureates
    run = start(world, params, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE
    assert run.result["status"] == "infeasible"
    summary = run.result["infeasibility"]["summary"]
    assert summary.startswith("Réglages incompatibles")
    assert "3 lauréats pour 2 places" in summary
    assert run.tradeoff == []


def test_unlabelled_departments_rule(world, params):
    params["unlabelled_departments"] = True
    assert assembly.build_problem(world.wave, params).problem.balance.required_departments == ()
    from tierslieux.places.models import Place

    Place.objects.update(labels=[])  # Finistère loses its only labelled place
    assert assembly.build_problem(world.wave, params).problem.balance.required_departments == ("29",)


def test_failed_run_is_recorded(world, params, django_capture_on_commit_callbacks, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(assembly, "build_problem", boom)
    run = start(world, params, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert "panne simulée" in run.error


def test_save_and_propose(world, params, django_capture_on_commit_callbacks):
    params["points_per_10k"] = 10.0
    run = start(world, params, django_capture_on_commit_callbacks)
    with pytest.raises(Conflict, match="Enregistrez"):
        services.scenario_propose(run=run, actor=world.staff)
    services.scenario_save(run=run, actor=world.staff, name="Couverture d’abord")
    other = start(world, params, django_capture_on_commit_callbacks)
    with pytest.raises(Conflict, match="existe déjà"):
        services.scenario_save(run=other, actor=world.staff, name="couverture d’abord")
    proposals = services.scenario_propose(run=run, actor=world.staff)
    assert sorted(p.application.reference for p in proposals) == ["SEL-003", "SEL-004"]
    # Nothing is decided.
    assert set(world.wave.applications.values_list("status", flat=True)) == {Status.IN_REVIEW}
    # A second proposal replaces the first one.
    services.scenario_save(run=other, actor=world.staff, name="Autre")
    other.result["assignment"] = {"SEL-001": "hors-gcu"}
    other.save()
    services.scenario_propose(run=other, actor=world.staff)
    assert list(ProposedDecision.objects.values_list("application__reference", "run")) == [
        ("SEL-001", other.pk)
    ]


def test_only_the_call_team_writes(world, params, django_capture_on_commit_callbacks):
    outsider = _user_with_role(Role.PROGRAMME_STAFF, email="autre@example.org")
    with pytest.raises(ServiceError) as refused:
        services.run_start(wave=world.wave, actor=outsider, parameters=params)
    assert refused.value.status == 403
    run = start(world, params, django_capture_on_commit_callbacks)
    for action in (
        lambda: services.run_replay(run=run, actor=outsider),
        lambda: services.scenario_save(run=run, actor=outsider, name="x"),
        lambda: services.scenario_propose(run=run, actor=outsider),
    ):
        with pytest.raises(ServiceError) as refused:
            action()
        assert refused.value.status == 403


def test_task_runs_a_pending_run_once(world, params):
    from tierslieux.selection.tasks import run_scenario_task

    run = services.run_start(wave=world.wave, actor=world.staff, parameters=params)  # callback not run
    assert Run.objects.get(pk=run.pk).status == RunStatus.PENDING
    result = run_scenario_task.enqueue(run_id=run.pk)
    assert result.return_value == RunStatus.DONE
    # A finished run is not computed again.
    assert transition_history(computing.run_execute(run_id=run.pk)).count() == 3
    with pytest.raises(TransitionError) as refused:
        computing.run_transition(run=Run.objects.get(pk=run.pk), to_status=RunStatus.RUNNING)
    assert refused.value.status == 409


def test_wave_without_candidates(world, params, django_capture_on_commit_callbacks):
    world.wave.applications.update(status=Status.REFUSED)
    run = start(world, params, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE, run.error
    assert run.result["assignment"] == {}


def test_replay_of_a_time_limited_run_says_why_it_may_differ(
    world, params, django_capture_on_commit_callbacks
):
    run = start(world, params, django_capture_on_commit_callbacks)
    run.result["status"] = "time_limit"
    run.save()
    run = replay(world, run, django_capture_on_commit_callbacks)
    assert run.replay_identical is False
    assert "limite de temps" in run.replay_report


def test_a_replay_that_fails_is_reported_not_left_pending(world, params, django_capture_on_commit_callbacks):
    run = start(world, params, django_capture_on_commit_callbacks)
    run.inputs = {"broken": True}
    run.save()
    run = replay(world, run, django_capture_on_commit_callbacks)
    assert run.replay_identical is False and run.replay_report.startswith("Échec du rejeu : ")
    assert run.replay_status == ReplayStatus.FAILED


# --- One definition of coverage; the existing network chosen explicitly ----------------------------------
def test_the_existing_network_is_a_choice_counted_like_the_diagnostic(world, params):
    from tierslieux.geo.diagnostic.inputs import DEFAULT_FILTER, LABELLED_NETWORK
    from tierslieux.places.models import Place
    from tierslieux.selection.problem import build_problem

    labelled = [
        p for p in Place.objects.all() if set(p.labels) & {"fabrique_territoire", "fabrique_numerique"}
    ]
    assert labelled  # the world has its labelled Fabrique
    default = build_problem(world.wave, params).problem.coverage.existing
    assert len(default) == len(selectors.network_places(LABELLED_NETWORK)) == len(labelled)
    params["existing_network"] = "atlas"
    atlas = build_problem(world.wave, params).problem.coverage.existing
    assert len(atlas) == len(selectors.network_places(DEFAULT_FILTER)) > len(default)
    summary = selectors.network_summary(params)
    assert summary["choice"] == "atlas" and summary["count"] == len(atlas)
    assert summary["diagnostic_url"] == "/diagnostic/"
    labelled_summary = selectors.network_summary({})
    assert labelled_summary["diagnostic_url"] == "/diagnostic/?" + LABELLED_NETWORK.query()
    assert "labellisés" in labelled_summary["describe"]


def test_default_radius_is_the_diagnostics(world, settings):
    settings.COVERAGE_WHITE_ZONE_KM = 12
    assert selectors.default_parameters(world.wave)["radius_km"] == 12.0
