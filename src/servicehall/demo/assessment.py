"""The demo's assessment (issue 15, item 8): praise, two inspections (one with a photo), the month before last
closed, last month open for the office to close, and the Monday report and the closed month's bulletin
prepared as the worker would. Idempotent: a center that already has inspections is left as it is."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from servicehall.assessment import inspections, scores
from servicehall.assessment import services as assessment
from servicehall.assessment.models import Inspection, MonthClosing, ReportKind
from servicehall.assessment.reports import last_week
from servicehall.audit.services import Actor, system_actor
from servicehall.feedback import services as feedback
from servicehall.feedback.models import Inquiry, Outcome
from servicehall.org.calendar import get_calendar
from servicehall.org.choices import Role
from servicehall.org.models import Center, Staff
from servicehall.tickets import services as tickets
from servicehall.tickets.models import BadRatingCase


def _photo() -> SimpleUploadedFile:
    """A still from the hall's camera: a small drawn picture (a desk, a screen, a phone in a hand)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (320, 200), (214, 222, 230))
    draw = ImageDraw.Draw(img)
    draw.rectangle((20, 120, 300, 190), fill=(150, 110, 70))  # the counter
    draw.rectangle((200, 40, 290, 115), fill=(40, 44, 52))  # the window's screen
    draw.ellipse((70, 30, 130, 90), fill=(235, 200, 170))  # the clerk
    draw.rectangle((60, 90, 140, 125), fill=(30, 80, 150))
    draw.rectangle((120, 95, 150, 112), fill=(20, 20, 20))  # a phone
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return SimpleUploadedFile("监控截图.png", buf.getvalue(), content_type="image/png")


def _as(staff: Staff) -> Actor:
    return Actor.of(staff.user) if staff.user_id else system_actor("demo")


def load_assessment(center: Center, now: dt.datetime | None = None) -> int:
    """What the office of the demo center has done in assessment by ``now``; how many records were made."""
    if Inspection.objects.filter(center=center).exists():
        return 0
    now = now or timezone.now()
    tz = ZoneInfo(center.timezone)
    today = now.astimezone(tz).date()
    cal = get_calendar(center)
    this_month = today.replace(day=1)
    last_month = scores.prev_month(this_month)
    closed_month = scores.prev_month(last_month)
    if not all(cal.covers(d.year) for d in (closed_month, today)):
        return 0
    base = system_actor("demo")
    office = Staff.objects.filter(center=center, user__username="office").first() or Staff.objects.filter(
        center=center, roles__role=Role.OFFICE).order_by("code").first()
    inspector = Staff.objects.filter(center=center, user__username="inspector").first() or Staff.objects.filter(
        center=center, roles__role=Role.INSPECTOR).order_by("code").first()
    clerks = list(Staff.objects.filter(center=center, roles__role=Role.WINDOW, active=True, a_posts__isnull=False)
                  .distinct().order_by("code"))
    if office is None or inspector is None or len(clerks) < 6:
        return 0
    boss = _as(office)
    made = 0

    def workday(month_first: dt.date, nth: int) -> dt.date:
        days = [month_first + dt.timedelta(days=i) for i in range(31)]
        days = [d for d in days if d.month == month_first.month and d <= today and cal.is_workday(d)]
        return days[min(nth, len(days) - 1)]

    def at(day: dt.date, hhmm: str) -> dt.datetime:
        h, m = (int(x) for x in hhmm.split(":"))
        return dt.datetime.combine(day, dt.time(h, m), tzinfo=tz)

    # Praise: a letter and a silk banner last month, a commendation this month.
    for staff, kind, day, note in (
        (clerks[1], "letter", workday(last_month, 6), "群众来信表扬其耐心解答、主动帮办"),
        (clerks[3], "banner", workday(last_month, 12), "企业赠送锦旗“高效服务 情系企业”"),
        (clerks[5], "commendation", workday(this_month, 2), "县政府通报表彰“窗口服务之星”"),
    ):
        if day <= today:
            assessment.record_praise(boss, center, staff, kind, day, note, now=now)
            made += 1

    # An open inspection last month: a clerk on the phone at the window, with the camera's still; the person
    # answered, the office confirmed it.
    first_day = workday(last_month, 8)
    post = clerks[2].a_posts.select_related("window").first()
    found = inspections.record_inspection(
        _as(inspector), center, at=at(first_day, "10:20"), kind="games", staff=clerks[2],
        window=post.window if post else None, hidden=False,
        description="明察时发现该窗口工作人员在无人办件时低头玩手机游戏约五分钟，后方有群众等候。",
        evidence=[_photo()], now=at(first_day, "11:00"))
    inspections.answer_inspection(_as(clerks[2]), found, "当时系统卡顿在等待，看了手机，今后注意。",
                                  now=at(first_day, "16:00"))
    inspections.decide_inspection(boss, found, True, "有监控截图为证，说明理由不成立，予以确认，按规定扣分。",
                                  now=at(workday(last_month, 10), "09:30"))
    made += 1
    # A hidden inspection this month: no badge; the person has not answered yet, the office has not decided.
    second_day = workday(this_month, 5)
    if second_day < today:
        post = clerks[4].a_posts.select_related("window").first()
        inspections.record_inspection(
            _as(inspector), center, at=at(second_day, "15:05"), kind="no_badge", staff=clerks[4],
            window=post.window if post else None, hidden=True,
            description="暗访时该窗口工作人员未佩戴工作牌，桌牌也未摆放。", now=at(second_day, "16:30"))
        made += 1

    # A poor rating of last month that held after the department verified it (EVAL-2), and a first inquiry
    # whose transfer was let run past its day (FIR-5): each then deducts in the person's month.
    since = dt.datetime.combine(last_month, dt.time(), tz)
    bad = (BadRatingCase.objects.filter(department__center=center, verified__isnull=True, rating__at__gte=since)
           .select_related("rating").order_by("rating__at").first())
    if bad is not None:
        handled = bad.rating.at + dt.timedelta(days=1)
        tickets.handle_bad_rating(boss, bad, verified=True, rectification="窗口负责人约谈当事人，重新学习服务规范",
                                  answer="经核实情况属实，已整改，向您致歉。", visited=True, now=min(handled, now))
        made += 1
    overdue = (Inquiry.objects.filter(center=center, due__lt=today, closed_at=None, to_staff__isnull=False)
               .select_related("to_staff").order_by("at").first())
    if overdue is not None and overdue.to_staff is not None:
        feedback.hold_accountable(boss, center, overdue.to_staff, Outcome.ADMONITION, today, inquiry=overdue,
                                  note="转办事项超过办结时限，约谈提醒")
        made += 1

    # The month before last is closed; last month stays open for the office to close.
    if not MonthClosing.objects.filter(center=center, month=closed_month).exists():
        assessment.close_month(boss, center, closed_month, now=at(workday(last_month, 3), "17:00"))
        made += 1
    # What the worker prepares: this week's Monday report and the closed month's bulletin.
    monday = today - dt.timedelta(days=today.weekday())
    if cal.covers(last_week(monday)[0].year):
        assessment.generate_report(base, center, ReportKind.WEEKLY.value, last_week(monday)[0], now=now)
        made += 1
    assessment.generate_report(base, center, ReportKind.MONTHLY.value, closed_month, now=now)
    return made + 1
