"""Eligibility rules as data: plain-Python evaluation, no database."""

import pytest

from tierslieux.calls import eligibility as el
from tierslieux.calls.budget import parse, problems, totals

FUNDING = el.FundingRules(min_total=75_000, max_total=150_000, max_per_year=50_000, years=3)
ENVELOPES = [
    el.EnvelopeRef("hors-gcu", "Hors grands centres urbains"),
    el.EnvelopeRef("qpv", "QPV"),
    el.EnvelopeRef("numerique-qpv", "Numérique QPV"),
]
RULES = [
    el.Rule("Hors grands centres", "density_not_in", {"levels": ["Grands centres urbains"]}, ("hors-gcu",)),
    el.Rule("Hors métropole", "metropole_member", {"member": False}, ("hors-gcu",)),
    el.Rule("En QPV", "in_qpv", {"value": True}, ("qpv", "numerique-qpv")),
    el.Rule("Montants", "amounts_within_rules", {}, ()),
]


def facts(**overrides):
    base = dict(
        commune_name="Concarneau",
        density_level="Petites villes",
        population=20_000,
        requested_per_year=(50_000, 40_000, 30_000),
        funding=FUNDING,
    )
    return el.Facts(**(base | overrides))


def test_small_town_outside_metropole_competes_outside_large_centres_only():
    result = el.evaluate(facts(), RULES, ENVELOPES)
    assert result.eligible_codes == ["hors-gcu"]
    qpv = result.envelopes[1]
    assert not qpv.eligible
    assert qpv.reasons == ["Aucun quartier prioritaire (QPV) n’est déclaré pour le projet."]
    assert "Petites villes" in result.envelopes[0].checks[0].explanation


def test_qpv_in_metropole_competes_in_qpv_envelopes_pending_confirmation():
    result = el.evaluate(
        facts(density_level="Grands centres urbains", metropole_member=True, qpv_name="Kerandon"),
        RULES,
        ENVELOPES,
    )
    assert result.eligible_codes == ["qpv", "numerique-qpv"]
    check = result.envelopes[1].checks[0]
    assert check.pending and "à confirmer" in check.explanation
    assert any("métropole" in reason for reason in result.envelopes[0].reasons)


def test_amounts_over_the_rules_close_every_envelope_with_reasons():
    result = el.evaluate(facts(requested_per_year=(60_000, 60_000, 60_000), qpv_name="Q"), RULES, ENVELOPES)
    assert result.eligible_codes == []
    reasons = " ".join(result.envelopes[0].reasons)
    assert "Année 1" in reasons and "plafond annuel" in reasons and "plafond de 150" in reasons


def test_amounts_under_the_minimum_are_explained():
    problems_found = el.funding_problems((10_000, 0, 0), FUNDING)
    assert problems_found == [
        "Le total demandé (10\u202f000\u202f€) est inférieur au minimum de 75\u202f000\u202f€."
    ]


def test_granted_amounts_need_one_positive_amount_per_year_and_say_granted():
    assert el.funding_problems((50_000, 50_000), FUNDING, granted=True) == [
        "Indiquez un montant pour chacune des 3 années."
    ]
    assert el.funding_problems((20_000, 20_000, 20_000), FUNDING, granted=True) == [
        "Le total accordé (60\u202f000\u202f€) est inférieur au minimum de 75\u202f000\u202f€."
    ]
    assert el.funding_problems((0, 0, 0), FUNDING, granted=True)[0] == "Le montant accordé doit être positif."
    assert el.funding_problems((50_000, 40_000, 30_000), FUNDING, granted=True) == []
    # An applicant may ask for fewer years than the call's.
    assert el.funding_problems((50_000, 50_000), FUNDING) == []


@pytest.mark.parametrize(
    ("population", "code"),
    [(0, "lt2k"), (1_999, "lt2k"), (2_000, "2k-10k"), (49_999, "10k-50k"), (200_000, "ge200k"), (None, "")],
)
def test_size_classes(population, code):
    assert el.size_class(population) == code


def test_size_class_rule():
    rule = el.Rule("Petites communes", "size_class_in", {"classes": ["lt2k", "2k-10k"]})
    assert not el.check_rule(facts(population=20_000), rule).ok
    assert el.check_rule(facts(population=3_000), rule).ok
    assert not el.check_rule(facts(population=None), rule).ok


def test_territory_without_labelled_place():
    rule = el.Rule("Territoire sans label", "territory_without_label", {"scope": "epci"})
    assert el.check_rule(facts(epci_name="CCA"), rule).ok
    refused = el.check_rule(facts(epci_name="CCA", epci_has_labelled_place=True), rule)
    assert not refused.ok and "déjà un tiers-lieu labellisé" in refused.explanation
    department = el.Rule("Département sans label", "territory_without_label", {"scope": "department"})
    assert not el.check_rule(facts(department_has_labelled_place=True), department).ok


def test_legal_form_open_for_months_and_flags():
    forms = el.Rule("Formes", "legal_form_in", {"forms": ["association", "scic"]})
    assert el.check_rule(facts(legal_form="scic"), forms).ok
    assert not el.check_rule(facts(legal_form="company"), forms).ok
    assert not el.check_rule(facts(legal_form=""), forms).ok
    months = el.Rule("Ouvert 12 mois", "open_for_months", {"months": 12})
    assert el.check_rule(facts(months_open=12), months).ok
    assert not el.check_rule(facts(months_open=11), months).ok
    assert not el.check_rule(facts(months_open=None), months).ok
    pvd = el.Rule("PVD", "petite_ville_de_demain", {"value": True})
    assert el.check_rule(facts(petite_ville_de_demain=True), pvd).ok
    assert not el.check_rule(facts(), pvd).ok
    density = el.Rule("Rural", "density_in", {"levels": ["Bourgs ruraux"]})
    assert not el.check_rule(facts(), density).ok
    assert not el.check_rule(facts(density_level=""), density).ok


def test_unknown_kind_and_bad_params_never_raise():
    assert not el.check_rule(facts(), el.Rule("X", "nope")).ok
    assert not el.check_rule(facts(), el.Rule("Y", "open_for_months", {"months": "abc"})).ok


def test_rule_without_envelopes_gates_every_envelope():
    result = el.evaluate(
        facts(legal_form="company"),
        [el.Rule("Assos", "legal_form_in", {"forms": ["association"]})],
        ENVELOPES,
    )
    assert result.eligible_codes == []
    assert result.as_dict()["envelopes"][0]["checks"][0]["ok"] is False


def test_clean_params_validates_in_french():
    kind = el.REGISTRY["density_in"]
    assert kind.clean_params({"levels": ["Petites villes"]}) == {"levels": ["Petites villes"]}
    with pytest.raises(ValueError, match="choisissez"):
        kind.clean_params({"levels": ["Lune"]})
    with pytest.raises(ValueError, match="nombre entier"):
        el.REGISTRY["open_for_months"].clean_params({"months": "douze"})
    assert el.REGISTRY["metropole_member"].clean_params({"member": "on"}) == {"member": True}
    assert "Petites villes" in kind.describe({"levels": ["Petites villes"]})


def test_explanations_agree_in_number_and_name_the_commune():
    open_for = el.REGISTRY["open_for_months"].check
    assert open_for(facts(months_open=3), {"months": 1}).explanation == (
        "Le lieu est ouvert depuis 3 mois (au moins 1 exigé)."
    )
    assert open_for(facts(months_open=3), {"months": 12}).explanation == (
        "Le lieu n’est ouvert que depuis 3 mois (12 exigés)."
    )
    density = el.REGISTRY["density_in"].check
    refused = density(facts(commune_name=""), {"levels": ["Grands centres urbains"]})
    assert refused.explanation == (
        "La commune est classée « Petites villes » ; niveaux acceptés : Grands centres urbains."
    )
    one_year = el.FundingRules(min_total=0, max_total=0, max_per_year=0, years=1)
    assert el.funding_problems((1, 1), one_year) == ["La demande porte sur plus d’une année."]
    assert el.funding_problems((1, 1), one_year, granted=True) == [
        "Indiquez un montant pour l’année du financement."
    ]


def test_budget_parse_totals_and_problems():
    values = {
        "budget-expenses-staff-1": "60 000",
        "budget-resources-requested-1": "50000",
        "budget-resources-own-1": "10000",
        "budget-expenses-other-2": "-5",
        "budget-expenses-other-3": "abc",
    }
    budget, errors = parse(values, 3)
    assert set(errors) == {"budget-expenses-other-2", "budget-expenses-other-3"}
    result = totals(budget, 3)
    assert result.expenses == (60_000, 0, 0) and result.requested_total == 50_000
    found = problems(budget, FUNDING)
    assert "inférieur au minimum" in " ".join(found)
    unbalanced, _ = parse({"budget-expenses-staff-1": "100", "budget-resources-own-1": "90"}, 3)
    assert any("pas équilibré" in p for p in problems(unbalanced, FUNDING))


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PARAM_NAMES = sorted({param.name for kind in el.REGISTRY.values() for param in kind.params})
_keys = st.sampled_from(_PARAM_NAMES) | st.text(max_size=8)
_any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from([*el.REGISTRY, "unknown"]),
    params=st.dictionaries(_keys, _any_json),
    population=st.none() | st.integers(min_value=0, max_value=3_000_000),
    amounts=st.lists(st.integers(min_value=-(10**9), max_value=10**9), max_size=5),
    months=st.none() | st.integers(min_value=-5, max_value=600),
)
def test_evaluation_never_raises_and_always_explains(kind, params, population, amounts, months):
    facts = el.Facts(
        population=population, requested_per_year=tuple(amounts), months_open=months, funding=FUNDING
    )
    result = el.evaluate(facts, [el.Rule("Règle", kind, params)], ENVELOPES)
    for envelope in result.envelopes:
        assert all(check.explanation for check in envelope.checks)
        assert envelope.eligible == all(check.ok for check in envelope.checks)


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(list(el.REGISTRY)), raw=st.dictionaries(_keys, _any_json))
def test_clean_params_accepts_or_refuses_in_french(kind, raw):
    condition = el.REGISTRY[kind]
    try:
        cleaned = condition.clean_params(raw)
    except ValueError as error:
        assert str(error).startswith("« ")  # noqa: PT017 (hypothesis draws both outcomes: either is valid)
    else:
        assert set(cleaned) == {param.name for param in condition.params}
        assert condition.describe(cleaned)


# --- Rules said as sentences; what is missing is not a refusal ----------------------------------------------
@pytest.mark.parametrize(
    ("kind", "params", "sentence"),
    [
        (
            "density_not_in",
            {"levels": ["Grands centres urbains"]},
            "La commune du lieu ne doit pas être classée « Grands centres urbains » dans la grille communale de "
            "densité de l’Insee.",
        ),
        ("metropole_member", {"member": False}, "La commune du lieu ne doit pas appartenir à une métropole."),
        (
            "size_class_in",
            {"classes": ["lt2k", "2k-10k"]},
            "La commune du lieu doit compter moins de 2 000 habitants ou de 2 000 à 9 999 habitants.",
        ),
        (
            "legal_form_in",
            {"forms": ["association", "scic"]},
            "La structure qui porte le projet doit être : association ou SCIC.",
        ),
        ("open_for_months", {"months": 12}, "Le lieu doit être ouvert au public depuis au moins 12 mois."),
        (
            "in_qpv",
            {"value": True},
            "Le projet doit se situer dans un quartier prioritaire de la politique de la ville (QPV).",
        ),
    ],
)
def test_rules_read_as_sentences(kind, params, sentence):
    text = el.describe(kind, params)
    assert text == sentence
    assert "(" not in text.replace("(QPV)", "")  # no "(membre : non)", "(niveaux : …)"


def test_an_empty_budget_is_missing_not_a_refusal():
    rules = [
        el.Rule("Montants", "amounts_within_rules"),
        el.Rule("Hors métropole", "metropole_member", {"member": False}),
    ]
    envelope = el.EnvelopeRef("hors-gcu", "Hors grands centres urbains")
    result = el.evaluate(el.Facts(commune_name="Concarneau", funding=FUNDING), rules, [envelope]).envelopes[0]
    assert not result.eligible and result.incomplete and not result.failed
    assert [c.rule for c in result.missing] == ["Montants"]
    assert "étape 3" in result.missing[0].explanation
    refused = el.evaluate(
        el.Facts(metropole_member=True, requested_per_year=(10_000,), funding=FUNDING), rules, [envelope]
    ).envelopes[0]
    assert not refused.incomplete and [c.rule for c in refused.failed] == ["Montants", "Hors métropole"]
