"""Assessment — 考核 (RULES.md ASM-1, ASM-2).

A person's month is derived from the records of every other part (vacancies, attendance, red cases,
one-time notices, first inquiries, complaints, poor ratings) and from the praise recorded here; it is
recomputed on demand, so a late correction changes an open month. Closing a month (a recorded step) freezes
what it showed; a later correction then appears as an adjustment in the next open month.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.org.models import Center, Staff


class PraiseKind(models.TextChoices):
    LETTER = "letter", _("Letter of praise")
    BANNER = "banner", _("Silk banner")
    COMMENDATION = "commendation", _("Commendation")


class Praise(models.Model):
    """Praise for a person (表扬信, 锦旗, 表彰), recorded by the office; adds points in its month (ASM-2)."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="praises")
    staff = models.ForeignKey(Staff, verbose_name=_("staff"), on_delete=models.PROTECT, related_name="praises")
    kind = models.CharField(_("kind"), max_length=12, choices=PraiseKind.choices)
    date = models.DateField(_("date"), db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("praise")
        verbose_name_plural = _("praise")
        ordering = ["-date", "id"]

    def __str__(self) -> str:
        return f"{self.staff.code} {self.date} {self.kind}"


class MonthClosing(models.Model):
    """The office closed a month (ASM-2): what each person's month showed then, frozen.

    ``snapshot``: staff code → list of entries ``{key, kind, date, points, source, url, adjustment, origin}``
    (``origin`` is the closed month an adjustment corrects, "YYYY-MM").
    """

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="month_closings")
    month = models.DateField(_("month"))  # its first day
    closed_at = models.DateTimeField(_("closed at"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    snapshot = models.JSONField(default=dict)
    # The point table and grade thresholds in force when it closed: a later change of the settings does not
    # regrade a closed month.
    points = models.JSONField(default=dict)
    grades = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        ordering = ["center", "month"]
        constraints = [models.UniqueConstraint(fields=["center", "month"], name="month_closing_once")]

    def __str__(self) -> str:
        return f"{self.center.code} {self.month:%Y-%m}"
