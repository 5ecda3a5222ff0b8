"""The old log `selection.RunTransition`, copied into `core.TransitionLog` by 0003, is dropped (its own migration:
on PostgreSQL a table is not dropped in the transaction that wrote rows pointing at what it references)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("selection", "0003_run_replay_status_transitions_to_core_log")]

    operations = [migrations.DeleteModel(name="RunTransition")]
