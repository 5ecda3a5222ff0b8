"""The old log `calls.Transition`, copied into `core.TransitionLog` by 0005, is dropped (its own migration: on
PostgreSQL a table is not dropped in the transaction that wrote rows pointing at what it references)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("calls", "0005_transitions_to_core_log")]

    operations = [migrations.DeleteModel(name="Transition")]
