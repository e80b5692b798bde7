"""Shared plumbing moves from the domain apps to the base app; every table stays where it is (issue 11):
the daily counters (from cases), the in-app alerts and the registered devices (from duty)."""

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
                migrations.CreateModel(
                    name="Device",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=30, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("kind", models.CharField(choices=[("clock", "Clock terminal"), ("kiosk", "Kiosk"), ("caller", "Hardware caller"), ("pad", "Rating pad"), ("workstation", "Window workstation")], default="clock", max_length=30, verbose_name="kind")),
                        ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                        ("active", models.BooleanField(default=True, verbose_name="active")),
                        ("center", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="devices", to="org.center")),
                        ("window", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="devices", to="org.window", verbose_name="window")),
                    ],
                    options={
                        "verbose_name": "device",
                        "verbose_name_plural": "devices",
                        "db_table": "duty_device",
                        "constraints": [models.UniqueConstraint(fields=("center", "code"), name="device_code_unique")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
