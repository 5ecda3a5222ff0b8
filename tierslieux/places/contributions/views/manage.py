"""Direct edit of a place by its managers (the history and revert pages are the atlas's: `places:history`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tierslieux.core.errors import EditConflict
from tierslieux.places.models import Place
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
            data = {}
            try:
                data = form.place_data()
                services.place_edit(
                    place=place,
                    data=data,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    based_on=form.cleaned_data["version"],
                )
            except EditConflict as conflict:
                form, extra = _conflict_form(request, form, conflict), _conflict_context(form, data, conflict)
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


def _conflict_context(form, data: dict, conflict: EditConflict) -> dict:
    """The values saved since and the person's, for each place field that differs (`data`: the place data
    the form gave, the keys of `conflict.current`), labelled as on the form: the point's longitude and
    latitude are the one "position" field; a field the form derives (the point's origin) has its model
    label."""
    theirs = dict(conflict.current)
    yours = {field: place_field_text(field, data.get(field)) for field in theirs}
    for texts in (theirs, yours):
        if "lat" in texts and "lon" in texts:
            texts["point"] = f"{texts.pop('lat')}, {texts.pop('lon')}"
    rows = []
    for field, saved in theirs.items():
        if saved != yours[field]:
            label = (
                form.fields[field].label
                if field in form.fields
                else capfirst(Place._meta.get_field(field).verbose_name)
            )
            rows.append({"label": label, "theirs": saved, "yours": yours[field]})
    return {"conflict_message": conflict.message, "conflict_rows": rows}
