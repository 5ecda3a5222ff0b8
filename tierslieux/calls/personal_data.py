"""The calls' part of a person's data (accounts/personal_data.py): the applications they work on as
applicant, with their messages.

Erasure: drafts (never submitted) are deleted with their files; submitted applications are kept, as the law
on public grants requires, with the personal fields pseudonymised — the applicant stays the (anonymised)
account, shown as a pseudonym, and the original names of the attached files, which often carry a person's
name, are replaced by neutral ones. Messages stay (the exchange is part of the file)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_noop

from tierslieux.accounts import personal_data

from .models import Application, Attachment, Message, Status
from .services import application_snapshot


def applications_export(user) -> list[dict]:
    result = []
    for application in Application.objects.filter(applicant=user).select_related("call", "wave", "place"):
        result.append(
            {
                "reference": application.reference,
                "status": application.status,
                "created_at": application.created_at.isoformat(),
                "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
                "content": application_snapshot(application),
                "versions": list(application.versions.values_list("number", flat=True)),
                "messages": [
                    {
                        "at": message.created_at.isoformat(),
                        "from_staff": message.from_staff,
                        "body": message.body,
                    }
                    for message in Message.objects.filter(application=application, author=user)
                ],
            }
        )
    return result


@transaction.atomic
def applications_erase(user) -> None:
    drafts = Application.objects.filter(applicant=user, status=Status.DRAFT, first_submitted_at__isnull=True)
    for attachment in Attachment.objects.filter(application__in=drafts):
        attachment.file.delete(save=False)
    drafts.delete()
    for attachment in Attachment.objects.filter(application__applicant=user).only("pk", "original_name"):
        suffix = Path(attachment.original_name).suffix.lower()[:8]
        Attachment.objects.filter(pk=attachment.pk).update(original_name=f"piece-{attachment.pk}{suffix}")


def register() -> None:
    personal_data.register(
        "calls",
        label=gettext_noop("Dossiers de candidature"),
        export=applications_export,
        erase=applications_erase,
    )
