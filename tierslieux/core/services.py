"""Writes of the platform's own mechanisms: moving an object along its workflow."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from .errors import Conflict
from .models import TransitionLog
from .workflow import Transition, Workflow

CREATE = "create"
"""The action of the first row of an object's history (`transition_log_start`)."""


def transition_apply(
    *,
    instance: models.Model,
    workflow: Workflow,
    roles: Iterable[str],
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str | None = None,
    target: str | None = None,
    reason: str = "",
    field: str = "status",
    changes: dict[str, Any] | None = None,
) -> TransitionLog:
    """Fire `action` (or move to `target`) on `instance` for someone holding `roles`, and log it.

    The only way a workflow's state changes. In one transaction: `workflow.check` (TransitionError, a
    ServiceError, when refused), then an UPDATE guarded by the state that was read — if another request moved
    the object meanwhile, nothing is written and `Conflict` (409) is raised — then one `TransitionLog` row.
    `changes` are other fields saved in the same UPDATE (e.g. `{"submitted_at": now}`); `instance` is updated
    in memory too."""
    source = getattr(instance, field)
    rule: Transition = workflow.check(source, action=action, target=target, roles=roles, reason=reason)
    values = {field: rule.target, **(changes or {})}
    with transaction.atomic():
        updated = type(instance)._default_manager.filter(pk=instance.pk, **{field: source}).update(**values)
        if not updated:
            raise Conflict(
                _(
                    "Le statut a changé entre-temps (une autre personne ou un autre onglet). Rechargez la page."
                )
            )
        for name, value in values.items():
            setattr(instance, name, value)
        return TransitionLog.objects.create(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            object_id=instance.pk,
            workflow=workflow.name,
            action=rule.action,
            from_status=source,
            to_status=rule.target,
            # the AUTH_USER_MODEL, which core cannot name (it imports no app):
            actor=actor if actor is not None and actor.is_authenticated else None,  # type: ignore[misc]
            reason=reason.strip(),
        )


def transition_log_start(
    *,
    instance: models.Model,
    workflow: Workflow,
    actor: AbstractBaseUser | AnonymousUser | None,
    reason: str = "",
    field: str = "status",
) -> TransitionLog:
    """Log that `instance` (just created) entered `workflow` in its current state: the first row of its
    history (action "create", no state before)."""
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=instance.pk,
        workflow=workflow.name,
        action=CREATE,
        from_status="",
        to_status=getattr(instance, field),
        # the AUTH_USER_MODEL, which core cannot name (it imports no app):
        actor=actor if actor is not None and actor.is_authenticated else None,  # type: ignore[misc]
        reason=reason.strip(),
    )
