"""The pages of a place's managers: edit everything the place holds (versioned, with optimistic versioning: an
edit based on an older version is shown side by side with the saved one), manage its photos. The history and
revert pages are the atlas's (`places:history`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tierslieux.core.errors import EditConflict
from tierslieux.places import services as place_services
from tierslieux.places.models import PlacePhoto
from tierslieux.places.selectors import field_label, place_can_edit
from tierslieux.places.services import place_field_text, place_version_token

from .. import services
from ..forms import add_service_error
from ..manage_forms import (
    EquipmentFormSet,
    ExceptionForm,
    ExceptionFormSet,
    ManagerPlaceForm,
    PhotoAltForm,
    PhotoForm,
)
from ..selectors import pending_labels
from .common import get_place, place_crumbs

PHOTO_LIMIT = 8 * 1024 * 1024 + 256 * 1024


def _editable_place(request, slug: str):
    place = get_place(slug, request.user)
    if not place_can_edit(place, request.user):
        raise PermissionDenied(
            _("Seuls les gestionnaires de ce lieu et l’équipe du programme peuvent le modifier.")
        )
    return place


def _error_links(form, *formsets) -> list[dict]:
    """The error summary: one link per refused field, in the order of the page."""
    links = []
    for item in (form, *[f for formset in formsets for f in formset.forms]):
        for name, errors in item.errors.items():
            if name == "__all__" or name not in item.fields:
                links += [{"id": "", "message": message} for message in errors]
            else:
                label = item.fields[name].label
                links += [{"id": item[name].id_for_label, "message": f"{label} : {m}"} for m in errors]
    for formset in formsets:
        links += [{"id": "", "message": m} for m in formset.non_form_errors()]
    return links


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug: str):
    """Managers of this place and programme staff only: edit the whole place record directly (versioned); a
    manager's labels wait for staff confirmation. Refused input: 400, everything typed kept; an edit based on a
    version someone replaced meanwhile: 409, both versions side by side and nothing written."""
    place = _editable_place(request, slug)
    # The initial values also on POST: an unmoved point keeps its origin (PlaceDataForm.place_data).
    initial = ManagerPlaceForm.initial_for(place) | {"version": place_version_token(place)}
    if request.method == "POST":
        form = ManagerPlaceForm(request.POST, initial=initial)
        exceptions = ExceptionFormSet(request.POST, prefix="exceptions")
        equipment = EquipmentFormSet(request.POST, prefix="equipment")
    else:
        form = ManagerPlaceForm(initial=initial)
        exceptions = ExceptionFormSet(
            prefix="exceptions",
            initial=[ExceptionForm.initial_for(e) for e in place.opening_exceptions or []],
        )
        equipment = EquipmentFormSet(prefix="equipment", initial=place.equipment or [])
    status = 200
    extra = {}
    if request.method == "POST":
        status = 400
        if form.is_valid() and exceptions.is_valid() and equipment.is_valid():
            try:
                data = form.place_data(
                    exceptions=[v for v in (f.value() for f in exceptions.forms) if v],
                    equipment=[v for v in (f.value() for f in equipment.forms) if v],
                )
                outcome = services.place_edit(
                    place=place,
                    data=data,
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                    based_on=form.cleaned_data["version"],
                )
            except EditConflict as conflict:
                form, extra = (
                    _conflict_form(request, place, conflict),
                    _conflict_context(form, data, conflict),
                )
                status = 409
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("La fiche du lieu est enregistrée."))
                if outcome.labels_proposal is not None:
                    messages.info(
                        request,
                        _("Vos labels seront affichés une fois confirmés par l’équipe du programme."),
                    )
                return redirect("places:history", slug=place.slug)
    title = _("Modifier %(place)s") % {"place": place.name}
    return render(
        request,
        "contributions/manage/edit.html",
        {
            "form": form,
            "exceptions": exceptions,
            "equipment": equipment,
            "place": place,
            "pending_labels": pending_labels(place),
            "error_links": _error_links(form, exceptions, equipment) if status == 400 else [],
            "page_title": title,
            "breadcrumb": place_crumbs(place, title),
            **extra,
        },
        status=status,
    )


def _conflict_form(request, place, conflict: EditConflict) -> ManagerPlaceForm:
    """The person's form again, as typed, now based on the saved version (saving again is a choice)."""
    data = request.POST.copy()
    data["version"] = conflict.version
    rebased = ManagerPlaceForm(data, initial=ManagerPlaceForm.initial_for(place))
    rebased.is_valid()
    return rebased


def _conflict_context(form, data: dict, conflict: EditConflict) -> dict:
    """The values saved since and the person's, for each place field that differs (`data`: the place data
    the form gave, the keys of `conflict.current`), labelled as on the form: the point's latitude and
    longitude are the one "position" field; a field the form derives (the point's origin) has its model
    label."""
    theirs = dict(conflict.current)
    yours = {field: place_field_text(field, data.get(field)) for field in theirs}
    for texts in (theirs, yours):
        if "lat" in texts and "lon" in texts:
            texts["point"] = f"{texts.pop('lat')}, {texts.pop('lon')}"
    rows = []
    for field, saved in theirs.items():
        if saved != yours[field]:
            label = form.fields[field].label if field in form.fields else field_label(field)
            rows.append({"label": label, "theirs": saved, "yours": yours[field]})
    return {"conflict_message": conflict.message, "conflict_rows": rows}


def _photos_page(request, place, form=None, status: int = 200):
    title = _("Photos de %(place)s") % {"place": place.name}
    photos = list(place.photos.all())
    return render(
        request,
        "contributions/manage/photos.html",
        {
            "place": place,
            "photos": [
                (photo, PhotoAltForm(initial={"alt": photo.alt}, prefix=f"photo-{photo.pk}"))
                for photo in photos
            ],
            "form": form if form is not None else PhotoForm(),
            "can_add": len(photos) < PlacePhoto.MAX_PHOTOS,
            "max_photos": PlacePhoto.MAX_PHOTOS,
            "page_title": title,
            "breadcrumb": place_crumbs(place, title),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def photos(request, slug: str):
    """Managers of this place and programme staff only: its photos (at most 5), each with its text alternative;
    add one (POST, checked by content: a refused file is a 400 with the description kept; too large: 413)."""
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > PHOTO_LIMIT:
        place = _editable_place(request, slug)
        form = PhotoForm(initial={"alt": ""})
        form.add_error(None, _("La photo pèse plus de 8 Mo : réduisez-la avant de l’envoyer."))
        return _photos_page(request, place, form, status=413)
    place = _editable_place(request, slug)
    if request.method == "GET":
        return _photos_page(request, place)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            place_services.photo_add(
                place=place,
                user=request.user,
                content=form.cleaned_data["image"].read(),
                alt=form.cleaned_data["alt"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("La photo est ajoutée à la page du lieu."))
            return redirect("contributions:photos", slug=place.slug)
    return _photos_page(request, place, form, status=400)


@login_required
@require_POST
def photo_action(request, slug: str, pk: int):
    """Managers of this place and programme staff only: change a photo's text alternative, move it, delete it."""
    place = _editable_place(request, slug)
    photo = get_object_or_404(PlacePhoto, pk=pk, place=place)
    action = request.POST.get("action", "")
    try:
        if action == "alt":
            form = PhotoAltForm(request.POST, prefix=f"photo-{photo.pk}")
            if not form.is_valid():
                raise ValidationError(form.errors["alt"])
            place_services.photo_update(photo=photo, user=request.user, alt=form.cleaned_data["alt"])
            messages.success(request, _("Le texte alternatif est enregistré."))
        elif action in {"up", "down"}:
            place_services.photo_move(photo=photo, user=request.user, offset=-1 if action == "up" else 1)
            messages.success(request, _("L’ordre des photos est enregistré."))
        elif action == "delete":
            place_services.photo_delete(photo=photo, user=request.user)
            messages.success(request, _("La photo est supprimée."))
        else:
            messages.error(request, _("Action inconnue."))
            return _photos_page(request, place, status=400)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _photos_page(request, place, status=400)
    return redirect("contributions:photos", slug=place.slug)
