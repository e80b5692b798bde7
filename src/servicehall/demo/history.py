"""A month of lifelike duty history for the demo center, up to now (NV-1..8, ATT-1..2).

Deterministic for a given day: event ids are built from the date and the
person, so loading the demo twice on one day adds nothing. The month holds
ordinary days, leave with handovers, meetings, late arrivals, a few real
vacancies and one clerk who climbs the ladder; today shows a live board
with one window empty.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from servicehall.audit.services import Actor
from servicehall.duty import services as duty
from servicehall.duty.engine import expected_staff
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center, Post

# What people write on a leave or an away form. The kind is drawn from the day's random sequence as always; the
# wording is picked by the event's own id (``_pick``), so the history's volumes do not depend on these lists.
LEAVE_REASONS = {
    "事假": ["事假：孩子学校家长会", "事假：回老家处理房屋过户", "事假：陪同父亲到市医院复查", "事假：办理孩子入学手续",
           "事假：家中老人住院陪护"],
    "病假": ["病假：感冒发热，附社区卫生服务中心病假证明", "病假：急性肠胃炎，附县人民医院诊断证明", "病假：腰椎不适门诊治疗",
           "病假：牙科手术后休息"],
    "年休假": ["年休假", "年休假：陪家人外出", "年休假（本年度第二次）"],
}
AWAY_REASONS = {
    "meeting": ["参加县政务服务管理办公室工作例会", "参加本单位党支部主题党日活动", "参加县营商环境工作推进会",
                "参加本局季度业务工作会议"],
    "training": ["参加省一体化政务服务平台操作培训", "参加市局组织的业务政策培训", "参加县委党校窗口服务礼仪培训",
                 "参加“高效办成一件事”业务培训"],
    "business": ["赴县档案馆调取历史档案", "到市局报送业务资料", "陪同市局开展现场核查", "到乡镇便民服务中心指导业务"],
}


def _pick(options: list[str], key: str) -> str:
    return options[zlib.crc32(key.encode()) % len(options)]


def _at(day: dt.date, hhmm: str, tz: ZoneInfo, jitter: int = 0) -> dt.datetime:
    h, m = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=tz) + dt.timedelta(minutes=jitter)


@transaction.atomic
def load_history(actor: Actor, center: Center, days: int = 30, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    tz = ZoneInfo(center.timezone)
    today = now.astimezone(tz).date()
    cal = get_calendar(center)
    posts = list(Post.objects.filter(center=center).select_related("a", "b").order_by("code"))
    people = sorted(expected_staff(center), key=lambda s: s.code)
    climber = posts[4] if len(posts) > 4 else None  # the A of this post climbs the ladder this month
    events: list[tuple[str, dict]] = []
    workdays = [today - dt.timedelta(days=i) for i in range(days, -1, -1)]
    workdays = [d for d in workdays if cal.covers(d.year) and cal.is_workday(d)]
    climb_days = workdays[-12:-1:4] if len(workdays) > 12 else []
    for day in workdays:
        rng = random.Random(f"{center.code}-{day.isoformat()}")
        key = day.strftime("%Y%m%d")
        on_leave = {s.pk for s in rng.sample(people, k=max(1, len(people) // 25))}
        in_meeting = {s.pk for s in rng.sample(people, k=max(1, len(people) // 30))} - on_leave
        absent = set()
        if rng.random() < 0.25:
            absent.add(rng.choice(people).pk)  # absent without leave: a real vacancy if B is out too
        for post in posts:
            if post.a_id in on_leave:
                lead = 1 if rng.random() < 0.85 else 0  # now and then a handover comes too late (NV-3)
                events.append((f"demo-{key}-{post.code}-handover", {
                    "type": "handover", "post": post, "from": post.a, "to": post.b, "date": day,
                    "filed_at": _at(day - dt.timedelta(days=lead), "16:30" if lead else "08:05", tz)}))
        for s in people:
            if s.pk in on_leave:
                events.append((f"demo-{key}-{s.code}-leave", {
                    "type": "leave", "staff": s, "start": _at(day, "08:30", tz), "end": _at(day, "17:30", tz),
                    "approved": True, "filed_at": _at(day - dt.timedelta(days=2), "10:00", tz),
                    "reason": _pick(LEAVE_REASONS[rng.choice(["事假", "病假", "年休假"])], f"{key}-{s.code}")}))
                continue
            if s.pk in absent:
                continue
            late = rng.random() < 0.04
            clock_in = _at(day, "08:40" if late else "08:12", tz, rng.randint(3, 25) if late else rng.randint(0, 17))
            if clock_in <= now:
                events.append((f"demo-{key}-{s.code}-in", {"type": "clock_in", "staff": s, "at": clock_in}))
            early = rng.random() < 0.02
            clock_out = _at(day, "16:50" if early else "17:31", tz, rng.randint(0, 20))
            if climber is not None and day in climb_days and s.pk == climber.a_id:
                clock_out = _at(day, "15:40", tz)  # leaves early without permission...
            if clock_out <= now:
                events.append((f"demo-{key}-{s.code}-out", {"type": "clock_out", "staff": s, "at": clock_out}))
            if s.pk in in_meeting:
                start = _at(day, rng.choice(["09:00", "10:00", "15:00"]), tz)
                kind = rng.choice(["meeting", "training", "business"])
                events.append((f"demo-{key}-{s.code}-away", {
                    "type": "away", "staff": s, "kind": kind,
                    "start": start, "end": start + dt.timedelta(minutes=rng.choice([60, 90, 120])),
                    "approved": True, "reason": _pick(AWAY_REASONS[kind], f"{key}-{s.code}")}))
            if rng.random() < 0.3:
                start = _at(day, rng.choice(["09:40", "10:30", "15:20", "16:10"]), tz, rng.randint(0, 20))
                if start + dt.timedelta(minutes=30) <= now:
                    window = next((p.window for p in posts if p.a_id == s.pk), None)
                    events.append((f"demo-{key}-{s.code}-pause", {
                        "type": "pause", "staff": s, "window": window, "start": start,
                        "end": start + dt.timedelta(minutes=rng.choice([5, 10, 12, 25]))}))
        if climber is not None and day in climb_days:
            # ...while B is at an approved training that afternoon: A answers (NV-6, NV-8).
            events.append((f"demo-{key}-{climber.b.code}-training", {
                "type": "away", "staff": climber.b, "kind": "training", "start": _at(day, "15:00", tz),
                "end": _at(day, "17:30", tz), "approved": True,
                "reason": _pick(AWAY_REASONS["training"], f"{key}-{climber.b.code}")}))
    if workdays and workdays[-1] == today and len(posts) > 8:
        # Today: one window empty right now — A has not come, B is at a meeting.
        post = posts[8]
        events = [(k, e) for k, e in events if not (e.get("staff") in (post.a, post.b) and k.startswith(
            f"demo-{today:%Y%m%d}"))]
        if _at(today, "08:20", tz) <= now:
            events.append((f"demo-{today:%Y%m%d}-{post.b.code}-in", {"type": "clock_in", "staff": post.b,
                                                                      "at": _at(today, "08:20", tz)}))
        events.append((f"demo-{today:%Y%m%d}-{post.b.code}-meeting", {
            "type": "away", "staff": post.b, "kind": "meeting", "start": _at(today, "08:30", tz),
            "end": _at(today, "17:30", tz), "approved": True, "reason": "参加县政府优化营商环境专题会议"}))
    appended = []
    for ext_id, data in events:
        fields, problems = duty.validate_event(center, data)
        if problems:
            continue  # e.g. a day in a year the center has not entered
        rec = duty.append_event(actor, center, ext_id, fields, source="import")
        if rec.created:
            appended.append(rec.event)
    duty.rederive(center, appended, now=now)
    return len(appended)
