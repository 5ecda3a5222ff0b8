"""Helpers the follow-up's services share: checked uploads, who to email, roles or refusal."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.calls import filetypes
from tierslieux.core.errors import ServiceError

from .. import selectors, workflows
from ..models import Agreement, Amendment

PDF_ONLY = frozenset({"pdf"})
DOCUMENTS = frozenset(filetypes.KINDS)


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    name: str
    content_type: str
    suffix: str
    size: int
    sha256: str


def check_upload(upload: UploadedFile | None, *, kinds: Iterable[str] = DOCUMENTS) -> CheckedUpload:
    """`upload` checked by content (magic bytes, `calls.filetypes`), ≤ 10 MB, of one of `kinds`."""
    if upload is None:
        raise ServiceError(_("Joignez le fichier."))
    kinds = frozenset(kinds)
    name = (upload.name or "fichier")[-255:]
    if upload.size > filetypes.MAX_SIZE:
        raise ServiceError(_("« %(name)s » dépasse 10 Mo.") % {"name": name}, status=413)
    kind = filetypes.sniff(upload.file)
    if kind is None or kind not in kinds:
        if kinds == PDF_ONLY:
            message = _("« %(name)s » n’est pas un PDF : son contenu a été vérifié.")
        else:
            message = _(
                "« %(name)s » n’est pas un fichier accepté (PDF, ODT, DOCX, PNG ou JPEG) : son contenu a été vérifié."
            )
        raise ServiceError(message % {"name": name})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    content_type, suffix = filetypes.KINDS[kind]
    return CheckedUpload(upload, name, content_type, suffix, upload.size, digest.hexdigest())


def store_signed_file(instance: Agreement | Amendment, checked: CheckedUpload) -> None:
    """Put a checked PDF on `instance` (an Agreement or an Amendment), not yet saved."""
    instance.signed_file.save(f"document{checked.suffix}", checked.upload, save=False)
    instance.signed_file_name = checked.name
    instance.signed_file_size = checked.size
    instance.signed_file_sha256 = checked.sha256


def staff_emails(agreement: Agreement) -> list[str]:
    return sorted(agreement.call.staff.filter(is_active=True).values_list("email", flat=True))


def beneficiary_emails(agreement: Agreement) -> list[str]:
    emails = set()
    applicant = agreement.decision.application.applicant
    if applicant.is_active:
        emails.add(applicant.email)
    if agreement.place_id:
        emails |= set(agreement.place.managers.filter(is_active=True).values_list("email", flat=True))
    return sorted(email for email in emails if email)


def roles_for(user: User, agreement: Agreement, *, need: str) -> set[str]:
    """The roles of `user` on `agreement` (readers removed), or a refusal when they lack role `need`:
    404 when they may not even see it, 403 otherwise."""
    roles = selectors.agreement_roles(user, agreement) - {workflows.READER}
    if need not in roles:
        if not roles and workflows.READER not in selectors.agreement_roles(user, agreement):
            raise ServiceError(_("Cette convention n’existe pas."), status=404)
        if need == workflows.STAFF:
            raise ServiceError(_("Seule l’équipe de l’appel peut faire cette action."), status=403)
        raise ServiceError(_("Seul le bénéficiaire de la convention peut faire cette action."), status=403)
    return roles
