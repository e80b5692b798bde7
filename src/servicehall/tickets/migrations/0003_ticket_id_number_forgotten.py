import datetime as dt

from django.db import migrations


def _age_on(number: str, day: dt.date) -> int | None:
    """Full years on ``day`` from the birth date in characters 7-14; None when they are not a date."""
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def forget_id_numbers(apps, schema_editor):
    """Keep what the green channel decided from each stored ID number (60 or over on the ticket's day), then
    blank the number (SEC-3, Q-2)."""
    Ticket = apps.get_model("tickets", "Ticket")
    for ticket in Ticket.objects.exclude(id_number="").only("pk", "id_number", "day", "priority").iterator():
        age = _age_on(ticket.id_number.strip(), ticket.day) if len(ticket.id_number.strip()) == 18 else None
        elderly = age is not None and age >= 60
        Ticket.objects.filter(pk=ticket.pk).update(
            elderly=elderly, priority=ticket.priority or ("elderly" if elderly else ""), id_number="")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0002_ticket_elderly"),
    ]

    operations = [
        migrations.RunPython(forget_id_numbers, migrations.RunPython.noop, elidable=True),
    ]
