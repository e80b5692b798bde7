"""The form-token model moves from the web app to the base app; its table stays where it is (issue 11)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("web", "0001_form_submission"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FormSubmission",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("token", models.CharField(max_length=64, verbose_name="token")),
                        ("created_at", models.DateTimeField(db_index=True, verbose_name="sent at")),
                        ("object_type", models.CharField(blank=True, max_length=60, verbose_name="object type")),
                        ("object_id", models.CharField(blank=True, max_length=60, verbose_name="object id")),
                    ],
                    options={
                        "verbose_name": "form submission",
                        "verbose_name_plural": "form submissions",
                        "db_table": "web_formsubmission",
                        "constraints": [models.UniqueConstraint(fields=("token",), name="form_submission_once")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
