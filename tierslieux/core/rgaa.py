"""The RGAA 4.1 self-audit of the platform, read from `docs/accessibility.md` (plain Python, no Django import).

The document is the one source: its sample of pages, its grid (one row per criterion, one column per page, C / NC
/ NA), its non-conformities and derogations. The accessibility statement (`/accessibilite/`) and the footer's
status are built from what `load()` reads here, never written twice.

RGAA method: a criterion is conformant when it is C on every page where it applies, non-conformant when it is NC on
one of them, not applicable when it is NA everywhere; the conformance rate is conformant / applicable criteria.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tierslieux.core.i18n import gettext as _
from tierslieux.core.i18n import gettext_noop

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "accessibility.md"
STATUSES = ("C", "NC", "NA")
CRITERIA_COUNT = 106
THEMES = {
    1: gettext_noop("Images"),
    2: gettext_noop("Cadres"),
    3: gettext_noop("Couleurs"),
    4: gettext_noop("Multimédia"),
    5: gettext_noop("Tableaux"),
    6: gettext_noop("Liens"),
    7: gettext_noop("Scripts"),
    8: gettext_noop("Éléments obligatoires"),
    9: gettext_noop("Structuration de l’information"),
    10: gettext_noop("Présentation de l’information"),
    11: gettext_noop("Formulaires"),
    12: gettext_noop("Navigation"),
    13: gettext_noop("Consultation"),
}


class AuditError(ValueError):
    """The document does not follow its format (the message says where)."""


@dataclass(frozen=True)
class Page:
    code: str
    title: str
    address: str


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    statuses: tuple[str, ...]  # one per page of the sample, in its order

    @property
    def theme(self) -> int:
        return int(self.id.split(".")[0])

    @property
    def result(self) -> str:
        """ "C", "NC" or "NA" for the whole sample."""
        if "NC" in self.statuses:
            return "NC"
        return "C" if "C" in self.statuses else "NA"


@dataclass(frozen=True)
class ThemeResult:
    number: int
    name: str
    conformant: int
    non_conformant: int
    not_applicable: int


@dataclass(frozen=True)
class Audit:
    date: str
    pages: tuple[Page, ...]
    criteria: tuple[Criterion, ...]
    stated_rate: int | None
    non_conformities: tuple[str, ...]
    derogations: tuple[str, ...]

    @property
    def applicable(self) -> list[Criterion]:
        return [c for c in self.criteria if c.result != "NA"]

    @property
    def conformant(self) -> list[Criterion]:
        return [c for c in self.criteria if c.result == "C"]

    @property
    def non_conformant(self) -> list[Criterion]:
        return [c for c in self.criteria if c.result == "NC"]

    @property
    def rate(self) -> int:
        """The conformance rate, in whole percent (rounded half up)."""
        applicable = len(self.applicable)
        return int(100 * len(self.conformant) / applicable + 0.5) if applicable else 0

    @property
    def status(self) -> str:
        """The legal status the rate gives: totally (100 %), partially (50 % or more) or not conformant."""
        if self.rate >= 100:
            return _("totalement conforme")
        if self.rate >= 50:
            return _("partiellement conforme")
        return _("non conforme")

    def themes(self) -> list[ThemeResult]:
        results = []
        for number, name in THEMES.items():
            items = [c for c in self.criteria if c.theme == number]
            results.append(
                ThemeResult(
                    number,
                    _(name),
                    sum(c.result == "C" for c in items),
                    sum(c.result == "NC" for c in items),
                    sum(c.result == "NA" for c in items),
                )
            )
        return results


def _section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not match:
        raise AuditError(f"section « {title} » absente")
    return match.group(1)


def _table(section: str) -> list[list[str]]:
    rows = [line.strip() for line in section.splitlines() if line.strip().startswith("|")]
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]
    return [row for row in cells[2:]] if len(cells) >= 2 else []  # without the header and its rule


def _bullets(section: str) -> tuple[str, ...]:
    items: list[str] = []
    for line in section.splitlines():
        if line.startswith("- "):
            items.append(line[2:].strip())
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
    return tuple(items)


def parse(text: str) -> Audit:
    """The audit written in `text` (the Markdown of docs/accessibility.md); AuditError when malformed."""
    pages = tuple(Page(*row[:3]) for row in _table(_section(text, "Échantillon")))
    if not pages:
        raise AuditError("échantillon vide")
    criteria = []
    for row in _table(_section(text, "Grille")):
        if len(row) != 2 + len(pages):
            raise AuditError(f"critère {row[0]} : {len(row) - 2} colonnes pour {len(pages)} pages")
        statuses = tuple(row[2:])
        bad = set(statuses) - set(STATUSES)
        if bad or not re.fullmatch(r"\d{1,2}\.\d{1,2}", row[0]):
            raise AuditError(f"critère {row[0]} : valeurs inconnues {sorted(bad)}")
        criteria.append(Criterion(row[0], row[1], statuses))
    if len(criteria) != CRITERIA_COUNT or len({c.id for c in criteria}) != CRITERIA_COUNT:
        raise AuditError(f"{len(criteria)} critères dans la grille, {CRITERIA_COUNT} attendus")
    stated = re.search(r"Taux de conformité\s*:\s*(\d{1,3})\s*%", _section(text, "Résultat"))
    date = re.search(r"Date de l’audit\s*:\s*(.+)", text)
    return Audit(
        date=date.group(1).strip() if date else "",
        pages=pages,
        criteria=tuple(criteria),
        stated_rate=int(stated.group(1)) if stated else None,
        non_conformities=_bullets(_section(text, "Non-conformités")),
        derogations=_bullets(_section(text, "Dérogations")),
    )


def _load(path: str, mtime: float) -> Audit:
    """Parsed once per process for this version of the file (core/cache.py)."""
    from .cache import LOCAL, cached

    return cached(
        ("rgaa", path, mtime),
        lambda: parse(Path(path).read_text(encoding="utf-8")),
        store=LOCAL,
        timeout=None,
    )


def load(path: Path | None = None) -> Audit:
    """The audit of docs/accessibility.md (read again when the file changes)."""
    path = path or DOCUMENT
    return _load(str(path), path.stat().st_mtime)
