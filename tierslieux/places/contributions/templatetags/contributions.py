from django import template

from tierslieux.places.selectors import place_can_edit, place_can_see_history, place_is_managed_by

register = template.Library()


@register.simple_tag(takes_context=True)
def place_actions(context) -> dict:
    """What the visitor may do on the place of the page (`place` in the context)."""
    place, user = context["place"], context["request"].user
    return {
        "can_edit": place_can_edit(place, user),
        "can_see_history": place_can_see_history(place, user),
        "is_manager": place_is_managed_by(place, user),
        # A place that already has managers does not invite visitors to claim it.
        "has_managers": place.managers.filter(is_active=True).exists(),
    }
