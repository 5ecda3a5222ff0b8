"""The contributions' transition log (and the publication decisions of project places) moves to the
platform's one log, `core.TransitionLog`: every row is copied with who, when, from, to and why, under the
workflow of its object (its action named from the state machine's table; a creation row is "create"), and 0003
drops the old `place_contributions.Transition` model. Reversible: the rows are copied back."""

from django.db import migrations

# content type model → workflow name, then (workflow, from, to) → action: `contributions/workflow.py`, frozen.
WORKFLOWS = {
    ("place_contributions", "proposal"): "place_proposal",
    ("place_contributions", "errorreport"): "place_error_report",
    ("place_contributions", "claim"): "place_claim",
    ("place_contributions", "contactmessage"): "place_contact",
    ("places", "place"): "place_publication",
}
ACTIONS = {
    ("place_proposal", "pending", "accepted"): "accept",
    ("place_proposal", "pending", "refused"): "refuse",
    ("place_error_report", "pending", "resolved"): "resolve",
    ("place_error_report", "pending", "dismissed"): "dismiss",
    ("place_claim", "pending", "approved"): "approve",
    ("place_claim", "pending", "refused"): "refuse",
    ("place_contact", "pending", "closed"): "close",
    ("place_publication", "pending", "published"): "publish",
    ("place_publication", "refused", "published"): "publish",
    ("place_publication", "pending", "refused"): "refuse",
}


def _action(flow: str, source: str, target: str) -> str:
    if not source:
        return "create"
    return ACTIONS.get((flow, source, target), target)[:40]


def forwards(apps, schema_editor):
    Transition = apps.get_model("place_contributions", "Transition")
    TransitionLog = apps.get_model("core", "TransitionLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    flows = {
        content_type.pk: WORKFLOWS.get((content_type.app_label, content_type.model), content_type.model)
        for content_type in ContentType.objects.filter(
            pk__in=Transition.objects.values("content_type_id").distinct()
        )
    }
    rows, dates = [], []
    for old in Transition.objects.order_by("created_at", "pk").iterator():
        flow = flows[old.content_type_id][:40]
        dates.append(old.created_at)
        rows.append(
            TransitionLog(
                content_type_id=old.content_type_id,
                object_id=old.object_id,
                workflow=flow,
                action=_action(flow, old.from_status, old.to_status),
                from_status=old.from_status,
                to_status=old.to_status,
                actor_id=old.user_id,
                reason=old.reason,
            )
        )
    created = TransitionLog.objects.bulk_create(rows, batch_size=500)
    # created_at is auto_now_add: keep the original dates.
    for log, date in zip(created, dates, strict=True):
        TransitionLog.objects.filter(pk=log.pk).update(created_at=date)


def backwards(apps, schema_editor):
    Transition = apps.get_model("place_contributions", "Transition")
    TransitionLog = apps.get_model("core", "TransitionLog")
    logs = TransitionLog.objects.filter(workflow__in=set(WORKFLOWS.values()))
    for log in logs.order_by("created_at", "pk").iterator():
        old = Transition.objects.create(
            content_type_id=log.content_type_id,
            object_id=log.object_id,
            user_id=log.actor_id,
            from_status=log.from_status,
            to_status=log.to_status,
            reason=log.reason,
        )
        Transition.objects.filter(pk=old.pk).update(created_at=log.created_at)
    logs.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("place_contributions", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_outbox_jobs_transition_log"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
