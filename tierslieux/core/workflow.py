"""The one way to declare a workflow: a table of states, transitions, roles and labels. Plain Python.

A `Workflow` is data. It answers three questions and nothing else:

- `check(source, action=…|target=…, roles=…, reason=…)`: may one of these roles fire this transition now?
  It returns the `Transition` or raises `TransitionError` (a `ServiceError`: 409 when the transition does not
  exist from this state, 403 when no given role may fire it, 400 when a required reason is missing);
- `available(source, roles)`: the transitions a page may offer as buttons;
- `choices()` / `label(code)`: the states, for model fields and pages.

Roles are strings *relative to the object* ("applicant" of this dossier, "staff" of this call, "system" for
background jobs): the app computes them, the workflow only compares. Saving the new state and writing the log
row is `tierslieux.core.services.transition_apply`, the only function that changes a workflow's state.

Example::

    ARTICLE = Workflow(
        "article",
        states=[State("draft", gettext_noop("Brouillon")), State("published", gettext_noop("Publié"), final=True)],
        transitions=[Transition("publish", gettext_noop("Publier"), ("draft",), "published", {"editor"})],
        role_labels={"editor": gettext_noop("aux rédacteurs")},
    )
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .errors import ServiceError
from .i18n import gettext as _

SYSTEM = "system"
"""The role of background jobs and of the platform itself (e.g. a deadline passing)."""


@dataclass(frozen=True)
class State:
    code: str
    label_text: str  # French, marked with gettext_noop; `label` translates it
    final: bool = False

    @property
    def label(self) -> str:
        return _(self.label_text)


@dataclass(frozen=True)
class Transition:
    action: str
    label_text: str  # French label of the action (a button), marked with gettext_noop
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str] = field(default_factory=frozenset)
    reason_required: bool = False

    def __init__(
        self,
        action: str,
        label_text: str,
        sources: Iterable[str],
        target: str,
        roles: Iterable[str],
        *,
        reason_required: bool = False,
    ) -> None:
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "label_text", label_text)
        object.__setattr__(self, "sources", tuple(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "roles", frozenset(roles))
        object.__setattr__(self, "reason_required", reason_required)

    @property
    def label(self) -> str:
        return _(self.label_text)


class TransitionError(ServiceError):
    """A transition refused by the table; `str()` is a French sentence for the person."""

    status = 409


class Workflow:
    """A declared state machine. Built once at import time; every method is a pure function of the table."""

    def __init__(
        self,
        name: str,
        *,
        states: Sequence[State],
        transitions: Sequence[Transition],
        initial: str | None = None,
        role_labels: Mapping[str, str] | None = None,
        object_label: str = "",
        refusals: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.states: tuple[State, ...] = tuple(states)
        self.transitions: tuple[Transition, ...] = tuple(transitions)
        self._states = {state.code: state for state in self.states}
        self.initial = initial if initial is not None else self.states[0].code
        self.role_labels = dict(role_labels or {})
        self.object_label = object_label  # e.g. gettext_noop("ce dossier"), used in refusals
        # A workflow may word two refusals its own way (French, marked with gettext_noop): "no_target" (no
        # transition from `source` to `target`; placeholders source, target) and "reason_required" (action).
        self.refusals = dict(refusals or {})
        unknown = set(self.refusals) - {"no_target", "reason_required"}
        if unknown:
            raise ValueError(f"{name}: unknown refusals {sorted(unknown)}")
        self._validate()

    def _validate(self) -> None:
        if len(self._states) != len(self.states):
            raise ValueError(f"{self.name}: duplicate state codes")
        if self.initial not in self._states:
            raise ValueError(f"{self.name}: unknown initial state {self.initial!r}")
        seen: set[tuple[str, str]] = set()
        for rule in self.transitions:
            for code in (*rule.sources, rule.target):
                if code not in self._states:
                    raise ValueError(f"{self.name}.{rule.action}: unknown state {code!r}")
            if not rule.roles:
                raise ValueError(f"{self.name}.{rule.action}: no role may fire it")
            for source in rule.sources:
                if self._states[source].final:
                    raise ValueError(f"{self.name}.{rule.action}: leaves the final state {source!r}")
                key = (rule.action, source)
                if key in seen:
                    raise ValueError(f"{self.name}: two transitions {rule.action!r} from {source!r}")
                seen.add(key)

    # --- States --------------------------------------------------------------------------------------------
    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(state.code for state in self.states)

    @property
    def final_codes(self) -> frozenset[str]:
        return frozenset(state.code for state in self.states if state.final)

    def state(self, code: str) -> State:
        return self._states[code]

    def label(self, code: str) -> str:
        """The label of state `code` in the active language (the code itself when unknown)."""
        state = self._states.get(code)
        return state.label if state else code

    def is_final(self, code: str) -> bool:
        state = self._states.get(code)
        return bool(state and state.final)

    def choices(self) -> list[tuple[str, str]]:
        """(code, French label) pairs; Django model fields use `core.transitions.lazy_choices` instead."""
        return [(state.code, state.label_text) for state in self.states]

    # --- Transitions ---------------------------------------------------------------------------------------
    def transition(self, action: str) -> Transition:
        """The first transition named `action` (its label and roles are the same from every source)."""
        for rule in self.transitions:
            if rule.action == action:
                return rule
        raise KeyError(f"{self.name}: no action {action!r}")

    def find(self, source: str, *, action: str | None = None, target: str | None = None) -> Transition | None:
        for rule in self.transitions:
            if source not in rule.sources:
                continue
            if action is not None and rule.action != action:
                continue
            if target is not None and rule.target != target:
                continue
            return rule
        return None

    def available(self, source: str, roles: Iterable[str]) -> list[Transition]:
        """The transitions one of `roles` may fire from `source`, in table order."""
        granted = set(roles)
        return [rule for rule in self.transitions if source in rule.sources and rule.roles & granted]

    def check(
        self,
        source: str,
        *,
        action: str | None = None,
        target: str | None = None,
        roles: Iterable[str],
        reason: str | None = None,
    ) -> Transition:
        """The transition from `source` by `action` (or to `target`) if one of `roles` may fire it.

        Raises TransitionError: 409 when no such transition leaves `source`, 403 when none of `roles` may
        fire it, 400 when it needs a reason and `reason` is blank (pass `reason=None` to skip that test, e.g.
        to show a button before the reason is typed)."""
        if action is None and target is None:
            raise ValueError("check() needs an action or a target")
        if target is not None and target not in self._states:
            raise TransitionError(_("Ce statut n’existe pas."), status=400)
        rule = self.find(source, action=action, target=target)
        if rule is None:
            if action is not None and not any(rule.action == action for rule in self.transitions):
                raise TransitionError(_("Cette action n’existe pas."), status=400)
            if action is not None:
                message = _("L’action « %(action)s » n’est pas possible au statut « %(source)s ».") % {
                    "action": self.transition(action).label,
                    "source": self.label(source),
                }
            else:
                template = self.refusals.get("no_target")
                message = (
                    _(template)
                    if template
                    else _("Impossible de passer du statut « %(source)s » au statut « %(target)s ».")
                ) % {"source": self.label(source), "target": self.label(target or "")}
            raise TransitionError(message)
        if not rule.roles & set(roles):
            raise TransitionError(self._role_refusal(rule), status=403)
        if rule.reason_required and reason is not None and not reason.strip():
            template = self.refusals.get("reason_required")
            message = _(template) if template else _("Indiquez un motif pour l’action « %(action)s ».")
            raise TransitionError(message % {"action": rule.label}, status=400)
        return rule

    def _role_refusal(self, rule: Transition) -> str:
        labels = sorted(_(self.role_labels[role]) for role in rule.roles if role in self.role_labels)
        if labels:
            return _("L’action « %(action)s » est réservée %(roles)s.") % {
                "action": rule.label,
                "roles": _(" ou ").join(labels),
            }
        return _("Vous ne pouvez pas faire l’action « %(action)s ».") % {"action": rule.label}

    # --- Documentation -------------------------------------------------------------------------------------
    def table(self) -> list[dict[str, str]]:
        """One row per (transition, source), for docs and admin pages."""
        return [
            {
                "action": rule.action,
                "label": rule.label,
                "from": self.label(source),
                "to": self.label(rule.target),
                "roles": ", ".join(sorted(rule.roles)),
                "reason": "oui" if rule.reason_required else "",
            }
            for rule in self.transitions
            for source in rule.sources
        ]

    def mermaid(self) -> str:
        """The state diagram in Mermaid syntax (for docs)."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial}"]
        for rule in self.transitions:
            for source in rule.sources:
                lines.append(f"    {source} --> {rule.target}: {rule.action}")
        for code in sorted(self.final_codes):
            lines.append(f"    {code} --> [*]")
        return "\n".join(lines)
