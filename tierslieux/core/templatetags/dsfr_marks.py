"""django-dsfr's `dsfr_tags` library with the platform's marker of optional fields (`tierslieux.core.forms`).
Loaded in place of `dsfr_tags` by the form renderer only; everything else is django-dsfr's own."""

from django import template
from django.forms import BoundField
from django.utils.translation import gettext as _
from dsfr.templatetags import dsfr_tags

from ..forms import is_marked_optional

register = template.Library()
register.tags.update(dsfr_tags.register.tags)
register.filters.update(dsfr_tags.register.filters)


@register.simple_tag
def dsfr_mark_optionnal_fields(bf: BoundField) -> str:
    """ " (Optionnel)" after the label of an optional field, nothing otherwise."""
    return f" {_('(Optionnel)')}" if is_marked_optional(bf.field) else ""
