from django.db import migrations, models


class Migration(migrations.Migration):
    """Q-2, SEC-3: the green-channel fact a ticket needs, instead of the ID number typed at the kiosk."""

    dependencies = [
        ("tickets", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="elderly",
            field=models.BooleanField(default=False, verbose_name="60 or over"),
        ),
    ]
