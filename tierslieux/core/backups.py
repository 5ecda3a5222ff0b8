"""Backups and restores of the database and the uploaded files (docs/operations.md), used by
`manage.py backup DIR` and `manage.py restore DIR`.

A backup directory holds:
- `database.dump` (PostgreSQL: `pg_dump --format=custom`, restored by `pg_restore`) or `database.sqlite3`
  (SQLite: a consistent copy made with SQLite's online backup API, safe while the site runs);
- `media.tar.gz` and `private_media.tar.gz` (local file storage; with object storage, back up the bucket
  with its own tools, see docs/operations.md);
- `manifest.json`: row counts of every table and the SHA-256 of every file, which `restore` checks after
  restoring (a restore that does not find the same counts and files fails).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

MEDIA_DIRS = {"media": "MEDIA_ROOT", "private_media": "PRIVATE_MEDIA_ROOT"}


def table_counts() -> dict[str, int]:
    """Rows in every table of the database (Django's and the platform's)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 (introspected, quoted)
            counts[table] = cursor.fetchone()[0]
    return counts


def file_checksums() -> dict[str, dict[str, str]]:
    """{media dir: {relative path: sha256}} of the local upload directories."""
    result: dict[str, dict[str, str]] = {}
    for name, setting in MEDIA_DIRS.items():
        root = Path(getattr(settings, setting))
        files = {}
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                files[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
        result[name] = files
    return result


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    args += ["--username", db.get("USER") or "postgres"]
    return args, env


def _pg_tool(name: str) -> str:
    """`pg_dump`/`pg_restore` of the server's major version when several are installed (Debian layout)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    candidate = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    return str(candidate) if candidate.exists() else name


def backup(directory: Path) -> dict[str, Any]:
    """Write a backup of the database and local media into `directory` (created); returns the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor == "postgresql":
        args, env = _pg_env()
        subprocess.run(  # noqa: S603 (an argument list, no shell; values from the settings)
            [_pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges",
             "--file", str(directory / "database.dump"), connection.settings_dict["NAME"]],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
    elif vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(directory / "database.sqlite3")
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise ValueError(f"unsupported database: {vendor}")
    for name, setting in MEDIA_DIRS.items():
        root = Path(getattr(settings, setting))
        with tarfile.open(directory / f"{name}.tar.gz", "w:gz") as archive:
            if root.is_dir():
                archive.add(root, arcname=".")
    manifest = {
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "tables": table_counts(),
        "files": file_checksums(),
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def restore(directory: Path) -> dict[str, Any]:
    """Restore the backup in `directory` into the configured database (which must be empty: a fresh
    database) and media directories; then check counts and checksums against the manifest. Returns
    {"tables": n, "files": n, "problems": [...]}."""
    manifest = json.loads((directory / "manifest.json").read_text())
    vendor = connection.vendor
    if vendor != manifest["vendor"]:
        raise ValueError(f"backup of {manifest['vendor']}, database is {vendor}")
    if connection.introspection.table_names():
        raise ValueError("the database is not empty: restore into a fresh database")
    if vendor == "postgresql":
        args, env = _pg_env()
        subprocess.run(  # noqa: S603 (an argument list, no shell; values from the settings)
            [_pg_tool("pg_restore"), *args, "--no-owner", "--no-privileges", "--exit-on-error",
             "--dbname", connection.settings_dict["NAME"], str(directory / "database.dump")],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
    else:
        connection.ensure_connection()
        source = sqlite3.connect(directory / "database.sqlite3")
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    for name, setting in MEDIA_DIRS.items():
        root = Path(getattr(settings, setting))
        if root.exists() and any(root.iterdir()):
            raise ValueError(f"{root} is not empty: restore into fresh directories")
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(directory / f"{name}.tar.gz", "r:gz") as archive:
            archive.extractall(root, filter="data")
    problems = []
    counts = table_counts()
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"{table}: {counts.get(table)} rows, {expected} expected")
    if file_checksums() != manifest["files"]:
        problems.append("files differ from the backup")
    return {
        "tables": len(counts),
        "files": sum(len(files) for files in manifest["files"].values()),
        "problems": problems,
    }
