"""The 3-year budget table of an application: expenses and resources by year, in whole euros. Plain Python.

Stored as {"expenses": {code: [year1, …]}, "resources": {code: [year1, …]}}; the programme's grant asked is
the resource line "requested".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .eligibility import FundingRules, format_euros, funding_problems

EXPENSE_LINES = (
    ("staff", "Dépenses de personnel"),
    ("operations", "Fonctionnement"),
    ("investment", "Investissement"),
    ("other", "Autres dépenses"),
)
RESOURCE_LINES = (
    ("requested", "Subvention demandée au programme"),
    ("public", "Autres financements publics"),
    ("own", "Recettes propres"),
    ("other", "Autres ressources"),
)
SECTIONS = (("expenses", "Dépenses", EXPENSE_LINES), ("resources", "Ressources", RESOURCE_LINES))
MAX_AMOUNT = 100_000_000


def field_name(section: str, code: str, year: int) -> str:
    """The form field of one cell, e.g. "budget-resources-requested-1" (years from 1)."""
    return f"budget-{section}-{code}-{year}"


def parse(values: Mapping[str, str], years: int) -> tuple[dict, dict[str, str]]:
    """The budget typed in a form (`field_name` keys), and the French errors by field. Empty cells are 0."""
    budget: dict = {}
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
                    errors[name] = f"{label}, année {year} : saisissez un montant entier en euros."
                    amounts.append(0)
                    continue
                if amount < 0 or amount > MAX_AMOUNT:
                    errors[name] = (
                        f"{label}, année {year} : le montant doit être compris entre 0 et 100 millions €."
                    )
                    amount = 0
                amounts.append(amount)
            budget[section][code] = amounts
    return budget, errors


def cell(budget: Mapping, section: str, code: str, year: int) -> int:
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


def totals(budget: Mapping, years: int) -> Totals:
    def column(section: str, lines) -> tuple[int, ...]:
        return tuple(
            sum(cell(budget, section, code, year) for code, _ in lines) for year in range(1, years + 1)
        )

    return Totals(
        expenses=column("expenses", EXPENSE_LINES),
        resources=column("resources", RESOURCE_LINES),
        requested=tuple(cell(budget, "resources", "requested", year) for year in range(1, years + 1)),
    )


def problems(budget: Mapping, funding: FundingRules) -> list[str]:
    """What prevents submitting this budget, in French ([] when it may be submitted)."""
    result = totals(budget, funding.years)
    found = []
    if result.expenses_total == 0:
        found.append("Le budget ne comporte aucune dépense.")
    for year, (spent, raised) in enumerate(zip(result.expenses, result.resources, strict=True), start=1):
        if spent != raised:
            found.append(
                f"Année {year} : le budget n’est pas équilibré (dépenses {format_euros(spent)}, "
                f"ressources {format_euros(raised)})."
            )
    found.extend(funding_problems(result.requested, funding))
    return found
