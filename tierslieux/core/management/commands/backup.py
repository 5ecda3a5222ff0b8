"""`manage.py backup DIR`: the database and the local uploaded files, with a manifest (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tierslieux.core.backups import backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite backup API) and media into DIR, with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        manifest = backup(directory)
        files = sum(len(found) for found in manifest["files"].values())
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"backup in {directory}: {len(manifest['tables'])} tables, {rows} rows, {files} files"
        )
