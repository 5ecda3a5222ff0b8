"""Configuration of a call by programme staff: permission matrix and bad input."""

import pytest
from django.urls import reverse

from tierslieux.calls.models import Call, Criterion, EligibilityRule, Envelope, Question, Wave

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"calls:{name}", args=args)


def test_manage_pages_matrix(
    client_for, call, applicant, reviewer, programme_staff, other_staff, administrator
):
    for user in (None, applicant, reviewer):
        client = client_for(user)
        for path in (
            url("manage_index"),
            url("call_manage", call.pk),
            url("call_create"),
            url("call_applications", call.pk),
        ):
            response = client.get(path)
            assert response.status_code == (302 if user is None else 404), (user, path)
    for user in (programme_staff, other_staff, administrator):
        client = client_for(user)
        assert client.get(url("manage_index")).status_code == 200
        assert client.get(url("call_manage", call.pk)).status_code == 200
        assert client.get(url("call_applications", call.pk)).status_code == 200
    # Outside the call's team: read-only.
    page = client_for(other_staff).get(url("call_manage", call.pk)).content.decode()
    assert "lecture seule" in page and "Ajouter une enveloppe" not in page
    assert client_for(other_staff).get(url("call_edit", call.pk)).status_code == 403
    assert (
        client_for(other_staff)
        .post(url("item_add", call.pk, "enveloppes"), {"enveloppes-name": "X"})
        .status_code
        == 403
    )
    envelope = call.envelopes.first()
    assert (
        client_for(other_staff).post(url("item_delete", call.pk, "enveloppes", envelope.pk)).status_code
        == 403
    )
    assert Envelope.objects.filter(pk=envelope.pk).exists()
    assert client_for(administrator).get(url("call_edit", call.pk)).status_code == 200


def test_create_a_call_and_join_its_team(client_for, programme_staff):
    client = client_for(programme_staff)
    response = client.post(
        url("call_create"),
        {
            "title": "Fabriques numériques",
            "summary": "",
            "description": "## Objet",
            "total_budget": 1_000_000,
            "min_total_amount": 75_000,
            "max_total_amount": 150_000,
            "max_per_year": 50_000,
            "years": 3,
            "is_published": "on",
        },
    )
    call = Call.objects.get(title="Fabriques numériques")
    assert response["Location"] == url("call_manage", call.pk)
    assert call.slug == "fabriques-numeriques" and list(call.staff.all()) == [programme_staff]


def test_bad_call_input_keeps_what_was_typed(client_for, programme_staff):
    response = client_for(programme_staff).post(
        url("call_create"),
        {
            "title": "Appel mal réglé",
            "total_budget": "-3",
            "min_total_amount": 200_000,
            "max_total_amount": 100_000,
            "max_per_year": 0,
            "years": 9,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Appel mal réglé" in page and not Call.objects.exists()
    response = client_for(programme_staff).post(
        url("call_create"),
        {
            "title": "Appel mal réglé",
            "total_budget": 3,
            "min_total_amount": 200_000,
            "max_total_amount": 100_000,
            "max_per_year": 0,
            "years": 3,
        },
    )
    assert response.status_code == 400 and "dépasse le montant maximal" in response.content.decode()


def test_reserved_slugs_are_avoided(client_for, programme_staff):
    client_for(programme_staff).post(
        url("call_create"),
        {
            "title": "Gestion",
            "total_budget": 0,
            "min_total_amount": 0,
            "max_total_amount": 0,
            "max_per_year": 0,
            "years": 3,
        },
    )
    assert Call.objects.get().slug == "gestion-2"


def test_team_adds_envelopes_waves_criteria_questions(client_for, call, programme_staff):
    client = client_for(programme_staff)
    assert client.get(url("item_add", call.pk, "enveloppes")).status_code == 200
    response = client.post(
        url("item_add", call.pk, "enveloppes"),
        {
            "enveloppes-name": "Numérique QPV",
            "enveloppes-code": "",
            "enveloppes-max_laureates": 30,
            "enveloppes-position": 3,
        },
    )
    assert response.status_code == 302
    assert call.envelopes.get(name="Numérique QPV").code == "numerique-qpv"
    duplicate = client.post(
        url("item_add", call.pk, "enveloppes"),
        {"enveloppes-name": "Doublon", "enveloppes-code": "qpv", "enveloppes-position": 4},
    )
    assert duplicate.status_code == 400 and "utilise déjà le code" in duplicate.content.decode()
    wave = client.post(
        url("item_add", call.pk, "vagues"),
        {
            "vagues-name": "Vague 2",
            "vagues-opens_at": "2027-01-05T09:00",
            "vagues-closes_at": "2027-03-31T12:00:00",
        },
    )
    assert wave.status_code == 302
    created = call.waves.get(name="Vague 2")
    assert created.closes_at.isoformat() == "2027-03-31T10:00:00+00:00"  # 12:00 in Paris
    backwards = client.post(
        url("item_add", call.pk, "vagues"),
        {
            "vagues-name": "À l’envers",
            "vagues-opens_at": "2027-03-01T09:00",
            "vagues-closes_at": "2027-01-01T09:00",
        },
    )
    assert backwards.status_code == 400 and "La clôture doit suivre" in backwards.content.decode()
    assert not Wave.objects.filter(name="À l’envers").exists()
    criterion = client.post(
        url("item_add", call.pk, "criteres"),
        {
            "criteres-name": "Gouvernance",
            "criteres-description": "Ouverte",
            "criteres-weight": 3,
            "criteres-position": 2,
        },
    )
    assert criterion.status_code == 302 and Criterion.objects.get(name="Gouvernance").weight == 3
    bad_weight = client.post(
        url("item_add", call.pk, "criteres"),
        {"criteres-name": "Zéro", "criteres-weight": 0, "criteres-position": 2},
    )
    assert bad_weight.status_code == 400
    question = client.post(
        url("item_add", call.pk, "questions"),
        {
            "questions-label": "Statut du lieu",
            "questions-kind": "choice",
            "questions-choices_text": "Location\nPropriété",
            "questions-required": "on",
            "questions-position": 1,
        },
    )
    assert question.status_code == 302
    assert Question.objects.get(label="Statut du lieu").choices == ["Location", "Propriété"]
    one_choice = client.post(
        url("item_add", call.pk, "questions"),
        {
            "questions-label": "Seul",
            "questions-kind": "choice",
            "questions-choices_text": "Oui",
            "questions-position": 1,
        },
    )
    assert one_choice.status_code == 400
    edit = client.post(
        url("item_edit", call.pk, "enveloppes", call.envelopes.get(code="qpv").pk),
        {"enveloppes-name": "Quartiers prioritaires", "enveloppes-code": "qpv", "enveloppes-position": 1},
    )
    assert edit.status_code == 302 and call.envelopes.get(code="qpv").name == "Quartiers prioritaires"
    assert client.get(url("item_add", call.pk, "inconnu")).status_code == 404


def test_items_of_another_call_are_404(client_for, call, programme_staff):
    from tests.factories.calls import EnvelopeFactory

    foreign = EnvelopeFactory()
    client = client_for(programme_staff)
    assert client.get(url("item_edit", call.pk, "enveloppes", foreign.pk)).status_code == 404
    assert client.post(url("item_delete", call.pk, "enveloppes", foreign.pk)).status_code == 404


def test_compose_a_rule_from_the_list(client_for, call, programme_staff):
    client = client_for(programme_staff)
    page = client.get(url("rule_add", call.pk)).content.decode()
    assert "Territoire sans tiers-lieu labellisé" in page and "Petite ville de demain" in page
    qpv = call.envelopes.get(code="qpv")
    response = client.post(
        url("rule_add", call.pk),
        {
            "regle-name": "",
            "regle-kind": "open_for_months",
            "regle-open_for_months__months": 12,
            "regle-envelopes": [qpv.pk],
        },
    )
    assert response.status_code == 302
    rule = EligibilityRule.objects.get(kind="open_for_months")
    assert rule.params == {"months": 12} and list(rule.envelopes.all()) == [qpv]
    assert rule.name == "Le lieu doit être ouvert au public depuis au moins 12 mois."
    missing = client.post(url("rule_add", call.pk), {"regle-kind": "density_in"})
    assert missing.status_code == 400 and "choisissez au moins une valeur" in missing.content.decode()
    forged = client.post(url("rule_add", call.pk), {"regle-kind": "exec_python"})
    assert forged.status_code == 400
    assert client.post(url("item_delete", call.pk, "regles", rule.pk)).status_code == 302
    assert not EligibilityRule.objects.filter(pk=rule.pk).exists()


def test_a_wave_with_dossiers_cannot_be_deleted(client_for, draft, programme_staff):
    response = client_for(programme_staff).post(url("item_delete", draft.call.pk, "vagues", draft.wave.pk))
    assert response.status_code == 409 and "en dépendent" in response.content.decode()


def test_team_is_chosen_among_programme_staff(client_for, call, programme_staff, other_staff, applicant):
    client = client_for(programme_staff)
    page = client.get(url("call_staff", call.pk)).content.decode()
    assert other_staff.display_name in page and applicant.display_name not in page
    assert "@example.org" not in page
    client.post(url("call_staff", call.pk), {"staff": [programme_staff.pk, other_staff.pk]})
    assert set(call.staff.all()) == {programme_staff, other_staff}
    assert client_for(other_staff).get(url("call_edit", call.pk)).status_code == 200
    refused = client.post(url("call_staff", call.pk), {"staff": [applicant.pk]})
    assert refused.status_code == 400 and set(call.staff.all()) == {programme_staff, other_staff}


def test_public_call_page_states_the_amounts_and_the_targets_in_whole_sentences(client, call):
    content = " ".join(client.get("/appels/fabriques/").content.decode().split()).replace("\u202f", " ")
    assert "Par lauréat : de 75 000 € à 150 000 € sur 3 ans. Au plus 50 000 € par an." in content
    assert "(30 lauréats visés)" in content
    call.max_total_amount, call.max_per_year, call.years = 0, 0, 1
    call.save()
    wave = call.waves.get()
    wave.target_laureates = 1
    wave.save()
    content = " ".join(client.get("/appels/fabriques/").content.decode().split()).replace("\u202f", " ")
    assert "Par lauréat : au moins 75 000 € sur 1 an, sans plafond total." in content
    assert "Au plus" not in content and "(1 lauréat visé)" in content


def test_call_management_counts_submitted_dossiers_not_drafts(
    client_for, programme_staff, call, applicant, place
):
    from tests.factories.calls import ApplicationFactory
    from tierslieux.calls.models import Status

    wave = call.waves.get()
    ApplicationFactory(call=call, wave=wave, applicant=applicant, place=place)  # a draft
    for status in (Status.SUBMITTED, Status.IN_REVIEW):
        ApplicationFactory(call=call, wave=wave, applicant=applicant, place=place, status=status)
    page = client_for(programme_staff).get(url("call_manage", call.pk)).content.decode()
    assert "Dossiers déposés (2)" in page
