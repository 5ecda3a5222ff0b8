"""The observatory's place in the layers (docs/architecture.md): nothing imports it but the API (and `www`), and
it reads the apps below through their selectors, importing from their models only the choices it labels."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "tierslieux"
OBSERVATORY = PACKAGE / "observatory"
ALLOWED_CHOICES = {"PlaceType", "LegalForm", "Outcome"}  # labels of codes, not reads of rows


def imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
    return found


def test_only_the_api_and_www_import_the_observatory():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.is_relative_to(OBSERVATORY) or path.parts[len(PACKAGE.parts)] in ("api", "www"):
            continue
        offenders += [
            f"{path.relative_to(PACKAGE)}: {module}"
            for module, _names in imports(path)
            if module.startswith("tierslieux.observatory")
        ]
    assert offenders == []


def test_the_observatory_reads_no_model_of_the_apps_below():
    offenders = []
    for path in OBSERVATORY.rglob("*.py"):
        for module, names in imports(path):
            if module.startswith("tierslieux.") and ".models" in module and set(names) - ALLOWED_CHOICES:
                offenders.append(f"{path.relative_to(PACKAGE)}: from {module} import {', '.join(names)}")
    assert offenders == []
