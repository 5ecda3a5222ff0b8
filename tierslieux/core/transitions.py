"""Django's side of `core.workflow`: model choices from a workflow and the log of an object.

Imports no app, so any app's models can use it. Changing a state is `core.services.transition_apply`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from .models import TransitionLog

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from .workflow import Workflow


def lazy_choices(workflow: Workflow) -> list[tuple[str, Promise]]:
    """A workflow's states as Django `choices`, labels translated when shown: `choices=lazy_choices(FLOW)`."""
    return [(state.code, gettext_lazy(state.label_text)) for state in workflow.states]


# Any, not type[TextChoices]: the members are made at run time from the workflow table, so mypy could not see
# `Status.IN_REVIEW` on a declared type.
def text_choices(name: str, workflow: Workflow, *, module: str) -> Any:
    """A `TextChoices` enumeration of a workflow's states (members named after the codes, upper-case), for
    code that writes `Status.IN_REVIEW` or `Status(code).label`: `Status = text_choices("Status", FLOW,
    module=__name__)`. Its choices are `lazy_choices(workflow)`."""
    members = [
        (state.code.upper(), (state.code, gettext_lazy(state.label_text))) for state in workflow.states
    ]
    # The functional API with (name, value-label) members and `module`: the stubs list neither.
    return models.TextChoices(name, members, module=module)  # type: ignore[call-overload]


STATUS_LABEL = gettext_lazy("statut")


def status_field(
    workflow: Workflow, *, verbose_name: StrOrPromise = STATUS_LABEL
) -> models.CharField[Any, Any]:
    """The status field of a model that follows `workflow` (choices and default from the table, indexed)."""
    return models.CharField(
        verbose_name,
        max_length=30,
        choices=lazy_choices(workflow),
        default=workflow.initial,
        db_index=True,
    )


def transition_history(instance: models.Model) -> QuerySet[TransitionLog]:
    """The workflow log of `instance`, oldest first, actors joined."""
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=instance.pk,
    ).select_related("actor")


def labelled_history(instance: models.Model, workflow: Workflow) -> list[TransitionLog]:
    """`transition_history` of `instance` in `workflow`, each row with the labels of the active language:
    `from_label` ("—" for the row that starts the history), `to_label` and `action_label`."""
    rows = list(transition_history(instance).filter(workflow=workflow.name))
    for row in rows:
        row.from_label = workflow.label(row.from_status) if row.from_status else "—"
        row.to_label = workflow.label(row.to_status)
        try:
            row.action_label = workflow.transition(row.action).label
        except KeyError:  # the start of the history ("create")
            row.action_label = ""
    return rows
