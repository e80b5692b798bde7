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

from servicehall.org.models import Center, Department, Staff, Window


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


class InspectionState(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Inspection(models.Model):
    """A finding of an inspection (明察暗访, ASM-3, ATT-5).

    Recorded by an inspector; the person may answer; the office confirms or dismisses it. A confirmed
    finding deducts its points in its month (ASM-2: ``inspection``, or ``inspection_media`` when exposed in
    the media); media exposure also removes the person from the post and takes the department's award
    eligibility for the year (ASM-3).
    """

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="inspections")
    number = models.CharField(_("number"), max_length=24)
    at = models.DateTimeField(_("date and time"), db_index=True)
    window = models.ForeignKey(Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="inspections")
    staff = models.ForeignKey(Staff, verbose_name=_("staff"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="inspections")
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="inspections")
    kind = models.CharField(_("finding type"), max_length=30)
    description = models.TextField(_("description"), max_length=2000)
    hidden = models.BooleanField(_("hidden inspection"), default=False)  # 暗访 (True) or 明察 (False)
    media = models.BooleanField(_("exposed in the media"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=InspectionState.choices,
                             default=InspectionState.OPEN, db_index=True)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        ordering = ["-at", "id"]
        constraints = [models.UniqueConstraint(fields=["center", "number"], name="inspection_number_once")]
        indexes = [models.Index(fields=["center", "state", "at"])]

    def __str__(self) -> str:
        return self.number


class InspectionEvidence(models.Model):
    """A photo or video still of a finding, checked by content like a complaint's attachment."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="inspections/%Y/%m/")
    name = models.CharField(_("name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["inspection", "id"]

    def __str__(self) -> str:
        return self.name


class ReplacementAnswer(models.TextChoices):
    AGREE = "agree", _("Agrees and replaces the person")
    DISAGREE = "disagree", _("Disagrees")


class ReplacementRequest(models.Model):
    """The center's request that a department replace a person graded 不称职 in a closed month (ASM-2), and
    the department's answer: it agrees and names who replaces them, or disagrees and says why."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="replacement_requests")
    staff = models.ForeignKey(Staff, verbose_name=_("staff"), on_delete=models.PROTECT,
                              related_name="replacement_requests")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="replacement_requests")
    month = models.DateField(_("month"))  # its first day
    points = models.IntegerField(_("points"))  # as the closed month shows them
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    answer = models.CharField(_("answer"), max_length=10, choices=ReplacementAnswer.choices, blank=True)
    replacement = models.ForeignKey(Staff, verbose_name=_("replaced by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="replacing")
    answer_reason = models.CharField(_("reason for disagreeing"), max_length=300, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("replacement request")
        verbose_name_plural = _("replacement requests")
        ordering = ["-month", "staff__code"]
        constraints = [models.UniqueConstraint(fields=["center", "staff", "month"], name="replacement_once")]

    def __str__(self) -> str:
        return f"{self.staff.code} {self.month:%Y-%m}"
class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("Monday report")
    MONTHLY = "monthly", _("Monthly bulletin")


class Report(models.Model):
    """A prepared report (ASM-5): the Monday meeting's report of last week (ATT-3) or the monthly bulletin
    (月度通报). Prepared by the worker (Monday early morning, the 1st) and regenerated by the office.

    ``period``: the first day reported (the week's Monday, or the month's first day). ``data``: the figures as
    JSON, as the page and the .docx show them; ``number``: the bulletin's serial in its year (文号).
    """

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    period = models.DateField(_("period"))
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    data = models.JSONField(default=dict)
    docx = models.FileField(_("file"), upload_to="reports/%Y/", blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period", "kind"]
        constraints = [models.UniqueConstraint(fields=["center", "kind", "period"], name="report_once")]

    def __str__(self) -> str:
        return f"{self.center.code} {self.kind} {self.period}"
