"""The 3-year budget table of an application: expenses and resources by year, in whole euros. Plain Python.

Stored as {"expenses": {code: [year1, …]}, "resources": {code: [year1, …]}}; the programme's grant asked is
the resource line "requested".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tierslieux.core.i18n import gettext as _
from tierslieux.core.i18n import gettext_noop

from .eligibility import FundingRules, format_euros, funding_problems

# Labels marked with gettext_noop: translate them (`gettext(label)`) where they are shown.
EXPENSE_LINES = (
    ("staff", gettext_noop("Dépenses de personnel")),
    ("operations", gettext_noop("Fonctionnement")),
    ("investment", gettext_noop("Investissement")),
    ("other", gettext_noop("Autres dépenses")),
)
RESOURCE_LINES = (
    ("requested", gettext_noop("Subvention demandée au programme")),
    ("public", gettext_noop("Autres financements publics")),
    ("own", gettext_noop("Recettes propres")),
    ("other", gettext_noop("Autres ressources")),
)
SECTIONS = (
    ("expenses", gettext_noop("Dépenses"), EXPENSE_LINES),
    ("resources", gettext_noop("Ressources"), RESOURCE_LINES),
)
MAX_AMOUNT = 100_000_000


def field_name(section: str, code: str, year: int) -> str:
    """The form field of one cell, e.g. "budget-resources-requested-1" (years from 1)."""
    return f"budget-{section}-{code}-{year}"


def parse(values: Mapping[str, str], years: int) -> tuple[dict[str, Any], dict[str, str]]:
    """The budget typed in a form (`field_name` keys), and the French errors by field. Empty cells are 0."""
    budget: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for section, _label, lines in SECTIONS:
        budget[section] = {}
        for code, label in lines:
            amounts = []
            for year in range(1, years + 1):
                name = field_name(section, code, year)
                raw = str(values.get(name, "") or "").replace("\u202f", "").replace(" ", "").replace("€", "")
                if raw == "":
                    amounts.append(0)
                    continue
                try:
                    amount = int(raw)
                except ValueError:
                    errors[name] = _(
                        "%(line)s, année %(year)s : « %(value)s » n’est pas un montant entier en euros."
                    ) % {"line": _(label), "year": year, "value": str(values.get(name, ""))[:20]}
                    amounts.append(0)
                    continue
                if amount < 0 or amount > MAX_AMOUNT:
                    errors[name] = _(
                        "%(line)s, année %(year)s : le montant doit être compris entre 0 et 100 millions €."
                    ) % {"line": _(label), "year": year}
                    amount = 0
                amounts.append(amount)
            budget[section][code] = amounts
    return budget, errors


def cell(budget: Mapping[str, Any], section: str, code: str, year: int) -> int:
    try:
        return int(((budget or {}).get(section) or {}).get(code, [])[year - 1])
    except (IndexError, TypeError, ValueError):
        return 0


@dataclass(frozen=True)
class Totals:
    expenses: tuple[int, ...]
    resources: tuple[int, ...]
    requested: tuple[int, ...]

    @property
    def expenses_total(self) -> int:
        return sum(self.expenses)

    @property
    def resources_total(self) -> int:
        return sum(self.resources)

    @property
    def requested_total(self) -> int:
        return sum(self.requested)


def totals(budget: Mapping[str, Any], years: int) -> Totals:
    def column(section: str, lines: Iterable[tuple[str, str]]) -> tuple[int, ...]:
        return tuple(
            sum(cell(budget, section, code, year) for code, _ in lines) for year in range(1, years + 1)
        )

    return Totals(
        expenses=column("expenses", EXPENSE_LINES),
        resources=column("resources", RESOURCE_LINES),
        requested=tuple(cell(budget, "resources", "requested", year) for year in range(1, years + 1)),
    )


def problems(budget: Mapping[str, Any], funding: FundingRules) -> list[str]:
    """What prevents submitting this budget, in French ([] when it may be submitted)."""
    result = totals(budget, funding.years)
    found = []
    if result.expenses_total == 0:
        found.append(_("Le budget ne comporte aucune dépense."))
    for year, (spent, raised) in enumerate(zip(result.expenses, result.resources, strict=True), start=1):
        if spent != raised:
            found.append(
                _(
                    "Année %(year)s : le budget n’est pas équilibré (dépenses %(spent)s, ressources %(raised)s)."
                )
                % {"year": year, "spent": format_euros(spent), "raised": format_euros(raised)}
            )
    found.extend(funding_problems(result.requested, funding))
    return found
