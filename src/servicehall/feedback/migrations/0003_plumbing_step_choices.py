"""Complaint steps become named choices (ComplaintStepKind); the stored values are unchanged (issue 11)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0002_attachments_inquiry_links'),
    ]

    operations = [
        migrations.AlterField(
            model_name='complaintstep',
            name='kind',
            field=models.CharField(choices=[('received', 'Received'), ('intake_register', 'Registered'), ('intake_withdrawn', 'Withdrawn after explanation'), ('intake_invalid', 'Not accepted'), ('supervise', 'Supervision order'), ('department_reply', "Department's written result"), ('answer', 'Answered'), ('escalated', 'Supervision order overdue, escalated')], max_length=20, verbose_name='step'),
        ),
    ]
