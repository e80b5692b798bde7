"""The in-app alerts now belong to the base app (servicehall.core); the table is kept (issue 11)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("duty", "0002_tenancy_devices"),
        ("core", "0002_plumbing_move"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
