"""The in-app alerts and the registered devices now belong to the base app (servicehall.core); their tables
are kept, and an event's device points at the same table under its new name (issue 11)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("duty", "0002_tenancy_devices"),
        ("core", "0002_plumbing_move"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="device",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="events", to="core.device"),
                ),
                migrations.DeleteModel(name="Device"),
                migrations.DeleteModel(name="Notification"),
            ],
            database_operations=[],
        ),
    ]
