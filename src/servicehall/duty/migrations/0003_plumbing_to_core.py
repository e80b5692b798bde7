"""The in-app alerts and the registered devices now belong to the base app (servicehall.core); their tables
are kept, and an event's device points at the same table under its new name (issue 11). Anomaly kinds and
who answers for a vacancy become named choices (the stored values are unchanged)."""

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
        migrations.AlterField(
            model_name="anomaly",
            name="kind",
            field=models.CharField(choices=[("late", "Late"), ("early_leave", "Left early"), ("missing_clock_out", "No clock-out"), ("clock_out_without_clock_in", "Clock-out without clock-in"), ("absent", "Absent without leave")], max_length=30, verbose_name="kind"),
        ),
        migrations.AlterField(
            model_name="vacancy",
            name="answerable_kind",
            field=models.CharField(choices=[("a", "A"), ("b", "B (referred to the department)"), ("department", "Department")], max_length=12, verbose_name="answerable"),
        ),
    ]
