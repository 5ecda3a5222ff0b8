"""`manage.py restore DIR`: into a fresh database and empty media directories, then checked against the
backup's manifest (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tierslieux.core.backups import restore


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into a fresh database; fails unless counts and files match."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            report = restore(directory)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if report["problems"]:
            raise CommandError("restored, but: " + "; ".join(report["problems"]))
        self.stdout.write(
            f"restored from {directory}: {report['tables']} tables, same counts; {report['files']} files, same checksums"
        )
