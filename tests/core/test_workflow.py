"""The one workflow mechanism (tierslieux/core/workflow.py): a declared table, checked alone (no Django)."""

from __future__ import annotations

import pytest

from tierslieux.core.errors import ServiceError
from tierslieux.core.workflow import State, Transition, TransitionError, Workflow

FLOW = Workflow(
    "article",
    states=[
        State("draft", "Brouillon"),
        State("scheduled", "Programmé"),
        State("published", "Publié"),
        State("archived", "Archivé", final=True),
    ],
    transitions=[
        Transition("schedule", "Programmer", ["draft"], "scheduled", {"editor"}),
        Transition("publish", "Publier", ["draft", "scheduled"], "published", {"editor", "system"}),
        Transition("archive", "Archiver", ["published"], "archived", {"staff"}, reason_required=True),
    ],
    role_labels={"editor": "aux rédacteurs", "staff": "à l’équipe du programme"},
)


def test_check_returns_the_rule_for_an_allowed_role():
    rule = FLOW.check("draft", action="publish", roles={"editor"})
    assert (rule.action, rule.target) == ("publish", "published")
    assert FLOW.check("scheduled", target="published", roles={"system"}).action == "publish"


def test_a_transition_that_does_not_leave_this_state_is_a_409_with_the_labels():
    with pytest.raises(TransitionError) as refused:
        FLOW.check("archived", action="publish", roles={"editor"})
    assert refused.value.status == 409
    assert str(refused.value) == "L’action « Publier » n’est pas possible au statut « Archivé »."
    with pytest.raises(
        TransitionError, match="Impossible de passer du statut « Brouillon » au statut « Archivé »"
    ):
        FLOW.check("draft", target="archived", roles={"staff"})


def test_a_role_that_may_not_fire_it_is_a_403_naming_who_may():
    with pytest.raises(TransitionError) as refused:
        FLOW.check("published", action="archive", roles={"editor"}, reason="fin")
    assert refused.value.status == 403
    assert str(refused.value) == "L’action « Archiver » est réservée à l’équipe du programme."
    assert isinstance(refused.value, ServiceError)


def test_a_required_reason_is_a_400_unless_not_checked_yet():
    with pytest.raises(TransitionError) as refused:
        FLOW.check("published", action="archive", roles={"staff"}, reason="  ")
    assert refused.value.status == 400
    assert FLOW.check("published", action="archive", roles={"staff"}, reason=None).target == "archived"


def test_unknown_action_and_unknown_state_are_bad_input():
    with pytest.raises(TransitionError) as unknown_action:
        FLOW.check("draft", action="delete", roles={"staff"})
    with pytest.raises(TransitionError) as unknown_state:
        FLOW.check("draft", target="deleted", roles={"staff"})
    assert unknown_action.value.status == unknown_state.value.status == 400


def test_a_workflow_may_word_two_refusals_its_own_way():
    flow = Workflow(
        "worded",
        states=FLOW.states,
        transitions=FLOW.transitions,
        role_labels=FLOW.role_labels,
        refusals={
            "no_target": "Impossible de passer un article « %(source)s » au statut « %(target)s ».",
            "reason_required": "L’action « %(action)s » demande un motif.",
        },
    )
    with pytest.raises(TransitionError) as wrong_state:
        flow.check("draft", target="archived", roles={"staff"})
    assert str(wrong_state.value) == "Impossible de passer un article « Brouillon » au statut « Archivé »."
    with pytest.raises(TransitionError) as no_reason:
        flow.check("published", action="archive", roles={"staff"}, reason="")
    assert (no_reason.value.status, str(no_reason.value)) == (400, "L’action « Archiver » demande un motif.")
    with pytest.raises(ValueError, match="unknown refusals"):
        Workflow("bad", states=FLOW.states, transitions=FLOW.transitions, refusals={"other": "x"})


def test_available_lists_the_buttons_of_a_role_in_table_order():
    assert [rule.action for rule in FLOW.available("draft", {"editor"})] == ["schedule", "publish"]
    assert [rule.action for rule in FLOW.available("draft", {"system"})] == ["publish"]
    assert FLOW.available("archived", {"editor", "staff", "system"}) == []


def test_states_labels_choices_and_finality():
    assert FLOW.initial == "draft"
    assert FLOW.codes == ("draft", "scheduled", "published", "archived")
    assert FLOW.choices()[0] == ("draft", "Brouillon")
    assert FLOW.label("published") == "Publié" and FLOW.label("unknown") == "unknown"
    assert FLOW.final_codes == {"archived"} and FLOW.is_final("archived") and not FLOW.is_final("draft")


def test_table_and_diagram_document_every_edge():
    assert len(FLOW.table()) == 4
    diagram = FLOW.mermaid()
    assert "draft --> published: publish" in diagram and "scheduled --> published: publish" in diagram
    assert "archived --> [*]" in diagram


@pytest.mark.parametrize(
    ("states", "transitions", "message"),
    [
        ([State("a", "A"), State("a", "A")], [], "duplicate state"),
        ([State("a", "A")], [Transition("go", "Go", ["a"], "b", {"x"})], "unknown state 'b'"),
        ([State("a", "A"), State("b", "B")], [Transition("go", "Go", ["a"], "b", set())], "no role"),
        (
            [State("a", "A", final=True), State("b", "B")],
            [Transition("go", "Go", ["a"], "b", {"x"})],
            "leaves the final state",
        ),
        (
            [State("a", "A"), State("b", "B")],
            [Transition("go", "Go", ["a"], "b", {"x"}), Transition("go", "Go", ["a"], "a", {"x"})],
            "two transitions 'go'",
        ),
    ],
)
def test_a_malformed_table_is_refused_when_declared(states, transitions, message):
    with pytest.raises(ValueError, match=message):
        Workflow("bad", states=states, transitions=transitions, initial=states[0].code)


def test_the_module_imports_no_django():
    import ast
    from pathlib import Path

    import tierslieux.core.errors as errors
    import tierslieux.core.workflow as workflow

    for module in (workflow, errors):
        tree = ast.parse(Path(module.__file__).read_text())
        imported = {
            (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        assert not any(name.startswith("django") for name in imported), module.__name__
