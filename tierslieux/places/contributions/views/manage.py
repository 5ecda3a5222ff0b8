"""Direct edit of a place by its managers (the history and revert pages are the atlas's: `places:history`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tierslieux.places.selectors import place_can_edit

from .. import services
from ..forms import EditForm, PlaceDataForm, add_service_error
from .common import form_page, get_place


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug: str):
    """Managers of this place and programme staff only: edit the place directly (versioned)."""
    place = get_place(slug, request.user)
    if not place_can_edit(place, request.user):
        raise PermissionDenied(
            _("Seuls les gestionnaires de ce lieu et l’équipe du programme peuvent le modifier.")
        )
    form = EditForm(request.POST or None, initial=PlaceDataForm.initial_for(place))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.place_edit(
                    place=place, data=form.place_data(), user=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("La fiche du lieu est enregistrée."))
                return redirect("places:history", slug=place.slug)
        status = 400
    return form_page(
        request,
        form=form,
        title=_("Modifier %(place)s") % {"place": place.name},
        submit=_("Enregistrer"),
        place=place,
        status=status,
        honeypot=False,
    )
