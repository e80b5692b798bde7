"""The daily counters now belong to the base app (servicehall.core); the table is kept (issue 11)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0003_joint_item_once"),
        ("core", "0002_plumbing_move"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DailyCounter")],
            database_operations=[],
        ),
    ]
