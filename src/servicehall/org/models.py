"""Who is who: centers, departments, windows, posts, staff (RULES.md ORG-1..6).

Writes go through :mod:`servicehall.org.services`; nothing else saves these.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import LadderWindow, Role


def default_sessions() -> list[list[str]]:
    return [["08:30", "12:00"], ["14:30", "17:30"]]


class Center(models.Model):
    """A service center — 政务服务中心 / 便民服务中心 (ORG-1).

    A county or city hall, a town's 便民服务中心 or a village station: all
    run the same rules. Its zone decides what "a day" is.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    timezone = models.CharField(_("time zone"), max_length=50, default="Asia/Shanghai")
    address = models.CharField(_("address"), max_length=200, blank=True)
    intro = models.TextField(_("organisation and duties"), blank=True)
    opening_hours_text = models.CharField(_("opening hours (text)"), max_length=200, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=30, blank=True)
    complaint_email = models.EmailField(_("complaint e-mail"), blank=True)
    consult_phone = models.CharField(_("consultation phone"), max_length=30, blank=True)
    # A county (or city) office's center: its county office people see the centers under it (SEC-5).
    parent = models.ForeignKey("self", verbose_name=_("under"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    # Bumped by every calendar write so that cached calendars are rebuilt in every process.
    calendar_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("center")
        verbose_name_plural = _("centers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Policy(models.Model):
    """A center's settings — 中心规则参数, defaults from RULES.md (ARCHITECTURE: settings are data)."""

    center = models.OneToOneField(Center, on_delete=models.CASCADE, related_name="policy")
    sessions = models.JSONField(_("opening sessions"), default=default_sessions)
    clock_in_grace = models.PositiveSmallIntegerField(_("clock-in grace (minutes)"), default=10)
    arrive_early_minutes = models.PositiveSmallIntegerField(_("arrive early (minutes)"), default=5)
    pause_grace_minutes = models.PositiveSmallIntegerField(_("pause grace (minutes)"), default=15)
    pause_daily_minutes = models.PositiveSmallIntegerField(_("pauses per day (minutes)"), default=60)
    handover_lead_days = models.PositiveSmallIntegerField(_("handover lead (days)"), default=1)
    ladder_window = models.CharField(
        _("ladder window"), max_length=10, choices=LadderWindow.choices, default=LadderWindow.CALENDAR
    )
    merge_same_day = models.BooleanField(_("merge vacancies of one post-day"), default=True)
    notice_max_days = models.PositiveSmallIntegerField(_("one-time notice within (working days)"), default=3)
    yellow_at = models.PositiveSmallIntegerField(_("yellow card at (percent of limit)"), default=80)
    bad_rating_days = models.PositiveSmallIntegerField(_("bad rating handled within (working days)"), default=15)
    b_max_posts = models.PositiveSmallIntegerField(_("most posts one person backs up"), default=2)
    starve_minutes = models.PositiveSmallIntegerField(_("green channel: longest wait of others (minutes)"),
                                                      default=30)
    # a remote ticket's holder is told (SMS and page) when this many people are ahead.
    notify_ahead = models.PositiveSmallIntegerField(_("remote ticket: tell the holder when this many are ahead"),
                                                    default=3)
    remedy_text = models.TextField(
        _("remedy (written on refusals)"),
        default="如不服本决定，可以自收到本通知之日起六十日内依法申请行政复议，"
                "或者自收到本通知之日起六个月内依法向人民法院提起行政诉讼。")
    ab_small_pool = models.PositiveSmallIntegerField(_("small AB pool size"), default=2)
    device_backfill_hours = models.PositiveSmallIntegerField(
        _("clock events accepted from an offline terminal (hours back)"), default=24)
    inquiry_transfer_days = models.PositiveSmallIntegerField(_("transferred inquiry closed within (working days)"),
                                                             default=2)
    # ASM-2: the assessment's point table and grade thresholds; empty keeps rules.assessment's defaults,
    # a key given overrides its default (validated by rules.assessment).
    assessment_points = models.JSONField(_("assessment points"), default=dict, blank=True)
    assessment_grades = models.JSONField(_("assessment grade thresholds"), default=dict, blank=True)
    # ASM-3 / ATT-5: the finding types an inspector picks from, ``[{"code": ..., "name": ...}]``; empty keeps
    # rules.assessment.INSPECTION_KINDS (ATT-5's list).
    inspection_kinds = models.JSONField(_("inspection finding types"), default=list, blank=True)
    # this many no-shows within 90 days block new bookings by that ID number for so many days.
    no_show_limit = models.PositiveSmallIntegerField(_("no-shows that block bookings"), default=2)
    no_show_block_days = models.PositiveSmallIntegerField(_("booking block after no-shows (days)"), default=90)
    # Issue 17 item 3: the daily digest of each person's alerts is sent at this hour (hall time).
    digest_hour = models.PositiveSmallIntegerField(_("daily alert digest at (hour)"), default=18)

    class Meta:
        verbose_name = _("center policy")
        verbose_name_plural = _("center policies")

    def __str__(self) -> str:
        return str(_("Policy of %(center)s") % {"center": self.center})


class Department(models.Model):
    """A department stationed in the hall — 窗口单位 / 进驻部门 (ORG-1)."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    duties = models.TextField(_("duties"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    sort = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["center", "sort", "code"]
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="department_code_unique")]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A service window in the hall — 窗口 (ORG-1)."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="windows")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="windows")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=50)
    location = models.CharField(_("location"), max_length=100, blank=True)
    sort = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["center", "sort", "code"]
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="window_code_unique")]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A person working in the hall — 工作人员 (ORG-2, ORG-5).

    Identity is public (身份亮明): name, photo, post and duties appear on the
    staff board; phone and ID number are personal data, masked in lists.
    """

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="staff")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="staff")
    code = models.CharField(_("staff number"), max_length=20)
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("job title"), max_length=50, blank=True)
    duties = models.CharField(_("duties"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    photo = models.FileField(_("photo"), upload_to="staff/", blank=True)
    active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="staff",
    )
    qualified_items = models.ManyToManyField(
        "catalog.ServiceItem", verbose_name=_("qualified for"), blank=True, related_name="qualified_staff"
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["center", "code"]
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="staff_code_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def role_codes(self) -> list[str]:
        return [r.role for r in self.roles.all()]


class StaffRole(models.Model):
    """One role a staff member holds (ORG-2); mirrored into the account's Django group."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [models.UniqueConstraint(fields=["staff", "role"], name="staff_role_unique")]

    def __str__(self) -> str:
        return f"{self.staff.name}: {self.get_role_display()}"


class Post(models.Model):
    """A window post — 岗位, with its A (主办) and B (替补) (ORG-3, ORG-4).

    A and B are two different people; B is qualified for every item of the
    post, so that while covering B holds A's authority.
    """

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="posts")
    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="posts")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="posts")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100, blank=True)
    a = models.ForeignKey(Staff, verbose_name=_("A (primary)"), on_delete=models.PROTECT, related_name="a_posts")
    b = models.ForeignKey(Staff, verbose_name=_("B (backup)"), on_delete=models.PROTECT, related_name="b_posts")
    items = models.ManyToManyField("catalog.ServiceItem", verbose_name=_("service items"), blank=True,
                                   related_name="posts")

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["center", "code"]
        constraints = [
            models.UniqueConstraint(fields=["center", "code"], name="post_code_unique"),
            models.CheckConstraint(condition=~models.Q(a=models.F("b")), name="post_a_is_not_b"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


# The first day of an assignment that holds "from the beginning" (SCENARIO.md: a post's first entry without `from`).
BEGINNING = dt.date(1900, 1, 1)


class PostAssignment(models.Model):
    """A post's A, B and items from a date until the next change — 岗位配置的生效日期 (ORG-3, NV-6).

    Every judgement of a day reads the assignment in force on that day
    (:func:`servicehall.org.assignments.on`); the post's own ``a``, ``b`` and
    ``items`` mirror the assignment in force today, for the present-time pages.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="assignments")
    valid_from = models.DateField(_("effective from"), default=BEGINNING)
    a = models.ForeignKey(Staff, verbose_name=_("A (primary)"), on_delete=models.PROTECT,
                          related_name="a_assignments")
    b = models.ForeignKey(Staff, verbose_name=_("B (backup)"), on_delete=models.PROTECT,
                          related_name="b_assignments")
    items = models.ManyToManyField("catalog.ServiceItem", verbose_name=_("service items"), blank=True,
                                   related_name="post_assignments")

    class Meta:
        verbose_name = _("post assignment")
        verbose_name_plural = _("post assignments")
        ordering = ["post", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["post", "valid_from"], name="post_assignment_unique"),
            models.CheckConstraint(condition=~models.Q(a=models.F("b")), name="post_assignment_a_is_not_b"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.valid_from}"

    @property
    def from_beginning(self) -> bool:
        return self.valid_from <= BEGINNING


class ExtendedSession(models.Model):
    """Opening time outside the regular sessions for named windows — 延时服务 (ATT-4).

    Lunch or a weekend: for the windows named, the span is opening time, judged
    for coverage like a session (on a non-working day only inside it) and open
    for calling; every other window stays closed. SCENARIO.md ``center.extended``.
    """

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="extended_sessions")
    date = models.DateField(_("date"))
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    windows = models.ManyToManyField(Window, verbose_name=_("windows"), related_name="extended_sessions")

    class Meta:
        verbose_name = _("extended session")
        verbose_name_plural = _("extended sessions")
        ordering = ["center", "date", "start"]
        constraints = [
            models.UniqueConstraint(fields=["center", "date", "start"], name="extended_session_unique"),
            models.CheckConstraint(condition=models.Q(start__lt=models.F("end")), name="extended_session_start_before_end"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.start:%H:%M}–{self.end:%H:%M}"


class CalendarYear(models.Model):
    """A whole year's arrangement entered by the center office — 年度放假安排 (CASE-5).

    Needed where the official package does not yet cover the year; the days
    themselves are :class:`CalendarDay` rows (holidays on weekdays, makeup
    working days on weekends).
    """

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="calendar_years")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["center", "year"]
        constraints = [models.UniqueConstraint(fields=["center", "year"], name="calendar_year_unique")]

    def __str__(self) -> str:
        return f"{self.center.code} {self.year}"


class CalendarDay(models.Model):
    """A center's own day — 本地工作日调整: an extra working day or an extra day off (CASE-5)."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="calendar_days")
    date = models.DateField(_("date"))
    workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["center", "date"]
        constraints = [models.UniqueConstraint(fields=["center", "date"], name="calendar_day_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.note}"
