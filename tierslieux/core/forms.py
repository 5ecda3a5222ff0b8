"""One convention for required and optional fields, the DSFR's: a field is required unless its label says
"(Optionnel)"; forms say so in one sentence at their top ("Sauf mention « (Optionnel) », …").

django-dsfr marks every field whose `required` is False. Two kinds of fields are not required by validation yet
are not optional for the person either, and must not be marked:

- `required_to_submit(field)`: a field of a draft (an application, a review) that may be saved empty but must be
  filled before the draft is submitted — the submission lists what is missing.
- `optional_group(*fields)`: the fields of a group whose legend already says it is optional (the opening hours of
  a week: each time is optional, the group says it once).

A single checkbox is never marked either (it is a choice, not a value to fill). The rule is applied by the form
renderer (`FormRenderer`, settings.FORM_RENDERER), which swaps django-dsfr's marker tag for `mark_field`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import cached_property
from dsfr.forms import DsfrDjangoTemplates

TAG_LIBRARY = "tierslieux.core.templatetags.dsfr_marks"


def required_to_submit(field: forms.Field) -> forms.Field:
    field.tl_required_to_submit = True  # type: ignore[attr-defined]  # the platform's marker on the field
    return field


def optional_group(*fields: forms.Field) -> None:
    for field in fields:
        field.tl_group_optional = True  # type: ignore[attr-defined]  # the platform's marker on the field


def is_marked_optional(field: forms.Field) -> bool:
    """Whether the label of `field` carries "(Optionnel)"."""
    if (
        field.required
        or getattr(field, "tl_required_to_submit", False)
        or getattr(field, "tl_group_optional", False)
    ):
        return False
    if isinstance(field, forms.BooleanField) or isinstance(field.widget, forms.HiddenInput):
        return False
    return True


class FormRenderer(DsfrDjangoTemplates):  # type: ignore[misc]  # django-dsfr ships no types
    """django-dsfr's renderer, with the platform's marker of optional fields (see the module docstring)."""

    @cached_property
    def engine(self) -> Any:
        engine = super().engine
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": engine.engine.dirs,
                "NAME": "djangoforms",
                "OPTIONS": {"libraries": {"dsfr_tags": TAG_LIBRARY}},
            }
        )
