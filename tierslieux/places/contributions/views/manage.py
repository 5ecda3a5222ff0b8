"""Direct edit of a place by its managers (the history and revert pages are the atlas's: `places:history`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tierslieux.core.errors import EditConflict
from tierslieux.places.selectors import place_can_edit
from tierslieux.places.services import place_field_text, place_version_token

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
    initial = PlaceDataForm.initial_for(place) | {"version": place_version_token(place)}
    form = EditForm(request.POST or None, initial=initial)
    status = 200
    extra = {}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.place_edit(
                    place=place,
                    data=form.place_data(),
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    based_on=form.cleaned_data["version"],
                )
            except EditConflict as conflict:
                form, extra = _conflict_form(request, form, conflict), _conflict_context(form, conflict)
                status = 409
            except ValidationError as error:
                add_service_error(form, error)
                status = 400
            else:
                messages.success(request, _("La fiche du lieu est enregistrée."))
                return redirect("places:history", slug=place.slug)
        else:
            status = 400
    return form_page(
        request,
        form=form,
        title=_("Modifier %(place)s") % {"place": place.name},
        submit=_("Enregistrer"),
        place=place,
        status=status,
        honeypot=False,
        extra=extra,
    )


def _conflict_form(request, form, conflict: EditConflict) -> EditForm:
    """The person's form again, as typed, now based on the saved version (saving again is a choice)."""
    data = request.POST.copy()
    data["version"] = conflict.version
    rebased = EditForm(data)
    rebased.is_valid()
    return rebased


def _conflict_context(form, conflict: EditConflict) -> dict:
    rows = []
    for field, theirs in conflict.current.items():
        yours = place_field_text(field, form.cleaned_data.get(field))
        if theirs != yours:
            rows.append({"label": form.fields[field].label, "theirs": theirs, "yours": yours})
    return {"conflict_message": conflict.message, "conflict_rows": rows}
