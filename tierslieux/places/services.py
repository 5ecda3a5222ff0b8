"""Writes on places. Every change goes through `place_create` / `place_update`, which validate the data
and record a `PlaceVersion` (who, when, why, {field: [old, new]}, full snapshot)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.core.errors import EditConflict
from tierslieux.core.formats import fr_datetime
from tierslieux.geo.models import Commune

from . import images, index
from .completeness import completeness
from .models import (
    LocationOrigin,
    Place,
    PlacePhoto,
    PlaceStatus,
    PlaceType,
    PlaceVersion,
    Publication,
    Service,
    is_digital_inclusion,
)
from .text import normalise
from .validation import validate_coordinates, validate_rna, validate_siret
from .values import clean_place_values

__all__ = [
    "EDITABLE_FIELDS",
    "photo_add",
    "photo_delete",
    "photo_move",
    "photo_update",
    "place_add_manager",
    "place_create",
    "place_remove_manager",
    "place_revert",
    "place_snapshot",
    "place_update",
    "place_validate",
    "slug_unique",
    "validate_coordinates",
    "validate_rna",
    "validate_siret",
]

# The fields a version tracks (and `data` may carry; `values.PlaceValuesForm` validates them). `commune` is
# an INSEE code in snapshots.
EDITABLE_FIELDS = (
    "name",
    "types",
    "short_description",
    "description",
    "address",
    "postcode",
    "commune",
    "lon",
    "lat",
    "status",
    "legal_form",
    "siret",
    "rna",
    "opening_date",
    "labels",
    "services",
    "equipment",
    "opening_hours",
    "opening_exceptions",
    "accessibility",
    "website",
    "social_links",
    "surface_m2",
    "source",
    "location_approximate",
    "private_contact",
    "last_verified_at",
    "location_origin",
    "contact_route",
    "contact_phone",
    "contact_url",
    "contact_email",
)


# --- Snapshots and derived fields -----------------------------------------------------------------------
def _plain(field: str, value: Any) -> Any:
    if field == "commune":
        return value.pk if isinstance(value, Commune) else value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def place_snapshot(place: Place) -> dict:
    """The editable state of a place as JSON-ready values."""
    return {
        field: _plain(field, getattr(place, "commune_id" if field == "commune" else field))
        for field in EDITABLE_FIELDS
    }


def search_text_for(values: dict, commune: Commune) -> str:
    return normalise(" ".join([values["name"], commune.name, values.get("postcode") or ""]))


def slug_unique(name: str, *, exclude_pk: int | None = None, commune_name: str = "") -> str:
    """A slug no other place uses: "la-fabrique", then "la-fabrique-quimper", then "la-fabrique-2"…"""
    base = slugify(normalise(name))[:180] or "lieu"
    queryset = Place.objects.exclude(pk=exclude_pk) if exclude_pk else Place.objects.all()
    candidates = [base]
    if commune_name:
        candidates.append(f"{base}-{slugify(normalise(commune_name))}"[:210])
    for candidate in candidates:
        if not queryset.filter(slug=candidate).exists():
            return candidate
    taken = set(queryset.filter(slug__startswith=base).values_list("slug", flat=True))
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _apply(place: Place, values: dict) -> None:
    for field in EDITABLE_FIELDS:
        setattr(place, field, values[field])
    managed = place.pk is not None and place.managers.exists()
    place.completeness = completeness(values, has_managers=managed)
    place.digital_inclusion = is_digital_inclusion(values["types"])
    place.search_text = search_text_for(values, values["commune"])


def _invalidate_index() -> None:
    index.invalidate()
    transaction.on_commit(index.invalidate)


def _consistent_location(data: dict, current_origin: str = "") -> dict:
    """`location_approximate` and `location_origin` say the same thing: when only the first is given, the
    second follows ("commune" when approximate)."""
    if "location_approximate" in data and not data.get("location_origin"):
        data = dict(data)
        if data["location_approximate"]:
            data["location_origin"] = LocationOrigin.COMMUNE.value
        elif current_origin and current_origin != LocationOrigin.COMMUNE:
            data["location_origin"] = current_origin
        else:
            data["location_origin"] = LocationOrigin.SOURCE.value
    return data


def place_validate(*, data: dict, place: Place | None = None) -> dict:
    """The values `place_create` (or `place_update` of `place`) would store for `data`, validated and
    normalised, without writing anything. Raise ValidationError in French."""
    unknown = set(data) - set(EDITABLE_FIELDS) - {"slug"}
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    if place is None:
        return clean_place_values({field: _consistent_location(data).get(field) for field in EDITABLE_FIELDS})
    current = {field: getattr(place, field) for field in EDITABLE_FIELDS}
    return clean_place_values(current | _consistent_location(data, place.location_origin))


# --- Services -------------------------------------------------------------------------------------------
@transaction.atomic
def place_create(
    *,
    data: dict,
    user: User | AnonymousUser | None = None,
    source: str = "",
    reason: str = "",
    publication: str = Publication.PUBLISHED,
) -> Place:
    """Validate `data` (EDITABLE_FIELDS; commune optional: found from the coordinates) and create the place
    (`publication`: pending for a place that waits for moderation before it is public)."""
    unknown = set(data) - set(EDITABLE_FIELDS) - {"slug"}
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    data = _consistent_location(data)
    values = clean_place_values(
        {field: data.get(field) for field in EDITABLE_FIELDS} | ({"source": source} if source else {})
    )
    place = Place(publication=publication, created_by=_editor(user))
    _apply(place, values)
    requested = data.get("slug")
    if requested and not Place.objects.filter(slug=requested).exists():
        place.slug = slugify(requested)[:220]
    else:
        place.slug = slug_unique(values["name"], commune_name=values["commune"].name)
    place.save()
    snapshot = place_snapshot(place)
    PlaceVersion.objects.create(
        place=place,
        user=user if user is not None and user.is_authenticated else None,
        reason=reason or _("Création"),
        changes={
            field: [None, value] for field, value in snapshot.items() if value not in (None, "", [], {})
        },
        snapshot=snapshot,
    )
    _invalidate_index()
    return place


def place_version_token(place: Place) -> int:
    """The optimistic-versioning token of `place`: the id of its latest recorded version (0: none)."""
    return PlaceVersion.objects.filter(place=place).values_list("pk", flat=True).first() or 0


_CHOICE_LABELS = {
    "types": PlaceType,
    "services": Service,
    "status": PlaceStatus,
    "location_origin": LocationOrigin,
}


def place_field_text(field: str, value: Any) -> str:
    """A place field's value as a person reads it (choice labels, lists joined), for comparisons."""
    choices = _CHOICE_LABELS.get(field)
    labels = dict(choices.choices) if choices else {}
    if isinstance(value, list | tuple):
        return ", ".join(
            place_field_text(field, item) if isinstance(item, dict | list) else str(labels.get(item, item))
            for item in value
        )
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(
            f"{key} : {place_field_text(field, item)}" for key, item in sorted(value.items()) if item
        )
    return str(labels.get(value, value))


@transaction.atomic
def place_update(
    *,
    place: Place,
    data: dict,
    user: User | AnonymousUser | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Place:
    """Apply `data` (a subset of EDITABLE_FIELDS); record a version only when a value actually changed.

    With `expected_version` (the `place_version_token` the person's form was built from), refuse with an
    `EditConflict` when someone saved the place since: nothing is written, the caller shows both versions."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    place = Place.objects.select_for_update().get(pk=place.pk)
    if expected_version is not None:
        latest = place_version_token(place)
        if latest != expected_version:
            raise EditConflict(
                _("La fiche « %(place)s » a été modifiée depuis que vous l’avez ouverte.")
                % {"place": place.name},
                current={field: place_field_text(field, getattr(place, field)) for field in data},
                version=str(latest),
            )
    before = place_snapshot(place)
    current = {field: getattr(place, field) for field in EDITABLE_FIELDS}
    values = clean_place_values(current | _consistent_location(data, place.location_origin))
    after = {field: _plain(field, values[field]) for field in EDITABLE_FIELDS}
    changes = {
        field: [before[field], after[field]] for field in EDITABLE_FIELDS if before[field] != after[field]
    }
    if not changes:
        return place
    _apply(place, values)
    place.save()
    PlaceVersion.objects.create(
        place=place,
        user=user if user is not None and user.is_authenticated else None,
        reason=reason,
        changes=changes,
        snapshot=place_snapshot(place),
    )
    _invalidate_index()
    return place


def place_revert(*, version: PlaceVersion, user: User) -> Place:
    """Undo the change recorded by `version` (each field it changed gets its old value back), as a new
    version. Programme staff (and administrators) only."""
    if not (is_programme_staff(user) or getattr(user, "is_superuser", False)):
        raise PermissionDenied(_("Seule l’équipe du programme peut annuler une modification."))
    data = {field: old for field, (old, _new) in version.changes.items() if field in EDITABLE_FIELDS}
    if "name" in data and not data["name"]:
        raise ValidationError(_("La création d’un lieu ne peut pas être annulée ainsi."))
    before = version.place.versions.values_list("pk", flat=True).first()
    place = place_update(
        place=version.place,
        data=data,
        user=user,
        reason=_("Annulation de la modification du %(date)s") % {"date": fr_datetime(version.created_at)},
    )
    latest = place.versions.first()
    if latest is not None and latest.pk != before:
        latest.reverted_from = version
        latest.save(update_fields=["reverted_from"])
    return place


def place_verify(*, place: Place, user: User, today: dt.date | None = None) -> Place:
    """A manager of the place confirms the page is up to date ("Ces informations sont à jour"): sets
    `last_verified_at` (a version records who and when). Managers of this place only."""
    from .selectors import place_is_managed_by

    if not place_is_managed_by(place, user):
        raise PermissionDenied(_("Seul·es les gestionnaires du lieu peuvent confirmer sa fiche."))
    today = today or timezone.localdate()
    return place_update(
        place=place,
        data={"last_verified_at": today},
        user=user,
        reason=_("Informations confirmées à jour par un gestionnaire"),
    )


VERIFICATION_INTERVAL = dt.timedelta(days=365)


def places_remind_verification(*, now: dt.datetime | None = None) -> int:
    """Yearly: email each manager of a place not verified for a year (nor created within the year), at most
    once a year per place, asking them to confirm it; returns the number of emails sent. Idempotent: a second
    run the same year sends nothing (`verification_reminded_at`)."""
    from tierslieux.core.emails import email_send

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    due: dict[int, list[Place]] = {}
    emails: dict[int, str] = {}
    candidates = (
        Place.objects.published()
        .exclude(status=PlaceStatus.CLOSED)
        .filter(managers__is_active=True)
        .distinct()
        .prefetch_related("managers")
        .order_by("name", "pk")
    )
    reminded = []
    for place in candidates:
        reference = place.last_verified_at or timezone.localtime(place.created_at).date()
        if today - reference < VERIFICATION_INTERVAL:
            continue
        if place.verification_reminded_at and now - place.verification_reminded_at < VERIFICATION_INTERVAL:
            continue
        reminded.append(place)
        for manager in place.managers.all():
            if manager.is_active and manager.email:
                due.setdefault(manager.pk, []).append(place)
                emails[manager.pk] = manager.email
    with transaction.atomic():
        for place in reminded:
            # Only the places still due (another run may have reminded them meanwhile).
            Place.objects.filter(pk=place.pk, verification_reminded_at=place.verification_reminded_at).update(
                verification_reminded_at=now
            )
        for manager_id, places in due.items():
            email_send(
                name="places-verification-reminder",
                to=[emails[manager_id]],
                context={
                    "places": [
                        {
                            "name": p.name,
                            "url": p.get_absolute_url(),
                            "verified_at": p.last_verified_at,
                        }
                        for p in places
                    ]
                },
            )
    return len(due)


def place_add_manager(*, place: Place, user: User) -> None:
    """Make `user` a manager of `place` (and give them the place-manager role)."""
    from tierslieux.accounts.roles import Role
    from tierslieux.accounts.services import user_grant_role

    place.managers.add(user)
    user_grant_role(user=user, role=Role.PLACE_MANAGER)
    _refresh_completeness(place)


def place_remove_manager(*, place: Place, user: User) -> None:
    place.managers.remove(user)
    _refresh_completeness(place)


def _refresh_completeness(place: Place) -> None:
    """A manager is a contact route: the score changes when the place gets its first or loses its last."""
    value = completeness(place_snapshot(place), has_managers=place.managers.exists())
    if value != place.completeness:
        Place.objects.filter(pk=place.pk).update(completeness=value)
        place.completeness = value


# --- Photos ---------------------------------------------------------------------------------------------
def _require_editor(place: Place, user: User) -> None:
    from .selectors import place_can_edit

    if not place_can_edit(place, user):
        raise PermissionDenied(
            _("Seuls les gestionnaires de ce lieu et l’équipe du programme gèrent ses photos.")
        )


def _alt(alt: str) -> str:
    alt = " ".join(str(alt or "").split())
    if not alt:
        raise ValidationError(
            {"alt": _("Décrivez la photo en une phrase (texte alternatif) : ce qu’elle montre.")}
        )
    if len(alt) > 250:
        raise ValidationError({"alt": _("Le texte alternatif tient en 250 caractères au plus.")})
    return alt


@transaction.atomic
def photo_add(*, place: Place, user: User, content: bytes, alt: str) -> PlacePhoto:
    """A manager (or programme staff) adds a photo: checked by its content, resized, without metadata; at most
    PlacePhoto.MAX_PHOTOS per place."""
    _require_editor(place, user)
    place = Place.objects.select_for_update().get(pk=place.pk)
    if place.photos.count() >= PlacePhoto.MAX_PHOTOS:
        raise ValidationError(
            _("Un lieu a %(max)s photos au plus : supprimez-en une avant d’en ajouter.")
            % {"max": PlacePhoto.MAX_PHOTOS}
        )
    text = _alt(alt)
    try:
        image = images.process(content)
    except images.ImageRefused as error:
        raise ValidationError({"image": str(error)}) from None
    last = place.photos.order_by("-position").values_list("position", flat=True).first()
    photo = PlacePhoto(place=place, alt=text, position=(last or 0) + 1, uploaded_by=_editor(user))
    photo.image.save(f"{uuid.uuid4().hex}.{image.extension}", ContentFile(image.content), save=False)
    photo.width, photo.height = image.width, image.height
    photo.save()
    return photo


@transaction.atomic
def photo_update(*, photo: PlacePhoto, user: User, alt: str) -> PlacePhoto:
    _require_editor(photo.place, user)
    photo.alt = _alt(alt)
    photo.save(update_fields=["alt"])
    return photo


@transaction.atomic
def photo_move(*, photo: PlacePhoto, user: User, offset: int) -> None:
    """Move the photo one place earlier (-1) or later (+1) in the place's order."""
    _require_editor(photo.place, user)
    photos = list(photo.place.photos.select_for_update().order_by("position", "id"))
    i = next(k for k, p in enumerate(photos) if p.pk == photo.pk)
    j = max(0, min(len(photos) - 1, i + offset))
    photos.insert(j, photos.pop(i))
    for position, item in enumerate(photos, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def photo_delete(*, photo: PlacePhoto, user: User) -> None:
    _require_editor(photo.place, user)
    storage, name = photo.image.storage, photo.image.name
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))


def _editor(user: User | AnonymousUser | None) -> User | None:
    return user if user is not None and user.is_authenticated else None
