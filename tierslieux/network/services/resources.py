"""Writes on the resource library: a resource and its versions (a file checked by content, or a link),
download counts, withdrawal."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.accounts.roles import is_programme_staff
from tierslieux.core import filetypes
from tierslieux.core.errors import ServiceError
from tierslieux.core.services import transition_apply
from tierslieux.places.text import normalise

from .. import workflows
from ..models import Licence, Resource, ResourceKind, ResourceVersion
from ..selectors.resources import resource_roles
from .common import clean_tags, manages, require_signed_in, setting

__all__ = [
    "RESOURCE_KINDS",
    "resource_add_version",
    "resource_count_download",
    "resource_create",
    "resource_transition",
]

RESOURCE_KINDS = frozenset({"pdf", "odt", "docx", "ods", "xlsx", "odp", "pptx", "png", "jpeg"})


def _version_fields(*, upload: UploadedFile | None, link: str) -> dict:
    if upload and link:
        raise ServiceError(_("Donnez un fichier ou un lien, pas les deux."))
    if not upload and not link:
        raise ServiceError(_("Donnez un fichier ou un lien."))
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise ServiceError(_("Le lien doit être une adresse web complète (https://…).")) from None
        return {"link": link[:500]}
    limit = setting("NETWORK_RESOURCE_MAX_BYTES", 10 * 1024 * 1024)
    if upload.size > limit:
        raise ServiceError(
            _("Le fichier dépasse %(size)s Mo.") % {"size": f"{limit / 1024 / 1024:g}"}, status=413
        )
    kind = filetypes.sniff(upload.file, RESOURCE_KINDS)
    if kind is None:
        raise ServiceError(
            _(
                "Le fichier doit être un PDF, un document, un tableur ou une présentation (ODF ou Office), ou une image "
                "PNG ou JPEG : son contenu a été vérifié."
            )
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    content_type, suffix = filetypes.KINDS[kind]
    return {
        "upload": upload,
        "suffix": suffix,
        "original_name": (upload.name or "fichier")[-255:],
        "content_type": content_type,
        "size": upload.size,
        "sha256": digest.hexdigest(),
    }


def _write_version(
    *, resource: Resource, user: User, version: str, note: str, fields: dict
) -> ResourceVersion:
    upload, suffix = fields.pop("upload", None), fields.pop("suffix", "")
    number = (resource.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    row = ResourceVersion(
        resource=resource, number=number, version=version, note=note[:500], created_by=user, **fields
    )
    if upload:
        row.file.save(f"ressource{suffix}", upload, save=False)
    row.save()
    return row


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "ressource"
    slug, n = base, 2
    while Resource.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def resource_create(
    *, user: User, data: dict, upload: UploadedFile | None = None, link: str = ""
) -> Resource:
    """Managers of a place and programme staff share a resource (its first version: a file or a link)."""
    require_signed_in(user)
    if not (is_programme_staff(user) or user.managed_places.exists()):
        raise ServiceError(
            _("Les ressources sont partagées par les gestionnaires de lieux et l’équipe du programme."),
            status=403,
        )
    title = (data.get("title") or "").strip()
    if not title:
        raise ServiceError(_("Le titre est obligatoire."))
    if data.get("kind") not in ResourceKind.values:
        raise ServiceError(_("Choisissez le type de ressource."))
    if data.get("licence") not in Licence.values:
        raise ServiceError(_("Choisissez une licence Creative Commons ou la Licence Ouverte."))
    place = data.get("author_place")
    if place is not None and not (manages(user, place) or is_programme_staff(user)):
        raise ServiceError(_("Vous ne pouvez publier qu’au nom des lieux que vous gérez."), status=403)
    version = (data.get("version") or "1.0").strip()[:30]
    fields = _version_fields(upload=upload, link=(link or "").strip())
    tags = clean_tags(data.get("tags"))
    resource = Resource.objects.create(
        title=title[:200],
        slug=_unique_slug(title),
        kind=data["kind"],
        description=(data.get("description") or "")[:5000],
        licence=data["licence"],
        author_place=place,
        tags=tags,
        created_by=user,
        search_text=normalise(" ".join([title, data.get("description") or "", *tags])),
    )
    _write_version(resource=resource, user=user, version=version, note=data.get("note") or "", fields=fields)
    return resource


@transaction.atomic
def resource_add_version(
    *,
    user: User,
    resource: Resource,
    version: str,
    note: str = "",
    upload: UploadedFile | None = None,
    link: str = "",
) -> ResourceVersion:
    """Its author (or a manager of its place, or staff) adds a new version; earlier versions are kept."""
    if workflows.AUTHOR not in resource_roles(user, resource) and workflows.STAFF not in resource_roles(
        user, resource
    ):
        raise ServiceError(
            _("Seul l’auteur de la ressource peut en publier une nouvelle version."), status=403
        )
    version = (version or "").strip()[:30]
    if not version:
        raise ServiceError(_("Indiquez le numéro de la nouvelle version."))
    if resource.versions.filter(version=version).exists():
        raise ServiceError(_("La version « %(version)s » existe déjà.") % {"version": version}, status=409)
    fields = _version_fields(upload=upload, link=(link or "").strip())
    row = _write_version(resource=resource, user=user, version=version, note=note, fields=fields)
    Resource.objects.filter(pk=resource.pk).update(updated_at=row.created_at)
    return row


def resource_count_download(*, version: ResourceVersion) -> None:
    """One more download of `version` (and of its resource), counted in the database, not in memory."""
    ResourceVersion.objects.filter(pk=version.pk).update(downloads=F("downloads") + 1)
    Resource.objects.filter(pk=version.resource_id).update(download_count=F("download_count") + 1)


@transaction.atomic
def resource_transition(*, user: User, resource: Resource, action: str, reason: str = "") -> Resource:
    transition_apply(
        instance=resource,
        workflow=workflows.RESOURCE,
        action=action,
        roles=resource_roles(user, resource),
        actor=user,
        reason=reason,
    )
    return resource
