"""Eligibility of an application to a call's envelopes: rules are data, evaluated here in plain Python.

A rule is a named condition: a `kind` from `REGISTRY` and its JSON `params`. A rule gates the envelopes it is
mapped to (every envelope when it names none). An application may compete in an envelope when every rule
gating that envelope holds. `evaluate(facts, rules, envelopes)` says, for each envelope, whether it is open to
the application and why, in French. No Django import: the adapter (`tierslieux.calls.facts`) builds `Facts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DENSITY_LEVELS = (
    "Grands centres urbains",
    "Centres urbains intermédiaires",
    "Ceintures urbaines",
    "Petites villes",
    "Bourgs ruraux",
    "Rural à habitat dispersé",
    "Rural à habitat très dispersé",
)

# Size classes of communes by municipal population: (code, label, lower bound inclusive, upper bound exclusive).
SIZE_CLASSES = (
    ("lt2k", "moins de 2 000 habitants", 0, 2_000),
    ("2k-10k", "de 2 000 à 9 999 habitants", 2_000, 10_000),
    ("10k-50k", "de 10 000 à 49 999 habitants", 10_000, 50_000),
    ("50k-200k", "de 50 000 à 199 999 habitants", 50_000, 200_000),
    ("ge200k", "200 000 habitants ou plus", 200_000, None),
)
SIZE_CLASS_LABELS = {code: label for code, label, _low, _high in SIZE_CLASSES}

LEGAL_FORMS = {
    "association": "Association",
    "scic": "SCIC",
    "scop": "SCOP",
    "company": "Entreprise",
    "local_authority": "Collectivité territoriale",
    "public_body": "Établissement public",
    "other": "Autre",
}


def size_class(population: int | None) -> str:
    """The code of the size class of a commune of `population` inhabitants ("" when unknown)."""
    if population is None:
        return ""
    for code, _label, low, high in SIZE_CLASSES:
        if population >= low and (high is None or population < high):
            return code
    return ""


def format_euros(amount: int) -> str:
    return f"{amount:,}".replace(",", "\u202f") + "\u00a0€"


@dataclass(frozen=True)
class FundingRules:
    min_total: int = 0
    max_total: int = 0  # 0: no ceiling
    max_per_year: int = 0  # 0: no ceiling
    years: int = 3


@dataclass(frozen=True)
class Facts:
    """What the rules may look at: the applicant place, its commune and the amounts asked."""

    commune_name: str = ""
    density_level: str = ""
    population: int | None = None
    metropole_member: bool = False
    petite_ville_de_demain: bool = False
    coeur_de_ville: bool = False
    qpv_name: str = ""  # the QPV declared by the applicant ("" when none)
    qpv_confirmed: bool = False
    department_name: str = ""
    epci_name: str = ""
    department_has_labelled_place: bool = False
    epci_has_labelled_place: bool = False
    legal_form: str = ""
    months_open: int | None = None  # None: not open yet (a project)
    requested_per_year: tuple[int, ...] = ()
    funding: FundingRules = field(default_factory=FundingRules)

    @property
    def requested_total(self) -> int:
        return sum(self.requested_per_year)

    @property
    def size_class(self) -> str:
        return size_class(self.population)


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)
    envelopes: tuple[str, ...] = ()  # envelope codes; empty: every envelope


@dataclass(frozen=True)
class EnvelopeRef:
    code: str
    name: str


@dataclass(frozen=True)
class Check:
    rule: str
    ok: bool
    explanation: str
    pending: bool = False  # holds on the applicant's word, to be confirmed by staff (QPV)


@dataclass(frozen=True)
class EnvelopeResult:
    code: str
    name: str
    eligible: bool
    checks: tuple[Check, ...]

    @property
    def reasons(self) -> list[str]:
        return [check.explanation for check in self.checks if not check.ok]


@dataclass(frozen=True)
class EligibilityResult:
    envelopes: tuple[EnvelopeResult, ...]

    @property
    def eligible_codes(self) -> list[str]:
        return [envelope.code for envelope in self.envelopes if envelope.eligible]

    @property
    def any_eligible(self) -> bool:
        return any(envelope.eligible for envelope in self.envelopes)

    def as_dict(self) -> dict:
        return {
            "envelopes": [
                {
                    "code": envelope.code,
                    "name": envelope.name,
                    "eligible": envelope.eligible,
                    "checks": [
                        {"rule": c.rule, "ok": c.ok, "explanation": c.explanation, "pending": c.pending}
                        for c in envelope.checks
                    ],
                }
                for envelope in self.envelopes
            ]
        }


# --- Condition kinds -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    name: str
    label: str
    type: str  # "choices" (several among `choices`), "bool", "int", "choice" (one among `choices`)
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ConditionKind:
    code: str
    label: str
    params: tuple[Param, ...]
    check: Callable[[Facts, Mapping[str, Any]], Check]

    def clean_params(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Validated parameters from `raw` (form values); raises ValueError with a French message."""
        cleaned: dict[str, Any] = {}
        for param in self.params:
            value = raw.get(param.name)
            if param.type == "choices":
                values = (
                    [value] if isinstance(value, str) else value if isinstance(value, list | tuple) else None
                )
                allowed = {code for code, _label in param.choices}
                if not values or any(not isinstance(v, str) or v not in allowed for v in values):
                    raise ValueError(f"« {param.label} » : choisissez au moins une valeur de la liste.")
                cleaned[param.name] = list(values)
            elif param.type == "choice":
                if not isinstance(value, str) or value not in {code for code, _label in param.choices}:
                    raise ValueError(f"« {param.label} » : choisissez une valeur de la liste.")
                cleaned[param.name] = value
            elif param.type == "bool":
                cleaned[param.name] = value in (True, "true", "on", "1", 1, "oui")
            elif param.type == "int":
                try:
                    number = int(value)
                except (TypeError, ValueError, OverflowError):
                    raise ValueError(f"« {param.label} » : saisissez un nombre entier.") from None
                if number < 0 or number > 1200:
                    raise ValueError(f"« {param.label} » : saisissez un nombre entre 0 et 1200.")
                cleaned[param.name] = number
        return cleaned

    def describe(self, params: Mapping[str, Any]) -> str:
        """A French sentence describing the condition with its parameters."""
        parts = []
        for param in self.params:
            value = params.get(param.name)
            labels = dict(param.choices)
            if param.type == "choices":
                shown = ", ".join(labels.get(v, v) for v in value or [])
            elif param.type == "choice":
                shown = labels.get(value, str(value))
            elif param.type == "bool":
                shown = "oui" if value else "non"
            else:
                shown = str(value)
            parts.append(f"{param.label} : {shown}")
        return self.label + (f" ({'; '.join(parts)})" if parts else "")


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


def _density(facts: Facts, params: Mapping[str, Any], *, negate: bool) -> Check:
    levels = list(params.get("levels") or [])
    level = facts.density_level
    if not level:
        return Check("", False, "Le niveau de densité de la commune est inconnu.")
    inside = level in levels
    ok = not inside if negate else inside
    where = (
        f"la commune {facts.commune_name} est classée « {level} »" if facts.commune_name else f"« {level} »"
    )
    if ok:
        return Check("", True, f"{where[0].upper()}{where[1:]} dans la grille communale de densité.")
    wanted = "hors de" if negate else "parmi"
    return Check(
        "", False, f"{where[0].upper()}{where[1:]} ; niveaux demandés ({wanted}) : {', '.join(levels)}."
    )


def _check_density_in(facts: Facts, params: Mapping[str, Any]) -> Check:
    return _density(facts, params, negate=False)


def _check_density_not_in(facts: Facts, params: Mapping[str, Any]) -> Check:
    return _density(facts, params, negate=True)


def _check_size_class_in(facts: Facts, params: Mapping[str, Any]) -> Check:
    classes = list(params.get("classes") or [])
    code = facts.size_class
    if not code:
        return Check("", False, "La population de la commune est inconnue.")
    label = SIZE_CLASS_LABELS[code]
    if code in classes:
        return Check("", True, f"La commune compte {label}.")
    wanted = ", ".join(SIZE_CLASS_LABELS.get(c, c) for c in classes)
    return Check("", False, f"La commune compte {label} ; tailles admises : {wanted}.")


def _check_metropole_member(facts: Facts, params: Mapping[str, Any]) -> Check:
    wanted = bool(params.get("member"))
    ok = facts.metropole_member == wanted
    state = "est membre d’une métropole" if facts.metropole_member else "n’est pas membre d’une métropole"
    return Check("", ok, f"La commune {state}" + ("." if ok else " : condition non remplie."))


def _check_flag(label: str, attribute: str) -> Callable[[Facts, Mapping[str, Any]], Check]:
    def check(facts: Facts, params: Mapping[str, Any]) -> Check:
        wanted = bool(params.get("value", True))
        value = bool(getattr(facts, attribute))
        ok = value == wanted
        return Check(
            "", ok, f"{label} : {_yes_no(value)}" + ("." if ok else f" (attendu : {_yes_no(wanted)}).")
        )

    return check


def _check_in_qpv(facts: Facts, params: Mapping[str, Any]) -> Check:
    wanted = bool(params.get("value", True))
    inside = bool(facts.qpv_name)
    if inside != wanted:
        if wanted:
            return Check("", False, "Aucun quartier prioritaire (QPV) n’est déclaré pour le projet.")
        return Check("", False, f"Le projet est déclaré dans le QPV « {facts.qpv_name} ».")
    if not inside:
        return Check("", True, "Le projet n’est pas situé dans un quartier prioritaire.")
    if facts.qpv_confirmed:
        return Check(
            "", True, f"Le projet est situé dans le QPV « {facts.qpv_name} » (confirmé par l’équipe)."
        )
    return Check(
        "",
        True,
        f"Le projet est déclaré dans le QPV « {facts.qpv_name} » (à confirmer par l’équipe).",
        pending=True,
    )


def _check_territory_without_label(facts: Facts, params: Mapping[str, Any]) -> Check:
    scope = params.get("scope", "epci")
    if scope == "department":
        has, name, kind = facts.department_has_labelled_place, facts.department_name, "le département"
    else:
        has, name, kind = facts.epci_has_labelled_place, facts.epci_name, "l’intercommunalité"
    named = f"{kind} {name}".strip() if name else kind
    if has:
        return Check("", False, f"{named[0].upper()}{named[1:]} compte déjà un tiers-lieu labellisé.")
    return Check("", True, f"{named[0].upper()}{named[1:]} ne compte encore aucun tiers-lieu labellisé.")


def _check_legal_form_in(facts: Facts, params: Mapping[str, Any]) -> Check:
    forms = list(params.get("forms") or [])
    if not facts.legal_form:
        return Check("", False, "La forme juridique de la structure n’est pas renseignée.")
    label = LEGAL_FORMS.get(facts.legal_form, facts.legal_form)
    if facts.legal_form in forms:
        return Check("", True, f"Forme juridique admise : {label}.")
    wanted = ", ".join(LEGAL_FORMS.get(f, f) for f in forms)
    return Check("", False, f"Forme juridique « {label} » non admise (admises : {wanted}).")


def _check_open_for_months(facts: Facts, params: Mapping[str, Any]) -> Check:
    months = int(params.get("months") or 0)
    if facts.months_open is None:
        return Check(
            "",
            months == 0,
            "Le lieu n’est pas encore ouvert"
            + ("." if months == 0 else f" (ouverture depuis {months} mois exigée)."),
        )
    if facts.months_open >= months:
        return Check(
            "", True, f"Le lieu est ouvert depuis {facts.months_open} mois (au moins {months} exigés)."
        )
    return Check("", False, f"Le lieu n’est ouvert que depuis {facts.months_open} mois ({months} exigés).")


def funding_problems(
    amounts_per_year: Sequence[int], funding: FundingRules, *, granted: bool = False
) -> list[str]:
    """Every breach of the funding rules by the amounts, in French ([] when within the rules).

    The amounts are those asked by an applicant, or with `granted` those the committee grants: then one amount
    per year of the call is required and their total must be positive."""
    problems = []
    total = sum(amounts_per_year)
    what = "accordé" if granted else "demandé"
    if granted and len(amounts_per_year) != funding.years:
        problems.append(f"Indiquez un montant pour chacune des {funding.years} années.")
    elif len(amounts_per_year) > funding.years:
        problems.append(f"La demande porte sur plus de {funding.years} années.")
    for year, amount in enumerate(amounts_per_year, start=1):
        if amount < 0:
            problems.append(f"Année {year} : le montant ne peut pas être négatif.")
        elif funding.max_per_year and amount > funding.max_per_year:
            problems.append(
                f"Année {year} : {format_euros(amount)} dépasse le plafond annuel de {format_euros(funding.max_per_year)}."
            )
    if granted and total <= 0:
        problems.append("Le montant accordé doit être positif.")
    if funding.max_total and total > funding.max_total:
        problems.append(
            f"Le total {what} ({format_euros(total)}) dépasse le plafond de {format_euros(funding.max_total)}."
        )
    if total < funding.min_total:
        problems.append(
            f"Le total {what} ({format_euros(total)}) est inférieur au minimum de {format_euros(funding.min_total)}."
        )
    return problems


def _check_amounts(facts: Facts, params: Mapping[str, Any]) -> Check:
    problems = funding_problems(facts.requested_per_year, facts.funding)
    if problems:
        return Check("", False, " ".join(problems))
    return Check(
        "",
        True,
        f"Le montant demandé ({format_euros(facts.requested_total)}) respecte les règles de financement.",
    )


_DENSITY_CHOICES = tuple((level, level) for level in DENSITY_LEVELS)
_SIZE_CHOICES = tuple((code, label) for code, label, _low, _high in SIZE_CLASSES)
_LEGAL_CHOICES = tuple(LEGAL_FORMS.items())

REGISTRY: dict[str, ConditionKind] = {
    kind.code: kind
    for kind in (
        ConditionKind(
            "density_in",
            "Niveau de densité de la commune parmi",
            (Param("levels", "niveaux", "choices", _DENSITY_CHOICES),),
            _check_density_in,
        ),
        ConditionKind(
            "density_not_in",
            "Niveau de densité de la commune hors de",
            (Param("levels", "niveaux", "choices", _DENSITY_CHOICES),),
            _check_density_not_in,
        ),
        ConditionKind(
            "size_class_in",
            "Taille de la commune parmi",
            (Param("classes", "tailles", "choices", _SIZE_CHOICES),),
            _check_size_class_in,
        ),
        ConditionKind(
            "metropole_member",
            "Commune membre d’une métropole",
            (Param("member", "membre", "bool"),),
            _check_metropole_member,
        ),
        ConditionKind(
            "petite_ville_de_demain",
            "Commune « Petite ville de demain »",
            (Param("value", "Petite ville de demain", "bool"),),
            _check_flag("Commune « Petite ville de demain »", "petite_ville_de_demain"),
        ),
        ConditionKind(
            "coeur_de_ville",
            "Commune « Action cœur de ville »",
            (Param("value", "Action cœur de ville", "bool"),),
            _check_flag("Commune « Action cœur de ville »", "coeur_de_ville"),
        ),
        ConditionKind(
            "in_qpv",
            "Projet situé dans un quartier prioritaire (QPV)",
            (Param("value", "dans un QPV", "bool"),),
            _check_in_qpv,
        ),
        ConditionKind(
            "territory_without_label",
            "Territoire sans tiers-lieu labellisé",
            (Param("scope", "territoire", "choice", (("epci", "EPCI"), ("department", "département"))),),
            _check_territory_without_label,
        ),
        ConditionKind(
            "legal_form_in",
            "Forme juridique parmi",
            (Param("forms", "formes", "choices", _LEGAL_CHOICES),),
            _check_legal_form_in,
        ),
        ConditionKind(
            "open_for_months",
            "Lieu ouvert depuis au moins N mois",
            (Param("months", "nombre de mois", "int"),),
            _check_open_for_months,
        ),
        ConditionKind(
            "amounts_within_rules", "Montants conformes aux règles de financement", (), _check_amounts
        ),
    )
}


def describe(kind: str, params: Mapping[str, Any]) -> str:
    """The French description of a rule of `kind` ("" for a kind no longer registered)."""
    condition = REGISTRY.get(kind)
    return condition.describe(params) if condition else ""


def check_rule(facts: Facts, rule: Rule) -> Check:
    kind = REGISTRY.get(rule.kind)
    if kind is None:
        return Check(rule.name, False, f"Condition inconnue « {rule.kind} » : à corriger par l’équipe.")
    try:
        result = kind.check(facts, rule.params)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError):
        return Check(rule.name, False, f"Paramètres invalides pour la règle « {rule.name} ».")
    return Check(rule.name, result.ok, result.explanation, result.pending)


def evaluate(facts: Facts, rules: Iterable[Rule], envelopes: Iterable[EnvelopeRef]) -> EligibilityResult:
    """For each envelope: open to the application when every rule gating it holds, with the reasons."""
    rules = list(rules)
    cache: dict[int, Check] = {}
    results = []
    for envelope in envelopes:
        checks = []
        for index, rule in enumerate(rules):
            if rule.envelopes and envelope.code not in rule.envelopes:
                continue
            if index not in cache:
                cache[index] = check_rule(facts, rule)
            checks.append(cache[index])
        results.append(EnvelopeResult(envelope.code, envelope.name, all(c.ok for c in checks), tuple(checks)))
    return EligibilityResult(tuple(results))
