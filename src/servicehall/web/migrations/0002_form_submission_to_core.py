"""The form-token model now belongs to the base app (servicehall.core); the table is kept (issue 11)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("web", "0001_form_submission"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="FormSubmission")],
            database_operations=[],
        ),
    ]
