"""Staff import of places from a CSV, XLSX or GeoJSON file: upload, map the columns, preview (every row
checked, rejected rows listed with the reason), then commit in one transaction."""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tierslieux.core.numbers import fr_number
from tierslieux.places.importing import (
    IMPORT_FIELDS,
    MAX_BYTES,
    ImportFileError,
    guess_mapping,
    read_file,
    run_import,
)

from ..forms import ImportUploadForm, MappingForm
from .moderation import staff_only

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
CRUMB = {"label": gettext_lazy("Importer des lieux"), "url": reverse_lazy("contributions:import")}


def _folder() -> Path:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _load(token: str):
    if not TOKEN_RE.match(token):
        raise Http404
    meta_path = _folder() / f"{token}.json"
    if not meta_path.exists():
        raise Http404
    meta = json.loads(meta_path.read_text())
    content = (_folder() / f"{token}.bin").read_bytes()
    return meta, read_file(meta["name"], content)


def _forget_stale(max_age: int = 24 * 3600) -> None:
    """Files uploaded but never imported are removed after a day."""
    limit = time.time() - max_age
    for path in _folder().glob("*.*"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _forget(token: str) -> None:
    for suffix in (".json", ".bin"):
        (_folder() / f"{token}{suffix}").unlink(missing_ok=True)


@staff_only
@require_http_methods(["GET", "POST"])
def upload(request):
    """Programme staff only: upload a file to import. Bad input: 400 (too large a file: 413), the form again
    with the source typed."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_BYTES:
                form.add_error(
                    "file",
                    _("Le fichier pèse %(size)s Mo : la limite est de %(limit)s Mo.")
                    % {"size": fr_number(upload.size / 1024 / 1024, 1), "limit": MAX_BYTES // 1024 // 1024},
                )
                status = 413
            else:
                content = upload.read()
                try:
                    read_file(upload.name, content)
                except ImportFileError as error:
                    form.add_error("file", str(error))
                else:
                    _forget_stale()
                    token = uuid.uuid4().hex
                    (_folder() / f"{token}.bin").write_bytes(content)
                    (_folder() / f"{token}.json").write_text(
                        json.dumps({"name": upload.name, "source": form.cleaned_data["source"]})
                    )
                    return redirect("contributions:import_preview", token=token)
    return render(
        request,
        "contributions/import/upload.html",
        {
            "form": form,
            "page_title": _("Importer des lieux"),
            "breadcrumb": [{"label": _("Importer des lieux")}],
        },
        status=status,
    )


@staff_only
@require_http_methods(["GET", "POST"])
def preview(request, token: str):
    """Programme staff only: map the columns, preview every row, then import (one transaction)."""
    meta, table = _load(token)
    choices = [("", _("— ignorer —"))] + [(field, _(label)) for field, label in IMPORT_FIELDS.items()]
    guessed = guess_mapping(table.columns)
    initial = {f"col_{n}": guessed.get(column, "") for n, column in enumerate(table.columns)}
    form = MappingForm(request.POST or None, columns=table.columns, choices=choices, initial=initial)
    mapping = guessed
    status = 200
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
    report = None
    if not form.errors:
        commit = request.method == "POST" and request.POST.get("action") == "commit"
        try:
            report = run_import(table, mapping, source=meta["source"], user=request.user, dry_run=not commit)
        except ImportFileError as error:
            form.add_error(None, str(error))
        else:
            if commit:
                _forget(token)
                messages.success(request, _("Import terminé : %(summary)s.") % {"summary": report.summary()})
                return render(
                    request,
                    "contributions/import/done.html",
                    {
                        "report": report,
                        "meta": meta,
                        "page_title": _("Import terminé"),
                        "breadcrumb": [CRUMB, {"label": _("Import terminé")}],
                    },
                )
    if form.errors:
        status = 400
    return render(
        request,
        "contributions/import/preview.html",
        {
            "form": form,
            "report": report,
            "meta": meta,
            "table": table,
            "token": token,
            "page_title": _("Aperçu de l’import"),
            "breadcrumb": [CRUMB, {"label": _("Aperçu")}],
        },
        status=status,
    )
