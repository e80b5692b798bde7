from django.db import migrations


class Migration(migrations.Migration):
    """SEC-3: tickets no longer keep the ID number typed at the kiosk."""

    dependencies = [
        ("tickets", "0003_ticket_id_number_forgotten"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="ticket",
            name="id_number",
        ),
    ]
