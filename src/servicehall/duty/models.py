"""Duty: the events of who was where (append-only), and what is derived from them.

Events (clock-ins, leave, away, handovers, pauses, stand-ins, corrections,
waivers) are the truth and are never edited: a correction is a new event
that voids an earlier one. Vacancies and attendance anomalies are derived
by recomputing a post-day or a staff-day from the events (NV-1..10, ATT-1..2).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from servicehall.org.models import Center, Department, Post, Staff, Window


class EventType(models.TextChoices):
    CLOCK_IN = "clock_in", _("Clock in")
    CLOCK_OUT = "clock_out", _("Clock out")
    LEAVE = "leave", _("Leave")
    AWAY = "away", _("Away (meeting, training, business)")
    HANDOVER = "handover", _("Handover")
    PAUSE = "pause", _("Pause")
    PAUSE_END = "pause_end", _("Pause ended")
    STAND_IN = "stand_in", _("Stand-in")
    LEAVE_RETURN = "leave_return", _("Return from leave")
    APPROVAL = "approval", _("Approval")
    VOID = "void", _("Correction (voids an event)")
    WAIVER = "waiver", _("Adjudication (waives a vacancy)")
    APPEAL = "appeal", _("Appeal against a vacancy")  # NV-6: filed by who answers for it, decided by the office
    # ASM-3: removed from the post (an inspection finding exposed in the media, confirmed by the office): from
    # ``date`` on the person no longer holds the post — an absence in order, so B covers and vacancies follow the
    # AB rules (NV-2, NV-6) — until the office saves a new assignment of the post (ORG-3).
    REMOVAL = "removal", _("Removed from the post")


class AwayKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    TRAINING = "training", _("Training")
    BUSINESS = "business", _("Business")


class AnomalyKind(models.TextChoices):
    """An attendance anomaly (ATT-1)."""

    LATE = "late", _("Late")
    EARLY_LEAVE = "early_leave", _("Left early")
    MISSING_CLOCK_OUT = "missing_clock_out", _("No clock-out")
    CLOCK_OUT_WITHOUT_CLOCK_IN = "clock_out_without_clock_in", _("Clock-out without clock-in")
    ABSENT = "absent", _("Absent without leave")
    LATE_OPENING = "late_opening", _("Late opening")  # NV-11: within the clock-in grace, not a vacancy


class Answerable(models.TextChoices):
    """Who answers for a vacancy (NV-2..4): A, B when it was referred to the department, or the department."""

    A = "a", _("A")
    B = "b", _("B (referred to the department)")
    DEPARTMENT = "department", _("Department")


class SanctionLevel(models.TextChoices):
    """The sanction ladder's levels for counted vacancies in a year (NV-8, rules.ladders)."""

    CRITICISM = "criticism", _("Criticism")
    PUBLIC_CRITICISM_ADMONITION = "public_criticism_admonition", _("Public criticism and admonition talk")
    PUBLIC_CRITICISM_TRANSFER = "public_criticism_transfer", _("Public criticism, transfer off the window recommended")


TARGET_INDEX = "duty_event_target_type_at"


class Event(models.Model):
    """One fact about duty — 考勤与在岗事件, appended and never edited (ARCHITECTURE: events are the truth).

    ``ext_id`` keys the event within its center (an import's ``id``, or a
    device's event id with the device code), which makes every intake idempotent.
    """

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="events")
    ext_id = models.CharField(_("event id"), max_length=80)
    type = models.CharField(_("type"), max_length=20, choices=EventType.choices, db_index=True)
    staff = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    other = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("handed over to"))
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("time"), null=True, blank=True)
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    approved = models.BooleanField(_("approved"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    emergency = models.BooleanField(_("emergency"), default=False)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    target = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="followups",
                               verbose_name=_("refers to"))
    source = models.CharField(_("source"), max_length=20, default="office")
    device = models.ForeignKey("core.Device", null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("duty event")
        verbose_name_plural = _("duty events")
        ordering = ["center", "id"]
        constraints = [models.UniqueConstraint(fields=["center", "ext_id"], name="event_ext_id_unique")]
        # The month's reads (duty.month) find what they need in the indexes alone: punches by (center, type, at)
        # with the person; pauses closed after a day begins or still open by (center, type, end, start) with the
        # person; follow-ups (pause-ends, approvals, voids) by their target.
        indexes = [
            models.Index(fields=["center", "type", "at", "staff"]),
            models.Index(fields=["center", "type", "end", "start", "staff"]),
            models.Index(fields=["center", "start", "end"]),
            models.Index(fields=["center", "date"]),
            models.Index(fields=["target", "type", "at"], name=TARGET_INDEX),
        ]

    def __str__(self) -> str:
        return f"{self.ext_id} {self.get_type_display()}"

    @property
    def kind_label(self) -> str | Promise:
        """The away kind in words (会议/培训/外出办事), or the raw kind."""
        return AwayKind(self.kind).label if self.kind in AwayKind.values else self.kind


class Vacancy(models.Model):
    """A maximal run of uncovered opening minutes of a post with one answerable party — 缺位 (NV-6).

    Derived: rows of a post-day are replaced whenever its events change.
    """

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="vacancies")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="vacancies")
    date = models.DateField(_("date"), db_index=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    minutes = models.PositiveIntegerField(_("minutes"))
    answerable_kind = models.CharField(_("answerable"), max_length=12, choices=Answerable.choices)
    staff = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.CASCADE, related_name="vacancies")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="vacancies")
    answerable = models.CharField(_("answerable code"), max_length=20)
    reason = models.CharField(_("reason"), max_length=200)
    open = models.BooleanField(_("still open"), default=False)

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["date", "post__code", "start"]
        indexes = [models.Index(fields=["center", "date"]), models.Index(fields=["center", "answerable_kind"])]

    def __str__(self) -> str:
        return f"{self.post.code} {self.start:%Y-%m-%d %H:%M} {self.minutes}′"


class Anomaly(models.Model):
    """An attendance anomaly of a staff-day — 考勤异常 (ATT-1). Derived like vacancies.

    ``kind``: late, early_leave, missing_clock_out, clock_out_without_clock_in,
    absent (ATT-1, one per session where it applies), or late_opening — a post's
    session opened within the clock-in grace (NV-11), with its ``post``.
    """

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="anomalies")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="anomalies")
    date = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=30, choices=AnomalyKind.choices)
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    start = models.DateTimeField(_("start"), null=True, blank=True)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="late_openings")
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance anomaly")
        verbose_name_plural = _("attendance anomalies")
        ordering = ["date", "staff__code", "start"]

    def __str__(self) -> str:
        return f"{self.staff.code} {self.date} {self.kind}"
