"""Django's side of `core.workflow`: model choices from a workflow and the log of an object.

Imports no app, so any app's models can use it. Changing a state is `core.services.transition_apply`."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from .models import TransitionLog
from .workflow import Workflow


def lazy_choices(workflow: Workflow) -> list[tuple[str, Promise]]:
    """A workflow's states as Django `choices`, labels translated when shown: `choices=lazy_choices(FLOW)`."""
    return [(state.code, gettext_lazy(state.label_text)) for state in workflow.states]


STATUS_LABEL = gettext_lazy("statut")


def status_field(workflow: Workflow, *, verbose_name: str | Promise = STATUS_LABEL) -> models.CharField:
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
