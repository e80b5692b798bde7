"""Shared plumbing moves from the domain apps to the base app; every table stays where it is (issue 11):
the daily counters (from cases), the in-app alerts (from duty)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        ("org", "0001_initial"),
        ("cases", "0003_joint_item_once"),
        ("duty", "0002_tenancy_devices"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DailyCounter",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("series", models.CharField(max_length=20)),
                        ("day", models.DateField()),
                        ("last", models.PositiveIntegerField(default=0)),
                        ("center", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="org.center")),
                    ],
                    options={
                        "db_table": "cases_dailycounter",
                        "constraints": [models.UniqueConstraint(fields=("center", "series", "day"), name="counter_once")],
                    },
                ),
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=120)),
                        ("text", models.CharField(max_length=300, verbose_name="text")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        ("read", models.BooleanField(default=False, verbose_name="read")),
                        ("center", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to="org.center")),
                        ("recipient", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to="org.staff")),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "ordering": ["-created_at"],
                        "db_table": "duty_notification",
                        "constraints": [models.UniqueConstraint(fields=("recipient", "key"), name="notification_once")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
