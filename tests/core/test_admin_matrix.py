"""The Django admin, model × role × action: administrators only (second factor verified); workflow records
(dossiers, statuses, transition logs, decisions, runs, contributions) are read-only there, and a call's team
is not editable there (it changes through the staff pages only)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from tests.calls.reviewkit import user_with
from tests.factories.contributions import (
    ClaimFactory,
    ContactMessageFactory,
    ErrorReportFactory,
    ProposalFactory,
)
from tests.factories.followup import followup_world
from tests.factories.network import network_world
from tests.factories.news import news_world
from tests.factories.selection import selection_world
from tierslieux.accounts.roles import Role

pytestmark = pytest.mark.django_db

ACTIONS = ["changelist", "add", "change", "delete"]
EDIT, VIEW, ALLOWED, REFUSED = "edit", "view", 200, 403
READ_ONLY = {"changelist": 200, "add": REFUSED, "change": VIEW, "delete": REFUSED}

# Administrator outcome per model: changelist and delete are HTTP statuses; add is 200/403; change is
# EDIT (a form that saves) or VIEW (the read-only page).
EXPECTED = {
    "auth.group": {"changelist": 200, "add": ALLOWED, "change": EDIT, "delete": ALLOWED},
    "dsfr.dsfrconfig": {"changelist": 200, "add": ALLOWED, "change": EDIT, "delete": ALLOWED},
    "django_tasks_database.dbtaskresult": {
        "changelist": 200,
        "add": REFUSED,
        "change": VIEW,
        "delete": REFUSED,
    },
    # Login lockouts: an administrator unlocks by deleting the attempt (django-axes shows every field
    # read-only on its change page).
    "axes.accessattempt": {"changelist": 200, "add": REFUSED, "change": EDIT, "delete": ALLOWED},
    "axes.accesslog": {"changelist": 200, "add": REFUSED, "change": EDIT, "delete": ALLOWED},
    "axes.accessfailurelog": {"changelist": 200, "add": REFUSED, "change": EDIT, "delete": ALLOWED},
    # A lost phone: an administrator removes the person's device, who then enrols again.
    "otp_totp.totpdevice": {"changelist": 200, "add": ALLOWED, "change": EDIT, "delete": ALLOWED},
    "otp_static.staticdevice": {"changelist": 200, "add": ALLOWED, "change": EDIT, "delete": ALLOWED},
    "accounts.user": {"changelist": 200, "add": ALLOWED, "change": EDIT, "delete": ALLOWED},
    "accounts.signuprequest": {"changelist": 200, "add": REFUSED, "change": VIEW, "delete": REFUSED},
    "place_contributions.proposal": {"changelist": 200, "add": REFUSED, "change": VIEW, "delete": REFUSED},
    "place_contributions.errorreport": {"changelist": 200, "add": REFUSED, "change": VIEW, "delete": REFUSED},
    "place_contributions.claim": {"changelist": 200, "add": REFUSED, "change": VIEW, "delete": REFUSED},
    "place_contributions.contactmessage": {
        "changelist": 200,
        "add": REFUSED,
        "change": VIEW,
        "delete": REFUSED,
    },
    "calls.call": {"changelist": 200, "add": ALLOWED, "change": EDIT, "delete": REFUSED},
    "calls.application": {"changelist": 200, "add": REFUSED, "change": VIEW, "delete": REFUSED},
    "calls.decision": {"changelist": 200, "add": REFUSED, "change": VIEW, "delete": REFUSED},
    "selection.run": {"changelist": 200, "add": REFUSED, "change": VIEW, "delete": REFUSED},
    "selection.proposeddecision": {"changelist": 200, "add": REFUSED, "change": VIEW, "delete": REFUSED},
    # The follow-up (public money, what beneficiaries submitted), the network, the news' articles and
    # comments and the alerts' ledger change through their services and pages only.
    **dict.fromkeys(
        [
            "followup.agreement",
            "followup.agreementversion",
            "followup.amendment",
            "followup.annualreport",
            "followup.censusanswer",
            "followup.censuscampaign",
            "followup.reportreminder",
            "followup.reportversion",
            "followup.tranche",
            "network.abusereport",
            "network.event",
            "network.icssource",
            "network.listing",
            "network.mentoringrequest",
            "network.mentoroffer",
            "network.pairing",
            "network.resource",
            "news.article",
            "news.comment",
            "alerts.consentevent",
            "alerts.subscription",
            "alerts.suppression",
        ],
        READ_ONLY,
    ),
    "news.tag": {"changelist": 200, "add": ALLOWED, "change": EDIT, "delete": ALLOWED},
}
OTHER_ROLES = ["anonymous", "plain", "place_manager", "applicant", "reviewer", "programme_staff", "editor"]


def registered() -> list[str]:
    return sorted(model._meta.label_lower for model in admin.site._registry)


@pytest.fixture
def objects(django_capture_on_commit_callbacks):
    """One saved object of every registered model (each version and log row exists)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tasks_db.models import DBTaskResult
    from dsfr.models import DsfrConfig

    from tests.alerts.helpers import active_subscription
    from tierslieux.accounts.models import SignUpRequest
    from tierslieux.alerts import services as alert_services
    from tierslieux.alerts.models import ConsentEvent, Suppression
    from tierslieux.calls.models import Decision
    from tierslieux.followup.models import ReportReminder
    from tierslieux.followup.services import census
    from tierslieux.selection import selectors, services
    from tierslieux.selection.models import ProposedDecision

    world = selection_world()
    application = next(iter(world.applications.values()))
    manager = user_with(Role.PLACE_MANAGER)
    followup = followup_world(staff=world.staff, manager=manager, applicant=user_with(Role.APPLICANT))
    report = followup["report"]
    answer = census.census_answer_submit(
        campaign=followup["campaign"],
        place=followup["laureate"].place,
        user=manager,
        channel="signed_in",
        data={"still_open": True, "types": [], "surface_m2": None, "users_per_month": 90, "jobs_fte": 1},
    )
    network = network_world(
        place=followup["laureate"].place,
        manager=manager,
        author=user_with(None),
        project_manager=user_with(None),
        reporter=user_with(None),
    )
    news = news_world(editor=user_with(Role.EDITOR), commenter=user_with(None))
    subscription = active_subscription("abonnee@example.org", at=timezone.now(), stream="news.articles")
    alert_services.subscription_unsubscribe(subscription=subscription, source="tests")
    alert_services.recipient_unsubscribe_all(recipient=subscription.recipient, source="tests")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(
            wave=world.wave, actor=world.staff, parameters=selectors.default_parameters(world.wave)
        )
    person = user_with(None)
    attempt = {
        "user_agent": "x",
        "ip_address": "203.0.113.9",
        "username": "x@example.org",
        "http_accept": "*/*",
        "path_info": "/comptes/connexion/",
    }
    found = {
        "auth.group": Group.objects.first(),
        "dsfr.dsfrconfig": DsfrConfig.objects.first() or DsfrConfig.objects.create(language="fr"),
        "django_tasks_database.dbtaskresult": DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="tierslieux.core.tasks.send_email_task",
            backend_name="default",
        ),
        "axes.accessattempt": AccessAttempt.objects.create(
            **attempt, get_data="", post_data="", failures_since_start=3
        ),
        "axes.accesslog": AccessLog.objects.create(**attempt),
        "axes.accessfailurelog": AccessFailureLog.objects.create(**attempt),
        "otp_totp.totpdevice": TOTPDevice.objects.create(user=person, name="app"),
        "otp_static.staticdevice": StaticDevice.objects.create(user=person, name="codes"),
        "accounts.user": person,
        "accounts.signuprequest": SignUpRequest.objects.create(user=person, password="!"),
        "place_contributions.proposal": ProposalFactory(),
        "place_contributions.errorreport": ErrorReportFactory(place=application.place),
        "place_contributions.claim": ClaimFactory(place=application.place, author=person),
        "place_contributions.contactmessage": ContactMessageFactory(place=application.place),
        "calls.call": world.call,
        "calls.application": application,
        "calls.decision": Decision.objects.create(application=application, outcome="refused", motivation="x"),
        "selection.run": run,
        "selection.proposeddecision": ProposedDecision.objects.create(run=run, application=application),
        "followup.agreement": followup["agreement"],
        "followup.agreementversion": followup["agreement"].versions.first(),
        "followup.amendment": followup["amendment"],
        "followup.annualreport": report,
        "followup.censusanswer": answer,
        "followup.censuscampaign": followup["campaign"],
        "followup.reportreminder": ReportReminder.objects.create(
            report=report, step="before_30", sent_at=timezone.now(), recipients=1
        ),
        "followup.reportversion": report.versions.first(),
        "followup.tranche": followup["tranche"],
        "network.abusereport": network.report,
        "network.event": network.event,
        "network.icssource": network.source,
        "network.listing": network.listing,
        "network.mentoringrequest": network.request,
        "network.mentoroffer": network.mentor,
        "network.pairing": network.pairing,
        "network.resource": network.resource,
        "news.article": news["article"],
        "news.comment": news["comment"],
        "news.tag": news["tag"],
        "alerts.consentevent": ConsentEvent.objects.first(),
        "alerts.subscription": subscription,
        "alerts.suppression": Suppression.objects.first(),
    }
    return found


def _url(label: str, action: str, obj) -> str:
    app_label, model = label.split(".")
    if action in ("changelist", "add"):
        return reverse(f"admin:{app_label}_{model}_{action}")
    return reverse(f"admin:{app_label}_{model}_{action}", args=[obj.pk])


def test_every_registered_model_has_its_row():
    assert registered() == sorted(EXPECTED), (
        "add the new admin models to EXPECTED (and decide what is editable)"
    )


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_nobody_but_administrators_reaches_any_admin_page(request, client_for, objects, role):
    user = None if role == "anonymous" else user_with(Role(role) if role != "plain" else None)
    client = client_for(user)
    for label, obj in objects.items():
        for action in ACTIONS:
            response = client.get(_url(label, action, obj))
            assert response.status_code == 302, (role, label, action, response.status_code)
            assert response["Location"].startswith(reverse("admin:login"))


def test_an_administrator_without_second_factor_is_sent_to_it(client, administrator, objects):
    client.force_login(administrator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_setup"))  # no device yet: enrolment first


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_administrator_outcome_per_model_and_action(client_for, administrator, objects, label):
    client = client_for(administrator)
    obj = objects[label]
    outcome = {}
    for action in ACTIONS:
        response = client.get(_url(label, action, obj))
        if action == "change" and response.status_code == 200:
            outcome[action] = EDIT if response.context["has_change_permission"] else VIEW
        else:
            outcome[action] = response.status_code
    assert outcome == EXPECTED[label]


def test_workflow_fields_cannot_be_changed_through_the_admin(client_for, administrator, objects):
    """A POST on a read-only dossier, its log or decision is refused and changes nothing."""
    client = client_for(administrator)
    application = objects["calls.application"]
    before = application.status
    response = client.post(
        _url("calls.application", "change", application), {"status": "accepted", "project_title": "X"}
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == before
    # The dossier's workflow log (core.TransitionLog) is shown under it, read-only.
    from tierslieux.core.models import TransitionLog

    page = client.get(_url("calls.application", "change", application))
    [log] = [inline for inline in page.context["inline_admin_formsets"] if inline.opts.model is TransitionLog]
    assert not (log.has_add_permission or log.has_change_permission or log.has_delete_permission)
    for label in ("calls.decision", "selection.run"):
        response = client.post(_url(label, "delete", objects[label]), {"post": "yes"})
        assert (
            response.status_code == 403 and type(objects[label]).objects.filter(pk=objects[label].pk).exists()
        )


def test_a_call_team_cannot_be_changed_through_the_admin(client_for, administrator, objects):
    client = client_for(administrator)
    call = objects["calls.call"]
    team = set(call.staff.values_list("pk", flat=True))
    page = client.get(_url("calls.call", "change", call))
    assert 'name="staff"' not in page.content.decode()
    form = page.context["adminform"].form
    assert "staff" not in form.fields
    outsider = user_with(Role.PROGRAMME_STAFF)
    data = {name: form.initial.get(name) for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    data |= {"staff": [outsider.pk]}
    for prefix in ("envelopes", "waves", "criteria"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    client.post(_url("calls.call", "change", call), data)
    assert set(call.staff.values_list("pk", flat=True)) == team
