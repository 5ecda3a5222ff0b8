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

from tierslieux.core.i18n import gettext as _
from tierslieux.core.i18n import gettext_noop, ngettext
from tierslieux.core.numbers import fr_euros
from tierslieux.geo.classification import DENSITY_LEVELS

# The labels of these tables (and the INSEE density levels, `DENSITY_LEVELS`, kept in
# `tierslieux.geo.classification`) are marked with gettext_noop: translated (`gettext(label)`) where shown.

# Size classes of communes by municipal population: (code, label, lower bound inclusive, upper bound exclusive).
SIZE_CLASSES = (
    ("lt2k", gettext_noop("moins de 2 000 habitants"), 0, 2_000),
    ("2k-10k", gettext_noop("de 2 000 à 9 999 habitants"), 2_000, 10_000),
    ("10k-50k", gettext_noop("de 10 000 à 49 999 habitants"), 10_000, 50_000),
    ("50k-200k", gettext_noop("de 50 000 à 199 999 habitants"), 50_000, 200_000),
    ("ge200k", gettext_noop("200 000 habitants ou plus"), 200_000, None),
)
SIZE_CLASS_LABELS = {code: label for code, label, _low, _high in SIZE_CLASSES}

LEGAL_FORMS = {
    "association": gettext_noop("Association"),
    "scic": gettext_noop("SCIC"),
    "scop": gettext_noop("SCOP"),
    "company": gettext_noop("Entreprise"),
    "local_authority": gettext_noop("Collectivité territoriale"),
    "public_body": gettext_noop("Établissement public"),
    "other": gettext_noop("Autre"),
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
    return fr_euros(amount)


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
    missing: bool = False  # cannot be judged yet: the dossier lacks what it looks at (an empty budget)


@dataclass(frozen=True)
class EnvelopeResult:
    code: str
    name: str
    eligible: bool
    checks: tuple[Check, ...]

    @property
    def reasons(self) -> list[str]:
        return [check.explanation for check in self.checks if not check.ok]

    @property
    def failed(self) -> list[Check]:
        """The conditions the dossier does not meet (not those it cannot be judged on yet)."""
        return [check for check in self.checks if not check.ok and not check.missing]

    @property
    def met(self) -> list[Check]:
        return [check for check in self.checks if check.ok]

    @property
    def missing(self) -> list[Check]:
        """What the dossier still lacks to be judged on these conditions."""
        return [check for check in self.checks if check.missing]

    @property
    def incomplete(self) -> bool:
        """Nothing fails, but something is still to fill in: the dossier may compete once complete."""
        return not self.failed and bool(self.missing)


@dataclass(frozen=True)
class EligibilityResult:
    envelopes: tuple[EnvelopeResult, ...]

    @property
    def eligible_codes(self) -> list[str]:
        return [envelope.code for envelope in self.envelopes if envelope.eligible]

    @property
    def any_eligible(self) -> bool:
        return any(envelope.eligible for envelope in self.envelopes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "envelopes": [
                {
                    "code": envelope.code,
                    "name": envelope.name,
                    "eligible": envelope.eligible,
                    "checks": [
                        {
                            "rule": c.rule,
                            "ok": c.ok,
                            "explanation": c.explanation,
                            "pending": c.pending,
                            "missing": c.missing,
                        }
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
    label_text: str  # marked with gettext_noop; `label` translates it
    type: str  # "choices" (several among `choices`), "bool", "int", "choice" (one among `choices`)
    choice_texts: tuple[tuple[str, str], ...] = ()  # (code, label marked with gettext_noop); see `choices`

    @property
    def label(self) -> str:
        """The label of the parameter in the active language."""
        return _(self.label_text)

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        """(code, label in the active language) of each value the parameter may take."""
        return tuple((code, _(label)) for code, label in self.choice_texts)


@dataclass(frozen=True)
class ConditionKind:
    code: str
    label_text: str  # marked with gettext_noop; `label` translates it
    params: tuple[Param, ...]
    check: Callable[[Facts, Mapping[str, Any]], Check]
    # The condition as a sentence a citizen understands, from its parameters (see `describe`).
    sentence: Callable[[Mapping[str, Any]], str] | None = None

    @property
    def label(self) -> str:
        """The label of the condition in the active language."""
        return _(self.label_text)

    def clean_params(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Validated parameters from `raw` (form values); raises ValueError with a French message."""
        cleaned: dict[str, Any] = {}
        for param in self.params:
            value: Any = raw.get(param.name)
            if param.type == "choices":
                values = (
                    [value] if isinstance(value, str) else value if isinstance(value, list | tuple) else None
                )
                allowed = {code for code, _label in param.choice_texts}
                if not values or any(not isinstance(v, str) or v not in allowed for v in values):
                    raise ValueError(
                        _("« %(param)s » : choisissez au moins une valeur de la liste.")
                        % {"param": param.label}
                    )
                cleaned[param.name] = list(values)
            elif param.type == "choice":
                if not isinstance(value, str) or value not in {code for code, _label in param.choice_texts}:
                    raise ValueError(
                        _("« %(param)s » : choisissez une valeur de la liste.") % {"param": param.label}
                    )
                cleaned[param.name] = value
            elif param.type == "bool":
                cleaned[param.name] = value in (True, "true", "on", "1", 1, "oui")
            elif param.type == "int":
                try:
                    number = int(value)
                except (TypeError, ValueError, OverflowError):
                    raise ValueError(
                        _("« %(param)s » : saisissez un nombre entier.") % {"param": param.label}
                    ) from None
                if number < 0 or number > 1200:
                    raise ValueError(
                        _("« %(param)s » : saisissez un nombre entre 0 et 1200.") % {"param": param.label}
                    )
                cleaned[param.name] = number
        return cleaned

    def describe(self, params: Mapping[str, Any]) -> str:
        """A French sentence describing the condition with its parameters."""
        if self.sentence is not None:
            try:
                return self.sentence(params)
            except (TypeError, ValueError, KeyError, AttributeError):
                pass  # parameters from an older version: the generic description below
        parts = []
        for param in self.params:
            value: Any = params.get(param.name)
            labels = dict(param.choices)
            if param.type == "choices":
                shown = ", ".join(labels.get(v, v) for v in value or [])
            elif param.type == "choice":
                shown = labels.get(value, str(value))
            elif param.type == "bool":
                shown = _yes_no(value)
            else:
                shown = str(value)
            parts.append(_("%(param)s : %(value)s") % {"param": param.label, "value": shown})
        if not parts:
            return self.label
        return _("%(condition)s (%(params)s)") % {"condition": self.label, "params": "; ".join(parts)}


def _yes_no(value: bool) -> str:
    return _("oui") if value else _("non")


def _density(facts: Facts, params: Mapping[str, Any], *, negate: bool) -> Check:
    levels = list(params.get("levels") or [])
    level = facts.density_level
    if not level:
        return Check("", False, _("Le niveau de densité de la commune est inconnu."))
    inside = level in levels
    ok = not inside if negate else inside
    values = {"commune": facts.commune_name, "level": _(level)}
    if ok:
        if facts.commune_name:
            message = _(
                "La commune %(commune)s est classée « %(level)s » dans la grille communale de densité."
            )
        else:
            message = _("La commune est classée « %(level)s » dans la grille communale de densité.")
        return Check("", True, message % values)
    values["levels"] = ", ".join(_(v) for v in levels)
    if facts.commune_name:
        if negate:
            message = _("La commune %(commune)s est classée « %(level)s » ; niveaux exclus : %(levels)s.")
        else:
            message = _("La commune %(commune)s est classée « %(level)s » ; niveaux acceptés : %(levels)s.")
    elif negate:
        message = _("La commune est classée « %(level)s » ; niveaux exclus : %(levels)s.")
    else:
        message = _("La commune est classée « %(level)s » ; niveaux acceptés : %(levels)s.")
    return Check("", False, message % values)


def _check_density_in(facts: Facts, params: Mapping[str, Any]) -> Check:
    return _density(facts, params, negate=False)


def _check_density_not_in(facts: Facts, params: Mapping[str, Any]) -> Check:
    return _density(facts, params, negate=True)


def _check_size_class_in(facts: Facts, params: Mapping[str, Any]) -> Check:
    classes = list(params.get("classes") or [])
    code = facts.size_class
    if not code:
        return Check("", False, _("La population de la commune est inconnue."))
    label = _(SIZE_CLASS_LABELS[code])
    if code in classes:
        return Check("", True, _("La commune compte %(size)s.") % {"size": label})
    wanted = ", ".join(_(SIZE_CLASS_LABELS[c]) if c in SIZE_CLASS_LABELS else c for c in classes)
    return Check(
        "",
        False,
        _("La commune compte %(size)s ; tailles admises : %(sizes)s.") % {"size": label, "sizes": wanted},
    )


def _check_metropole_member(facts: Facts, params: Mapping[str, Any]) -> Check:
    wanted = bool(params.get("member"))
    ok = facts.metropole_member == wanted
    if facts.metropole_member:
        message = (
            _("La commune est membre d’une métropole.")
            if ok
            else _("La commune est membre d’une métropole : condition non remplie.")
        )
    else:
        message = (
            _("La commune n’est pas membre d’une métropole.")
            if ok
            else _("La commune n’est pas membre d’une métropole : condition non remplie.")
        )
    return Check("", ok, message)


def _check_flag(label: str, attribute: str) -> Callable[[Facts, Mapping[str, Any]], Check]:
    """The check of a yes/no fact; `label` is marked with gettext_noop."""

    def check(facts: Facts, params: Mapping[str, Any]) -> Check:
        wanted = bool(params.get("value", True))
        value = bool(getattr(facts, attribute))
        ok = value == wanted
        values = {"condition": _(label), "value": _yes_no(value), "wanted": _yes_no(wanted)}
        if ok:
            return Check("", ok, _("%(condition)s : %(value)s.") % values)
        return Check("", ok, _("%(condition)s : %(value)s (attendu : %(wanted)s).") % values)

    return check


def _check_in_qpv(facts: Facts, params: Mapping[str, Any]) -> Check:
    wanted = bool(params.get("value", True))
    inside = bool(facts.qpv_name)
    if inside != wanted:
        if wanted:
            return Check("", False, _("Aucun quartier prioritaire (QPV) n’est déclaré pour le projet."))
        return Check("", False, _("Le projet est déclaré dans le QPV « %(qpv)s ».") % {"qpv": facts.qpv_name})
    if not inside:
        return Check("", True, _("Le projet n’est pas situé dans un quartier prioritaire."))
    if facts.qpv_confirmed:
        return Check(
            "",
            True,
            _("Le projet est situé dans le QPV « %(qpv)s » (confirmé par l’équipe).")
            % {"qpv": facts.qpv_name},
        )
    return Check(
        "",
        True,
        _("Le projet est déclaré dans le QPV « %(qpv)s » (à confirmer par l’équipe).")
        % {"qpv": facts.qpv_name},
        pending=True,
    )


# (scope, the territory already has a labelled place, its name is known): the whole sentence.
_TERRITORY_SENTENCES = {
    ("department", True, True): gettext_noop("Le département %(name)s compte déjà un tiers-lieu labellisé."),
    ("department", True, False): gettext_noop("Le département compte déjà un tiers-lieu labellisé."),
    ("department", False, True): gettext_noop(
        "Le département %(name)s ne compte encore aucun tiers-lieu labellisé."
    ),
    ("department", False, False): gettext_noop("Le département ne compte encore aucun tiers-lieu labellisé."),
    ("epci", True, True): gettext_noop("L’intercommunalité %(name)s compte déjà un tiers-lieu labellisé."),
    ("epci", True, False): gettext_noop("L’intercommunalité compte déjà un tiers-lieu labellisé."),
    ("epci", False, True): gettext_noop(
        "L’intercommunalité %(name)s ne compte encore aucun tiers-lieu labellisé."
    ),
    ("epci", False, False): gettext_noop("L’intercommunalité ne compte encore aucun tiers-lieu labellisé."),
}


def _check_territory_without_label(facts: Facts, params: Mapping[str, Any]) -> Check:
    if params.get("scope", "epci") == "department":
        scope, has, name = "department", facts.department_has_labelled_place, facts.department_name
    else:
        scope, has, name = "epci", facts.epci_has_labelled_place, facts.epci_name
    name = (name or "").rstrip()
    sentence = _TERRITORY_SENTENCES[(scope, bool(has), bool(name))]
    return Check("", not has, _(sentence) % {"name": name})


def _check_legal_form_in(facts: Facts, params: Mapping[str, Any]) -> Check:
    forms = list(params.get("forms") or [])
    if not facts.legal_form:
        return Check(
            "", False, _("La forme juridique de la structure n’est pas encore renseignée."), missing=True
        )
    label = _legal_form_label(facts.legal_form)
    if facts.legal_form in forms:
        return Check("", True, _("Forme juridique admise : %(form)s.") % {"form": label})
    wanted = ", ".join(_legal_form_label(f) for f in forms)
    return Check(
        "",
        False,
        _("Forme juridique « %(form)s » non admise (admises : %(forms)s).")
        % {"form": label, "forms": wanted},
    )


def _legal_form_label(code: str) -> str:
    return _(LEGAL_FORMS[code]) if code in LEGAL_FORMS else code


def _check_open_for_months(facts: Facts, params: Mapping[str, Any]) -> Check:
    months = int(params.get("months") or 0)
    values = {"open": facts.months_open, "months": months}
    if facts.months_open is None:
        if months == 0:
            return Check("", True, _("Le lieu n’est pas encore ouvert."))
        return Check(
            "",
            False,
            _("Le lieu n’est pas encore ouvert (ouverture depuis %(months)s mois exigée).") % values,
        )
    if facts.months_open >= months:
        return Check(
            "",
            True,
            ngettext(
                "Le lieu est ouvert depuis %(open)s mois (au moins %(months)s exigé).",
                "Le lieu est ouvert depuis %(open)s mois (au moins %(months)s exigés).",
                months,
            )
            % values,
        )
    return Check(
        "",
        False,
        ngettext(
            "Le lieu n’est ouvert que depuis %(open)s mois (%(months)s exigé).",
            "Le lieu n’est ouvert que depuis %(open)s mois (%(months)s exigés).",
            months,
        )
        % values,
    )


def funding_problems(
    amounts_per_year: Sequence[int], funding: FundingRules, *, granted: bool = False
) -> list[str]:
    """Every breach of the funding rules by the amounts, in French ([] when within the rules).

    The amounts are those asked by an applicant, or with `granted` those the committee grants: then one amount
    per year of the call is required and their total must be positive."""
    problems = []
    total = sum(amounts_per_year)
    if granted and len(amounts_per_year) != funding.years:
        problems.append(
            ngettext(
                "Indiquez un montant pour l’année du financement.",
                "Indiquez un montant pour chacune des %(years)s années.",
                funding.years,
            )
            % {"years": funding.years}
        )
    elif len(amounts_per_year) > funding.years:
        problems.append(
            ngettext(
                "La demande porte sur plus d’une année.",
                "La demande porte sur plus de %(years)s années.",
                funding.years,
            )
            % {"years": funding.years}
        )
    for year, amount in enumerate(amounts_per_year, start=1):
        if amount < 0:
            problems.append(_("Année %(year)s : le montant ne peut pas être négatif.") % {"year": year})
        elif funding.max_per_year and amount > funding.max_per_year:
            problems.append(
                _("Année %(year)s : %(amount)s dépasse le plafond annuel de %(ceiling)s.")
                % {
                    "year": year,
                    "amount": format_euros(amount),
                    "ceiling": format_euros(funding.max_per_year),
                }
            )
    if granted and total <= 0:
        problems.append(_("Le montant accordé doit être positif."))
    values = {"total": format_euros(total)}
    if funding.max_total and total > funding.max_total:
        values["ceiling"] = format_euros(funding.max_total)
        problems.append(
            (
                _("Le total accordé (%(total)s) dépasse le plafond de %(ceiling)s.")
                if granted
                else _("Le total demandé (%(total)s) dépasse le plafond de %(ceiling)s.")
            )
            % values
        )
    if total < funding.min_total:
        values["minimum"] = format_euros(funding.min_total)
        problems.append(
            (
                _("Le total accordé (%(total)s) est inférieur au minimum de %(minimum)s.")
                if granted
                else _("Le total demandé (%(total)s) est inférieur au minimum de %(minimum)s.")
            )
            % values
        )
    return problems


def _check_amounts(facts: Facts, params: Mapping[str, Any]) -> Check:
    if facts.requested_total == 0:
        return Check(
            "",
            False,
            _("Le budget n’est pas encore rempli (étape 3) : les montants seront vérifiés ensuite."),
            missing=True,
        )
    problems = funding_problems(facts.requested_per_year, facts.funding)
    if problems:
        return Check("", False, " ".join(problems))
    return Check(
        "",
        True,
        _("Le montant demandé (%(amount)s) respecte les règles de financement.")
        % {"amount": format_euros(facts.requested_total)},
    )


# --- The conditions as sentences (public call page, staff configuration) -----------------------------------------
def _quoted_or(values: Sequence[str]) -> str:
    """« A », « B » ou « C »."""
    quoted = [_("« %(value)s »") % {"value": v} for v in values]
    if len(quoted) <= 1:
        return "".join(quoted)
    return _("%(first)s ou %(last)s") % {"first": ", ".join(quoted[:-1]), "last": quoted[-1]}


def _plain_or(values: Sequence[str]) -> str:
    if len(values) <= 1:
        return "".join(values)
    return _("%(first)s ou %(last)s") % {"first": ", ".join(values[:-1]), "last": values[-1]}


def _say_density_in(params: Mapping[str, Any]) -> str:
    levels = [_(v) for v in params.get("levels") or []]
    return _(
        "La commune du lieu doit être classée %(levels)s dans la grille communale de densité de l’Insee."
    ) % {"levels": _quoted_or(levels)}


def _say_density_not_in(params: Mapping[str, Any]) -> str:
    levels = [_(v) for v in params.get("levels") or []]
    return _(
        "La commune du lieu ne doit pas être classée %(levels)s dans la grille communale de densité de l’Insee."
    ) % {"levels": _quoted_or(levels)}


def _say_size_class_in(params: Mapping[str, Any]) -> str:
    sizes = [_(SIZE_CLASS_LABELS[c]) for c in params.get("classes") or [] if c in SIZE_CLASS_LABELS]
    return _("La commune du lieu doit compter %(sizes)s.") % {"sizes": _plain_or(sizes)}


def _say_metropole_member(params: Mapping[str, Any]) -> str:
    if params.get("member"):
        return _("La commune du lieu doit appartenir à une métropole.")
    return _("La commune du lieu ne doit pas appartenir à une métropole.")


def _say_petite_ville(params: Mapping[str, Any]) -> str:
    if params.get("value", True):
        return _("La commune du lieu doit faire partie du programme « Petites villes de demain ».")
    return _("La commune du lieu ne doit pas faire partie du programme « Petites villes de demain ».")


def _say_coeur_de_ville(params: Mapping[str, Any]) -> str:
    if params.get("value", True):
        return _("La commune du lieu doit faire partie du programme « Action cœur de ville ».")
    return _("La commune du lieu ne doit pas faire partie du programme « Action cœur de ville ».")


def _say_in_qpv(params: Mapping[str, Any]) -> str:
    if params.get("value", True):
        return _("Le projet doit se situer dans un quartier prioritaire de la politique de la ville (QPV).")
    return _(
        "Le projet ne doit pas se situer dans un quartier prioritaire de la politique de la ville (QPV)."
    )


def _say_territory_without_label(params: Mapping[str, Any]) -> str:
    if params.get("scope", "epci") == "department":
        return _("Le département du lieu ne doit encore compter aucun tiers-lieu labellisé.")
    return _("L’intercommunalité du lieu ne doit encore compter aucun tiers-lieu labellisé.")


def _say_legal_form_in(params: Mapping[str, Any]) -> str:
    forms = []
    for code in params.get("forms") or []:
        label = _legal_form_label(code)
        forms.append(label if label.isupper() else label[:1].lower() + label[1:])  # "association", "SCIC"
    return _("La structure qui porte le projet doit être : %(forms)s.") % {"forms": _plain_or(forms)}


def _say_open_for_months(params: Mapping[str, Any]) -> str:
    months = int(params.get("months") or 0)
    if months == 0:
        return _("Le lieu peut être encore en projet ou déjà ouvert.")
    return ngettext(
        "Le lieu doit être ouvert au public depuis au moins %(months)s mois.",
        "Le lieu doit être ouvert au public depuis au moins %(months)s mois.",
        months,
    ) % {"months": months}


def _say_amounts(params: Mapping[str, Any]) -> str:
    return _(
        "Les montants demandés doivent respecter les règles de financement de l’appel (minimum et plafonds)."
    )


_DENSITY_CHOICES = tuple((level, level) for level in DENSITY_LEVELS)
_SIZE_CHOICES = tuple((code, label) for code, label, _low, _high in SIZE_CLASSES)
_LEGAL_CHOICES = tuple(LEGAL_FORMS.items())

REGISTRY: dict[str, ConditionKind] = {
    kind.code: kind
    for kind in (
        ConditionKind(
            "density_in",
            gettext_noop("Niveau de densité de la commune parmi"),
            (Param("levels", gettext_noop("niveaux"), "choices", _DENSITY_CHOICES),),
            _check_density_in,
            _say_density_in,
        ),
        ConditionKind(
            "density_not_in",
            gettext_noop("Niveau de densité de la commune hors de"),
            (Param("levels", gettext_noop("niveaux"), "choices", _DENSITY_CHOICES),),
            _check_density_not_in,
            _say_density_not_in,
        ),
        ConditionKind(
            "size_class_in",
            gettext_noop("Taille de la commune parmi"),
            (Param("classes", gettext_noop("tailles"), "choices", _SIZE_CHOICES),),
            _check_size_class_in,
            _say_size_class_in,
        ),
        ConditionKind(
            "metropole_member",
            gettext_noop("Commune membre d’une métropole"),
            (Param("member", gettext_noop("membre"), "bool"),),
            _check_metropole_member,
            _say_metropole_member,
        ),
        ConditionKind(
            "petite_ville_de_demain",
            gettext_noop("Commune « Petite ville de demain »"),
            (Param("value", gettext_noop("Petite ville de demain"), "bool"),),
            _check_flag(gettext_noop("Commune « Petite ville de demain »"), "petite_ville_de_demain"),
            _say_petite_ville,
        ),
        ConditionKind(
            "coeur_de_ville",
            gettext_noop("Commune « Action cœur de ville »"),
            (Param("value", gettext_noop("Action cœur de ville"), "bool"),),
            _check_flag(gettext_noop("Commune « Action cœur de ville »"), "coeur_de_ville"),
            _say_coeur_de_ville,
        ),
        ConditionKind(
            "in_qpv",
            gettext_noop("Projet situé dans un quartier prioritaire (QPV)"),
            (Param("value", gettext_noop("dans un QPV"), "bool"),),
            _check_in_qpv,
            _say_in_qpv,
        ),
        ConditionKind(
            "territory_without_label",
            gettext_noop("Territoire sans tiers-lieu labellisé"),
            (
                Param(
                    "scope",
                    gettext_noop("territoire"),
                    "choice",
                    (("epci", "EPCI"), ("department", gettext_noop("département"))),
                ),
            ),
            _check_territory_without_label,
            _say_territory_without_label,
        ),
        ConditionKind(
            "legal_form_in",
            gettext_noop("Forme juridique parmi"),
            (Param("forms", gettext_noop("formes"), "choices", _LEGAL_CHOICES),),
            _check_legal_form_in,
            _say_legal_form_in,
        ),
        ConditionKind(
            "open_for_months",
            gettext_noop("Lieu ouvert depuis au moins N mois"),
            (Param("months", gettext_noop("nombre de mois"), "int"),),
            _check_open_for_months,
            _say_open_for_months,
        ),
        ConditionKind(
            "amounts_within_rules",
            gettext_noop("Montants conformes aux règles de financement"),
            (),
            _check_amounts,
            _say_amounts,
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
        return Check(
            rule.name,
            False,
            _("Condition inconnue « %(kind)s » : à corriger par l’équipe.") % {"kind": rule.kind},
        )
    try:
        result = kind.check(facts, rule.params)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError):
        return Check(
            rule.name, False, _("Paramètres invalides pour la règle « %(rule)s ».") % {"rule": rule.name}
        )
    return Check(rule.name, result.ok, result.explanation, result.pending, result.missing)


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
