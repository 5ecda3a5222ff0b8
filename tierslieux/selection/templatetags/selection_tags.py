"""Template tags used by the committee page of the calls app (through one include line)."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag
def wave_proposals(wave):
    """The proposed decisions of `wave` (one per file, from the scenario proposed last)."""
    return selectors.proposals_of_wave(wave)
