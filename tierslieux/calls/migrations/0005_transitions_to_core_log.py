"""The dossiers' workflow log moves to the platform's one log, `core.TransitionLog` (workflow "application"):
every row is copied with who, when, from, to and why (its action named from the state machine's table), and
0006 drops the old `calls.Transition` model. Reversible: the rows are copied back."""

from django.db import migrations

# (from, to) → action of the table `tierslieux.calls.workflow.APPLICATION`, frozen here.
ACTIONS = {
    ("draft", "submitted"): "submit",
    ("corrections", "submitted"): "resubmit",
    ("draft", "withdrawn"): "withdraw",
    ("submitted", "withdrawn"): "withdraw",
    ("corrections", "withdrawn"): "withdraw",
    ("in_review", "withdrawn"): "withdraw",
    ("submitted", "in_review"): "start_review",
    ("submitted", "corrections"): "request_corrections",
    ("in_review", "corrections"): "request_corrections",
    ("submitted", "closed"): "close",
    ("in_review", "closed"): "close",
    ("in_review", "accepted"): "accept",
    ("in_review", "refused"): "refuse",
}
STAFF_ACTIONS = {"start_review", "request_corrections", "close", "accept", "refuse"}


def forwards(apps, schema_editor):
    Transition = apps.get_model("calls", "Transition")
    TransitionLog = apps.get_model("core", "TransitionLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="calls", model="application")
    rows, dates = [], []
    for old in Transition.objects.order_by("created_at", "pk").iterator():
        dates.append(old.created_at)
        rows.append(
            TransitionLog(
                content_type=content_type,
                object_id=old.application_id,
                workflow="application",
                action=ACTIONS.get((old.from_status, old.to_status), old.to_status)[:40],
                from_status=old.from_status,
                to_status=old.to_status,
                actor_id=old.actor_id,
                reason=old.reason,
            )
        )
    created = TransitionLog.objects.bulk_create(rows, batch_size=500)
    # created_at is auto_now_add: keep the original dates.
    for log, date in zip(created, dates, strict=True):
        TransitionLog.objects.filter(pk=log.pk).update(created_at=date)


def backwards(apps, schema_editor):
    Transition = apps.get_model("calls", "Transition")
    TransitionLog = apps.get_model("core", "TransitionLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="calls", model="application").first()
    if content_type is None:
        return
    logs = TransitionLog.objects.filter(content_type=content_type, workflow="application")
    for log in logs.order_by("created_at", "pk").iterator():
        old = Transition.objects.create(
            application_id=log.object_id,
            from_status=log.from_status,
            to_status=log.to_status,
            actor_id=log.actor_id,
            actor_role="staff" if log.action in STAFF_ACTIONS else "applicant",
            reason=log.reason,
        )
        Transition.objects.filter(pk=old.pk).update(created_at=log.created_at)
    logs.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0004_call_is_demo"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_outbox_jobs_transition_log"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
