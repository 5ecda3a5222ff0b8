"""Backups (docs/operations.md): `manage.py backup` then `manage.py restore` into a fresh database and empty
media directories finds the same row counts in every table and the same files — on PostgreSQL (pg_dump /
pg_restore) and on SQLite (its online backup API), whichever this run uses."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from tests.core.processes import PYTHON, ROOT, database_url, production_env
from tests.factories.accounts import UserFactory
from tests.factories.places import PlaceFactory
from tierslieux.core.backups import table_counts
from tierslieux.core.storage import private_storage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def fresh_database():
    """An empty database of the same kind as this run's: (DATABASE_URL, count rows of a table)."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        import tempfile
        from pathlib import Path

        path = Path(tempfile.mkdtemp()) / "restored.sqlite3"

        def count(table):
            with sqlite3.connect(path) as db:
                return db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]

        yield f"sqlite:///{path}", count
        return
    import psycopg

    name = f"{settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    settings_dict["NAME"] = "postgres"
    admin_url = database_url(settings_dict)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    settings_dict["NAME"] = name
    url = database_url(settings_dict)

    def count(table):
        with psycopg.connect(url) as db:
            return db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]

    try:
        yield url, count
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_a_fresh_database_with_the_same_counts_and_files(
    settings, tmp_path, fresh_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    PlaceFactory.create_batch(7)
    UserFactory.create_batch(3, first_name="Zoé")
    attachment = private_storage.save("calls/2026/piece.pdf", ContentFile(b"%PDF-1.4\n% une piece jointe\n"))
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "public.txt").write_text("fichier public")

    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["tables"]["places_place"] == 7 and manifest["files"]["private_media"]
    original = table_counts()

    url, count = fresh_database
    restored_media, restored_private = tmp_path / "restored-media", tmp_path / "restored-private"
    env = production_env(
        DATABASE_URL=url, MEDIA_ROOT=str(restored_media), PRIVATE_MEDIA_ROOT=str(restored_private)
    )
    result = subprocess.run(
        [PYTHON, "manage.py", "restore", str(tmp_path / "backup")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "same counts" in result.stdout and "same checksums" in result.stdout

    # Checked here again, independently of the command: every table, every file.
    assert len(original) > 40
    for table, rows in original.items():
        assert count(table) == rows, table
    assert (restored_private / attachment).read_bytes() == b"%PDF-1.4\n% une piece jointe\n"
    assert (restored_media / "public.txt").read_text() == "fichier public"

    # A second restore into the now non-empty database is refused.
    again = subprocess.run(
        [PYTHON, "manage.py", "restore", str(tmp_path / "backup")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert again.returncode != 0 and "fresh database" in again.stderr
