"""The runs on the platform's one workflow mechanism: the replay becomes a declared state (`replay_status`, set
from the existing replay fields), and the run's status log moves to `core.TransitionLog` (who, when, from,
to, why; the action named from `selection/workflow.py`, frozen here; the first row "create"), and 0004 drops
the old `selection.RunTransition` model. Reversible."""

from django.db import migrations, models

ACTIONS = {
    ("", "pending"): "create",
    ("pending", "running"): "start",
    ("running", "done"): "finish",
    ("pending", "failed"): "fail",
    ("running", "failed"): "fail",
}


def replay_status(run) -> str:
    if run.replay_requested_at is not None:
        return "requested"
    if run.replayed_at is None:
        return "none"
    if run.replay_identical:
        return "identical"
    return "failed" if run.replay_report.startswith("Échec du rejeu") else "different"


def forwards(apps, schema_editor):
    Run = apps.get_model("selection", "Run")
    RunTransition = apps.get_model("selection", "RunTransition")
    TransitionLog = apps.get_model("core", "TransitionLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for run in Run.objects.exclude(replay_requested_at__isnull=True, replayed_at__isnull=True).iterator():
        Run.objects.filter(pk=run.pk).update(replay_status=replay_status(run))
    content_type, _ = ContentType.objects.get_or_create(app_label="selection", model="run")
    rows, dates = [], []
    for old in RunTransition.objects.order_by("created_at", "pk").iterator():
        dates.append(old.created_at)
        rows.append(
            TransitionLog(
                content_type=content_type,
                object_id=old.run_id,
                workflow="selection_run",
                action=ACTIONS.get((old.from_status, old.to_status), old.to_status),
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
    RunTransition = apps.get_model("selection", "RunTransition")
    TransitionLog = apps.get_model("core", "TransitionLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="selection", model="run").first()
    if content_type is None:
        return
    logs = TransitionLog.objects.filter(content_type=content_type)
    for log in logs.filter(workflow="selection_run").order_by("created_at", "pk").iterator():
        old = RunTransition.objects.create(
            run_id=log.object_id,
            from_status=log.from_status,
            to_status=log.to_status,
            actor_id=log.actor_id,
            reason=log.reason[:300],
        )
        RunTransition.objects.filter(pk=old.pk).update(created_at=log.created_at)
    logs.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("selection", "0002_run_replay_requested_at"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_outbox_jobs_transition_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="run",
            name="replay_status",
            field=models.CharField(
                choices=[
                    ("none", "Jamais rejoué"),
                    ("requested", "Rejeu demandé"),
                    ("identical", "Résultat identique"),
                    ("different", "Résultat différent"),
                    ("failed", "Échec du rejeu"),
                ],
                db_index=True,
                default="none",
                max_length=10,
                verbose_name="rejeu",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
