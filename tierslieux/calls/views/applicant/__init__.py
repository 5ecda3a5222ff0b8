"""The applicant side: start a dossier, fill its five steps (autosave with optimistic concurrency, and plain
form posts without JavaScript), attachments, submission, withdrawal, messages. One module per step
(`place`, `project`, `budget`, `attachments`, `submit`), `steps` dispatches to them, and `base` holds the one
way a step answers a save (`step_answer`: htmx fragment or full page)."""

from .attachments import attachment_delete, attachment_download, attachment_upload
from .base import STEPS, UPLOAD_LIMIT, login_required_autosave
from .conversation import application_messages
from .dossier import application, apply, my_applications
from .place import application_eligibility_preview
from .steps import application_step
from .submit import submit, withdraw

__all__ = [
    "STEPS",
    "UPLOAD_LIMIT",
    "application",
    "application_eligibility_preview",
    "application_messages",
    "application_step",
    "apply",
    "attachment_delete",
    "attachment_download",
    "attachment_upload",
    "login_required_autosave",
    "my_applications",
    "submit",
    "withdraw",
]
