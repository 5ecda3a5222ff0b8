"""Writes on places. Every change goes through `place_create` / `place_update`, which validate the data
and record a `PlaceVersion` (who, when, why, {field: [old, new]}, full snapshot)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator, validate_email
from django.db import models, transaction
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
from .locating import commune_for
from .models import (
    Accessibility,
    ContactRoute,
    EquipmentCategory,
    Label,
    LegalForm,
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

# The fields a version tracks (and `data` may carry). `commune` is an INSEE code in snapshots.
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
DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
_TIME_RE = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")


# --- Validation -----------------------------------------------------------------------------------------
def _codes(value: Any, choices: type[models.Choices], field: str, label: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    allowed = set(choices.values)
    result = []
    for code in value:
        if code not in allowed:
            raise ValidationError(
                {field: _("« %(code)s » n’est pas un %(label)s connu.") % {"code": code, "label": label}}
            )
        if code not in result:
            result.append(code)
    return result


def _url(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if not re.match(r"^https?://", value, re.I):
        value = "https://" + value
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ValidationError(
            {field: _("« %(value)s » n’est pas une adresse web valide.") % {"value": value}}
        ) from None
    return value


def _hours(intervals: Any, field: str) -> list[list[str]]:
    cleaned = []
    for interval in intervals or []:
        if not (
            isinstance(interval, list | tuple)
            and len(interval) == 2
            and all(isinstance(t, str) and _TIME_RE.match(t) for t in interval)
            and interval[0] < interval[1]
        ):
            raise ValidationError(
                {
                    field: _('Horaires invalides : %(value)s (attendu : ["09:00", "12:00"]).')
                    % {"value": interval}
                }
            )
        cleaned.append([interval[0], interval[1]])
    return sorted(cleaned)


def _opening_hours(value: Any) -> dict[str, list[list[str]]]:
    if not value:
        return {}
    if not isinstance(value, dict) or set(value) - set(DAYS):
        raise ValidationError({"opening_hours": _("Les horaires sont un dictionnaire par jour (mo … su).")})
    return {day: _hours(value[day], "opening_hours") for day in DAYS if value.get(day)}


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            {field: _("Date invalide : %(value)s (attendu : AAAA-MM-JJ).") % {"value": value}}
        ) from None


def _exceptions(value: Any) -> list[dict[str, Any]]:
    cleaned = []
    for item in value or []:
        if not isinstance(item, dict):
            raise ValidationError({"opening_exceptions": _("Chaque exception est un dictionnaire.")})
        start = _date(item.get("start"), "opening_exceptions")
        end = _date(item.get("end") or item.get("start"), "opening_exceptions")
        if start is None or end < start:
            raise ValidationError(
                {
                    "opening_exceptions": _(
                        "Une exception a besoin d’une date de début antérieure à sa date de fin."
                    )
                }
            )
        cleaned.append(
            {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "hours": _hours(item.get("hours"), "opening_exceptions"),
                "label": str(item.get("label", ""))[:200],
            }
        )
    return sorted(cleaned, key=lambda e: e["start"])


def _phone(value: Any) -> str:
    """A French number written "01 23 45 67 89", or an international one "+590 590 12 34 56" kept as typed
    (digits and spaces); "" when empty. Raise ValidationError otherwise."""
    raw = str(value or "").strip()
    if not raw:
        return ""
    digits = re.sub(r"[\s.\-()]", "", raw)
    if re.fullmatch(r"0\d{9}", digits):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    if re.fullmatch(r"\+\d{8,15}", digits):
        return " ".join(raw.replace(".", " ").replace("-", " ").split())
    raise ValidationError(
        {
            "contact_phone": _("« %(value)s » n’est pas un numéro de téléphone (10 chiffres, ou +indicatif).")
            % {"value": raw}
        }
    )


def _equipment(value: Any) -> list[dict[str, Any]]:
    cleaned = []
    allowed = set(EquipmentCategory.values)
    for item in value or []:
        if isinstance(item, str):
            item = {"category": EquipmentCategory.OTHER, "name": item}
        name = str(item.get("name", "")).strip()[:200]
        category = item.get("category") or EquipmentCategory.OTHER
        if category not in allowed:
            raise ValidationError(
                {"equipment": _("Catégorie d’équipement inconnue : %(value)s") % {"value": category}}
            )
        if name:
            cleaned.append({"category": str(category), "name": name})
    return cleaned


def _clean(values: dict) -> dict:
    """Validate and normalise the editable values (complete dict); raise ValidationError in French."""
    v = dict(values)
    v["name"] = " ".join(str(v.get("name") or "").split())[:200]
    if not v["name"]:
        raise ValidationError({"name": _("Le nom du lieu est obligatoire.")})
    for field in ("short_description", "description", "address"):
        v[field] = str(v.get(field) or "").strip()
    v["short_description"] = v["short_description"][:300]
    v["address"] = v["address"][:300]
    postcode = re.sub(r"\s", "", str(v.get("postcode") or ""))
    if postcode in {"0", "00000"}:
        postcode = ""
    if postcode and not re.fullmatch(r"\d{5}|\d[AB]\d{3}", postcode):
        if re.fullmatch(r"\d{4}", postcode):
            postcode = "0" + postcode
        else:
            raise ValidationError({"postcode": _("Le code postal doit comporter 5 chiffres.")})
    v["postcode"] = postcode
    try:
        v["lon"], v["lat"] = validate_coordinates(v.get("lon"), v.get("lat"))
    except ValidationError as error:
        raise ValidationError({"lat": error.messages}) from None
    v["types"] = _codes(v.get("types"), PlaceType, "types", _("type de lieu")) or [PlaceType.OTHER.value]
    v["labels"] = _codes(v.get("labels"), Label, "labels", _("label"))
    v["services"] = _codes(v.get("services"), Service, "services", _("service"))
    v["accessibility"] = _codes(
        v.get("accessibility"), Accessibility, "accessibility", _("critère d’accessibilité")
    )
    status = v.get("status") or PlaceStatus.OPEN
    if status not in PlaceStatus.values:
        raise ValidationError({"status": _("Statut inconnu : %(value)s") % {"value": status}})
    v["status"] = str(status)
    legal_form = v.get("legal_form") or ""
    if legal_form not in LegalForm.values:
        raise ValidationError(
            {"legal_form": _("Forme juridique inconnue : %(value)s") % {"value": legal_form}}
        )
    v["legal_form"] = str(legal_form)
    try:
        v["siret"] = validate_siret(str(v.get("siret") or ""))
    except ValidationError as error:
        raise ValidationError({"siret": error.messages}) from None
    try:
        v["rna"] = validate_rna(str(v.get("rna") or ""))
    except ValidationError as error:
        raise ValidationError({"rna": error.messages}) from None
    v["opening_date"] = _date(v.get("opening_date"), "opening_date")
    v["last_verified_at"] = _date(v.get("last_verified_at"), "last_verified_at")
    v["opening_hours"] = _opening_hours(v.get("opening_hours"))
    v["opening_exceptions"] = _exceptions(v.get("opening_exceptions"))
    v["equipment"] = _equipment(v.get("equipment"))
    v["website"] = _url(v.get("website"), "website")
    v["social_links"] = [_url(link, "social_links") for link in (v.get("social_links") or []) if link]
    surface = v.get("surface_m2")
    if surface in (None, ""):
        v["surface_m2"] = None
    else:
        try:
            v["surface_m2"] = int(surface)
        except (TypeError, ValueError):
            raise ValidationError({"surface_m2": _("La surface est un nombre entier de m².")}) from None
        if not 0 < v["surface_m2"] < 1_000_000:
            raise ValidationError({"surface_m2": _("La surface doit être comprise entre 1 et 999 999 m².")})
    v["contact_route"] = str(v.get("contact_route") or ContactRoute.FORM)
    if v["contact_route"] not in ContactRoute.values:
        raise ValidationError(
            {"contact_route": _("Moyen de contact inconnu : %(value)s") % {"value": v["contact_route"]}}
        )
    v["contact_phone"] = _phone(v.get("contact_phone"))
    v["contact_url"] = _url(v.get("contact_url"), "contact_url")
    v["contact_email"] = str(v.get("contact_email") or "").strip()
    if v["contact_email"]:
        try:
            validate_email(v["contact_email"])
        except ValidationError:
            raise ValidationError(
                {
                    "contact_email": _("« %(value)s » n’est pas une adresse électronique valide.")
                    % {"value": v["contact_email"]}
                }
            ) from None
    if v["contact_route"] == ContactRoute.PHONE and not v["contact_phone"]:
        raise ValidationError({"contact_phone": _("Indiquez le numéro de téléphone à afficher.")})
    if v["contact_route"] == ContactRoute.WEBSITE and not (v["contact_url"] or v["website"]):
        raise ValidationError({"contact_url": _("Indiquez l’adresse de la page de contact du lieu.")})
    v["source"] = str(v.get("source") or "")[:40]
    origin = v.get("location_origin") or (
        LocationOrigin.COMMUNE if v.get("location_approximate") else LocationOrigin.SOURCE
    )
    if origin not in LocationOrigin.values:
        raise ValidationError(
            {"location_origin": _("Origine du point inconnue : %(value)s") % {"value": origin}}
        )
    v["location_origin"] = str(origin)
    v["location_approximate"] = origin == LocationOrigin.COMMUNE
    v["private_contact"] = v.get("private_contact") or {}
    commune = v.get("commune")
    if commune is not None and not isinstance(commune, Commune):
        commune = Commune.objects.filter(pk=str(commune)).first()
        if commune is None:
            raise ValidationError(
                {"commune": _("Commune inconnue : %(value)s") % {"value": values.get("commune")}}
            )
    if commune is None:
        commune = commune_for(lon=v["lon"], lat=v["lat"], postcode=v["postcode"])
        if commune is None:
            raise ValidationError({"commune": _("Impossible de trouver la commune de ce lieu.")})
    v["commune"] = commune
    return v


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
        return _clean({field: _consistent_location(data).get(field) for field in EDITABLE_FIELDS})
    current = {field: getattr(place, field) for field in EDITABLE_FIELDS}
    return _clean(current | _consistent_location(data, place.location_origin))


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
    values = _clean(
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
    values = _clean(current | _consistent_location(data, place.location_origin))
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
