"""Every page of the follow-up and who may see it (anonymous visitors, strangers, the beneficiary, programme
staff outside the call's team, the call's team), and what the pages do: forms keeping what was typed, autosave,
refusals as French 4xx, filters in the URL, exports."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories.followup import INDICATORS, pdf, png, sign, submit_report, user_with
from tierslieux.accounts.roles import Role
from tierslieux.followup.models import Agreement, CensusCampaign, Tranche
from tierslieux.followup.services import census as census_services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def world(laureate):
    """A laureate signed a year ago (its first report submitted), and one person per role."""
    sign(
        laureate.agreement,
        laureate.staff,
        signed_on=TODAY - timedelta(days=370),
        start=TODAY - timedelta(days=380),
    )
    report = laureate.agreement.reports.get(year=1)
    submit_report(report, laureate.manager)
    return {
        "laureate": laureate,
        "agreement": laureate.agreement,
        "report": report,
        "tranche": laureate.agreement.tranches.get(number=1),
        "users": {
            "anonymous": None,
            "stranger": user_with(None, email="inconnu@example.org"),
            "manager": laureate.manager,
            "applicant": laureate.applicant,
            "reader": user_with(Role.PROGRAMME_STAFF, email="lecture@example.org"),
            "staff": laureate.staff,
        },
    }


def status_of(client_for, world, who, method, url, data=None):
    client = client_for(world["users"][who])
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    if response.streaming:  # read a download to its end: the client closes its file (warnings are errors)
        b"".join(response.streaming_content)
    if who == "anonymous" and response.status_code == 302:
        assert "/comptes/connexion/" in response["Location"]
    return response.status_code


ROLES = ["anonymous", "stranger", "manager", "applicant", "reader", "staff"]
PAGES = [
    # (name, args from world, method, expected per role in ROLES order)
    ("agreement", "agreement", "get", [302, 404, 200, 200, 200, 200]),
    ("agreement_edit", "agreement", "get", [302, 404, 403, 403, 403, 409]),  # signed: only by amendment
    ("agreement_sign", "agreement", "get", [302, 404, 403, 403, 403, 200]),
    ("agreement_amend", "agreement", "get", [302, 404, 403, 403, 403, 200]),
    ("agreement_terminate", "agreement", "get", [302, 404, 403, 403, 403, 200]),
    ("agreement_complete", "agreement", "post", [302, 404, 403, 403, 403, 409]),
    ("agreement_file", "agreement", "get", [302, 404, 200, 200, 200, 200]),
    ("tranche", "tranche", "get", [302, 404, 200, 200, 200, 200]),
    ("report", "report", "get", [302, 404, 200, 200, 200, 200]),
    ("report_accept", "report", "post", [302, 404, 403, 403, 403, 302]),
    ("report_corrections", "report", "post", [302, 404, 403, 403, 403, 400]),  # no message: 400
    ("dashboard", None, "get", [302, 403, 403, 403, 200, 200]),
    ("campaigns", None, "get", [302, 403, 403, 403, 200, 200]),
    ("my_places", None, "get", [302, 200, 200, 200, 200, 200]),
]


@pytest.mark.parametrize(("name", "target", "method", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_who_may_see_each_page(client_for, world, name, target, method, expected):
    url = reverse(f"followup:{name}", args=[world[target].pk] if target else [])
    got = [status_of(client_for, world, who, method, url) for who in ROLES]
    assert got == expected


def test_export_and_manager_pages_roles(client_for, world):
    for what in ("conventions", "tranches"):
        for extension in ("csv", "xlsx"):
            url = reverse("followup:export", args=[what, extension])
            assert [status_of(client_for, world, who, "get", url) for who in ROLES] == [
                302,
                403,
                403,
                403,
                200,
                200,
            ]
    assert client_for(world["users"]["staff"]).get("/suivi/export/autre.csv").status_code == 404
    place_url = reverse("followup:place", args=[world["laureate"].place.slug])
    assert [status_of(client_for, world, who, "get", place_url) for who in ROLES] == [
        302,
        404,
        200,
        404,
        404,
        404,
    ]


def test_tranche_actions_are_for_the_calls_team(client_for, world):
    url = reverse("followup:tranche", args=[world["tranche"].pk])
    data = {"action": "commit", "commit-on": TODAY.isoformat()}
    assert [
        status_of(client_for, world, who, "post", url, data) for who in ("stranger", "manager", "reader")
    ] == [404, 403, 403]
    staff = client_for(world["users"]["staff"])
    bad = staff.post(url, {"action": "commit", "commit-on": (TODAY + timedelta(days=3)).isoformat()})
    assert bad.status_code == 400 and "futur" in bad.content.decode()
    assert staff.post(url, {"action": "pay"}).status_code == 400  # not committed: form errors, nothing done
    assert staff.post(url, data).status_code == 302
    assert Tranche.objects.get(pk=world["tranche"].pk).status == "committed"
    refused = staff.post(url, {"action": "release"})
    assert refused.status_code == 409 and "n’est pas possible" in refused.content.decode()


def test_report_page_for_the_beneficiary_is_a_form_until_submitted(client_for, world):
    manager = client_for(world["users"]["manager"])
    second = world["agreement"].reports.get(year=2)
    page = manager.get(reverse("followup:report", args=[second.pk])).content.decode()
    assert (
        'id="step-form"' in page and "prérempli" in page and 'value="220"' in page
    )  # from the year-1 report
    submitted = manager.get(reverse("followup:report", args=[world["report"].pk])).content.decode()
    assert 'id="step-form"' not in submitted and "Déposé" in submitted
    # Posting to a submitted report: 409 (htmx: the autosave fragment says it).
    assert (
        manager.post(reverse("followup:report", args=[world["report"].pk]), {"revision": 1}).status_code
        == 409
    )
    fragment = manager.post(
        reverse("followup:report", args=[world["report"].pk]), {"revision": 1}, HTTP_HX_REQUEST="true"
    )
    assert "plus modifiable" in fragment.content.decode()
    staff_page = (
        client_for(world["users"]["staff"])
        .get(reverse("followup:report", args=[world["report"].pk]))
        .content.decode()
    )
    assert "Accepter le rapport" in staff_page and 'id="step-form"' not in staff_page
    reader_page = (
        client_for(world["users"]["reader"])
        .get(reverse("followup:report", args=[world["report"].pk]))
        .content.decode()
    )
    assert "Accepter le rapport" not in reader_page


def test_report_autosave_and_stale_revision(client_for, world):
    manager = client_for(world["users"]["manager"])
    second = world["agreement"].reports.get(year=2)
    url = reverse("followup:report", args=[second.pk])
    saved = manager.post(url, {"revision": 1, "tab": "A", "members": "42"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and "Enregistré à" in saved.content.decode()
    assert 'name="revision" value="2"' in saved.content.decode()
    stale = manager.post(url, {"revision": 1, "tab": "B", "members": "43"})
    assert stale.status_code == 409 and "modifié entre-temps" in stale.content.decode()
    assert 'value="43"' in stale.content.decode()  # what was typed is kept
    invalid = manager.post(url, {"revision": 2, "members": "beaucoup"})
    assert invalid.status_code == 400 and 'value="beaucoup"' in invalid.content.decode()
    not_ready = manager.post(url, {"revision": 2, "tab": "A", "members": "42", "go": "submit"})
    assert not_ready.status_code == 302
    assert "ne peut pas encore être déposé" in manager.get(url).content.decode()


def test_report_attachments_through_the_pages(client_for, world):
    manager = client_for(world["users"]["manager"])
    second = world["agreement"].reports.get(year=2)
    upload = reverse("followup:report_attachment_upload", args=[second.pk])
    executable = SimpleUploadedFile("compte.pdf", b"MZ\x90\x00\x03", content_type="application/pdf")
    refused = manager.post(upload, {"kind": "financial_statement", "file": executable})
    assert refused.status_code == 400 and "son contenu a été vérifié" in refused.content.decode()
    assert manager.post(upload, {"kind": "financial_statement", "file": pdf("compte.pdf")}).status_code == 302
    attachment = second.attachments.get()
    download = manager.get(reverse("followup:report_attachment", args=[second.pk, attachment.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # read to its end: its file is closed
    stranger = client_for(world["users"]["stranger"])
    assert (
        stranger.get(reverse("followup:report_attachment", args=[second.pk, attachment.pk])).status_code
        == 404
    )
    other = reverse("followup:report_attachment", args=[world["report"].pk, attachment.pk])
    assert manager.get(other).status_code == 404  # another report's file
    assert (
        client_for(world["users"]["staff"]).post(upload, {"kind": "other", "file": pdf()}).status_code == 403
    )
    delete = reverse("followup:report_attachment_delete", args=[second.pk, attachment.pk])
    assert client_for(world["users"]["reader"]).post(delete).status_code == 403
    assert manager.post(delete).status_code == 302 and not second.attachments.exists()


def test_staff_ask_corrections_then_accept_from_the_report_page(client_for, world):
    staff, manager = client_for(world["users"]["staff"]), client_for(world["users"]["manager"])
    report = world["report"]
    assert (
        staff.post(
            reverse("followup:report_corrections", args=[report.pk]), {"message": "Ajoutez le bilan."}
        ).status_code
        == 302
    )
    report.refresh_from_db()
    assert report.status == "corrections"
    assert "Ajoutez le bilan." in manager.get(reverse("followup:report", args=[report.pk])).content.decode()
    data = {name: value for name, value in INDICATORS.items() if name != "services"}
    resubmitted = manager.post(
        reverse("followup:report", args=[report.pk]),
        {**data, "services": INDICATORS["services"], "revision": report.revision, "go": "submit"},
    )
    assert resubmitted.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.versions.count() == 2
    assert staff.post(reverse("followup:report_accept", args=[report.pk])).status_code == 302
    assert Tranche.objects.get(agreement=world["agreement"], number=2).status == "due"


def test_signing_through_the_page_keeps_the_form_on_a_bad_file(client_for, laureate):
    from tests.factories.followup import complete

    complete(laureate.agreement, laureate.staff, start=TODAY - timedelta(days=10))
    staff = client_for(laureate.staff)
    url = reverse("followup:agreement_sign", args=[laureate.agreement.pk])
    bad = staff.post(url, {"signed_on": TODAY.isoformat(), "signed_file": png("convention.pdf")})
    assert bad.status_code == 400 and "n’est pas un PDF" in bad.content.decode()
    assert f'value="{TODAY.isoformat()}"' in bad.content.decode()
    good = staff.post(url, {"signed_on": TODAY.isoformat(), "signed_file": pdf()})
    assert good.status_code == 302
    agreement = Agreement.objects.get(pk=laureate.agreement.pk)
    assert agreement.status == "signed" and agreement.tranches.count() == 3
    page = staff.get(reverse("followup:agreement", args=[agreement.pk])).content.decode()
    assert "Tranche 1" in page and "Marquer comme signée" in page  # the log names the action


def test_the_draft_page_shows_what_is_missing_and_the_planned_calendar(client_for, laureate):
    staff = client_for(laureate.staff)
    page = staff.get(reverse("followup:agreement", args=[laureate.agreement.pk])).content.decode()
    assert "À compléter avant la signature" in page and "représentant légal" in page
    edit = reverse("followup:agreement_edit", args=[laureate.agreement.pk])
    bad = staff.post(
        edit,
        {
            "siret": "73282932000075",
            "beneficiary_name": "Asso",
            "duration_months": 36,
            "report_delay_days": 60,
        },
    )
    assert (
        bad.status_code == 400
        and "clé de contrôle" in bad.content.decode()
        and 'value="Asso"' in bad.content.decode()
    )
    ok = staff.post(
        edit,
        {
            "beneficiary_name": "Asso",
            "siret": "732 829 320 00074",
            "duration_months": 36,
            "report_delay_days": 60,
            "start_date": "2025-01-01",
            "purpose": "Objet",
        },
    )
    assert ok.status_code == 302
    page = staff.get(reverse("followup:agreement", args=[laureate.agreement.pk])).content.decode()
    assert "Calendrier prévu à la signature" in page and "1er mars 2026" in page


def test_amendment_through_the_page(client_for, world):
    staff = client_for(world["users"]["staff"])
    url = reverse("followup:agreement_amend", args=[world["agreement"].pk])
    incomplete = staff.post(
        url, {"kind": "amount", "effective_on": TODAY.isoformat(), "reason": "Hausse.", "amount_1": "50000"}
    )
    assert (
        incomplete.status_code == 400 and "Indiquez le montant de cette année." in incomplete.content.decode()
    )
    refused = staff.post(
        url,
        {
            "kind": "amount",
            "effective_on": TODAY.isoformat(),
            "reason": "Hausse.",
            "amount_1": "50000",
            "amount_2": "70000",
            "amount_3": "30000",
        },
    )
    assert refused.status_code == 400 and "plafond annuel" in refused.content.decode()
    done = staff.post(
        url,
        {
            "kind": "duration",
            "effective_on": TODAY.isoformat(),
            "reason": "Travaux.",
            "duration_months": "40",
            "signed_file": pdf("avenant.pdf"),
        },
    )
    assert done.status_code == 302
    download = client_for(world["users"]["manager"]).get(
        reverse("followup:amendment_file", args=[world["agreement"].pk, 1])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # read to its end: its file is closed
    assert (
        client_for(world["users"]["stranger"])
        .get(reverse("followup:amendment_file", args=[world["agreement"].pk, 1]))
        .status_code
        == 404
    )


def test_dashboard_figures_filters_and_exports(client_for, world):
    staff = client_for(world["users"]["staff"])
    tranche = world["tranche"]
    staff.post(
        reverse("followup:tranche", args=[tranche.pk]), {"action": "commit", "commit-on": TODAY.isoformat()}
    )
    page = staff.get(reverse("followup:dashboard")).content.decode()
    assert world["agreement"].reference in page and "50\u202f000\u202f€" in page
    call = world["laureate"].call
    filtered = staff.get(
        reverse("followup:dashboard"), {"appel": call.pk, "annee": TODAY.year, "statut": "signed"}
    )
    assert filtered.status_code == 200 and f"appel={call.pk}" in filtered.content.decode()
    ignored = staff.get(
        reverse("followup:dashboard"), {"appel": "abc", "statut": "nimporte"}
    ).content.decode()
    assert "n’est pas un nombre" in ignored and "statut inconnu" in ignored
    empty = staff.get(reverse("followup:dashboard"), {"statut": "completed"}).content.decode()
    assert "Aucune convention." in empty
    csv = staff.get(reverse("followup:export", args=["conventions", "csv"]), {"appel": call.pk})
    text = csv.content.decode("utf-8-sig")
    assert text.startswith("convention;dossier;appel") and world["agreement"].reference in text
    xlsx = staff.get(reverse("followup:export", args=["tranches", "xlsx"]))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("convention", "appel", "enveloppe") and len(rows) == 4
    assert rows[1][6] == "Engagée"


def test_exports_never_write_formulas(client_for, world):
    Agreement.objects.filter(pk=world["agreement"].pk).update(beneficiary_name='=HYPERLINK("x")')
    staff = client_for(world["users"]["staff"])
    text = staff.get(reverse("followup:export", args=["conventions", "csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    workbook = load_workbook(
        io.BytesIO(staff.get(reverse("followup:export", args=["conventions", "xlsx"])).content)
    )
    cell = workbook.active.cell(row=2, column=7)
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


def test_manager_page_gathers_everything_and_what_is_due_next(client_for, world):
    laureate = world["laureate"]
    campaign = census_services.campaign_create(
        actor=laureate.staff,
        year=TODAY.year,
        title="Recensement annuel",
        closes_on=TODAY + timedelta(days=20),
    )
    census_services.campaign_open(campaign=campaign, actor=laureate.staff)
    page = (
        client_for(laureate.manager)
        .get(reverse("followup:place", args=[laureate.place.slug]))
        .content.decode()
    )
    for text in (
        laureate.application.reference,
        world["agreement"].reference,
        "Tranches de",
        "Rapports de",
        "Recensement annuel",
        "Répondre au Recensement annuel",
    ):
        assert text in page, text
    assert reverse("followup:census_answer_signed_in", args=[campaign.pk, laureate.place.slug]) in page
    places = client_for(laureate.manager).get(reverse("followup:my_places")).content.decode()
    assert laureate.place.name in places


def test_census_pages(client_for, world, mailbox, django_capture_on_commit_callbacks):
    import re

    staff = client_for(world["users"]["reader"])  # any programme staff runs the census
    created = staff.post(
        reverse("followup:campaigns"),
        {"year": TODAY.year, "title": "Recensement", "closes_on": (TODAY + timedelta(days=9)).isoformat()},
    )
    campaign = CensusCampaign.objects.get()
    assert created.status_code == 302
    assert (
        staff.post(
            reverse("followup:campaigns"), {"year": TODAY.year, "title": "Bis", "closes_on": "2099-01-01"}
        ).status_code
        == 409
    )
    assert (
        client_for(world["users"]["manager"])
        .post(reverse("followup:campaign_open", args=[campaign.pk]))
        .status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(reverse("followup:campaign_open", args=[campaign.pk])).status_code == 302
    rates = staff.get(
        reverse("followup:campaign", args=[campaign.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Taux de réponse par région" in rates and "<html" not in rates
    link = re.search(
        r"(/suivi/recensement/[^/\s]+/)", mailbox.text(mailbox.wait_for(world["users"]["manager"].email)[-1])
    ).group(1)
    anonymous = client_for(None)
    assert anonymous.get(link).status_code == 200
    assert anonymous.get(link[:-3] + "zz/").status_code == 404
    answered = anonymous.post(
        link,
        {"still_open": "yes", "types": ["coworking"], "users_per_month": "120", "legal_form": "association"},
    )
    assert answered.status_code == 302
    assert "Réponse reçue" in anonymous.get(link).content.decode()
    assert anonymous.post(link, {"still_open": "yes"}).status_code == 409
    signed_in = reverse("followup:census_answer_signed_in", args=[campaign.pk, world["laureate"].place.slug])
    assert client_for(world["users"]["stranger"]).get(signed_in).status_code == 403
    assert client_for(world["users"]["manager"]).get(signed_in).status_code == 200
    assert staff.post(reverse("followup:campaign_close", args=[campaign.pk])).status_code == 302
    assert anonymous.get(link).status_code == 410


def test_campaign_pages_are_for_programme_staff(client_for, world):
    campaign = CensusCampaign.objects.create(
        year=TODAY.year, title="Recensement", closes_on=TODAY + timedelta(days=9)
    )
    for name, method in (("campaign", "get"), ("campaign_open", "post"), ("campaign_close", "post")):
        url = reverse(f"followup:{name}", args=[campaign.pk])
        got = [status_of(client_for, world, who, method, url) for who in ("anonymous", "stranger", "manager")]
        assert got == [302, 403, 403], name
    assert (
        client_for(world["users"]["reader"]).get(reverse("followup:campaign", args=[campaign.pk])).status_code
        == 200
    )
    closing = client_for(world["users"]["staff"]).post(reverse("followup:campaign_close", args=[campaign.pk]))
    assert closing.status_code == 409  # not open yet
