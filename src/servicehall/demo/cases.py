"""Demo cases: a few weeks of applications at the demo center's windows — most on time, some waiting on the
applicant, some yellow or red, one late notice and one second notice asking for more (CASE-2..11)."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from servicehall.audit.services import Actor, system_actor
from servicehall.cases import services as cases
from servicehall.cases.models import Case
from servicehall.errors import RuleViolation
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center, Post
from servicehall.rules.identity import id_check_char

from .data import DEMO_REGION, GIVEN, SURNAMES


def _applicant(rng: random.Random) -> cases.Applicant:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 50))
    first17 = f"{DEMO_REGION}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return cases.Applicant("person", rng.choice(SURNAMES) + rng.choice(GIVEN),
                           f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}", first17 + id_check_char(first17))


@transaction.atomic
def load_cases(center: Center, days: int = 20, per_day: int = 6, now: dt.datetime | None = None) -> int:
    """Applications over the last ``days`` working days; idempotent by request id."""
    now = now or timezone.now()
    tz = ZoneInfo(center.timezone)
    today = now.astimezone(tz).date()
    cal = get_calendar(center)
    workdays = [d for d in (today - dt.timedelta(days=i) for i in range(days * 2, -1, -1))
                if cal.covers(d.year) and cal.is_workday(d)][-days:]
    posts = list(Post.objects.filter(center=center, a__active=True).select_related("a")
                 .prefetch_related("items__materials"))
    base = system_actor("demo")
    created = 0
    for day in workdays:
        rng = random.Random(f"cases-{center.code}-{day.isoformat()}")
        for n in range(per_day):
            post = rng.choice(posts)
            items = list(post.items.all())
            if not items:
                continue
            item = rng.choice(items)
            at = dt.datetime.combine(day, dt.time(9, 0), tzinfo=tz) + dt.timedelta(minutes=rng.randint(0, 420))
            if at > now:
                continue
            request_id = f"demo-{day:%Y%m%d}-{n}"
            if Case.objects.filter(center=center, client_request_id=request_id).exists():
                continue
            actor = Actor(user=base.user, label=f"{post.a.name}（演示数据）", staff=post.a, system=True)
            mats = list(item.materials.all())
            required = [m for m in mats if m.required]
            complete = rng.random() < 0.8
            received = [{"name": m.name, "count": m.copies, "form": m.form}
                        for m in (mats if complete else required[:-1] or [])]
            try:
                case = cases.receive_case(actor, center, item.code, _applicant(rng), received,
                                          action="accept" if complete else "notice",
                                          client_request_id=request_id, now=at)
            except RuleViolation:
                continue  # e.g. an item with no required materials missing: nothing to notice
            created += 1
            age = cal.workdays_between(day, today)
            if case.status == "awaiting" and age > 2 and rng.random() < 0.6:
                case = cases.correct(actor, case, [{"name": required[-1].name}], now=at + dt.timedelta(days=2))
            if case.status == "accepted" and case.due_date and case.due_date < today and rng.random() < 0.85:
                cases.decide(actor, case, True, now=dt.datetime.combine(case.due_date, dt.time(16), tzinfo=tz))
    _one_of_each(center, base, now)
    cases.refresh_cards(center, now)
    return created


def _one_of_each(center: Center, base: Actor, now: dt.datetime) -> None:
    """A second notice that asks for more (CASE-3 breach) and a notice issued too late, once each."""
    if not Case.objects.filter(center=center, notice_breach=True).exists():
        for case in Case.objects.filter(center=center, status="awaiting").select_related("item", "clerk")[:5]:
            asked = {n for s in case.steps.filter(kind="notice") for n in s.data.get("items", {})}
            extra = [m.name for m in case.item.materials.all() if m.name not in asked]
            when = case.received_at + dt.timedelta(days=1)  # the next day, and never after now
            if extra and when <= now:
                actor = Actor(user=base.user, label=f"{case.clerk.name}（演示数据）", staff=case.clerk, system=True)
                cases.issue_notice(actor, case, {extra[0]: "需补充提交"}, confirm_breach=True, now=when)
                break
    if not Case.objects.filter(center=center, notice_late=True).exists():
        cal = get_calendar(center)
        today = now.astimezone(ZoneInfo(center.timezone)).date()
        for case in (Case.objects.filter(center=center, status="accepted").exclude(steps__kind="notice")
                     .select_related("item", "clerk")):
            if cal.workdays_between(case.received_on, today) > center.policy.notice_max_days:
                mats = list(case.item.materials.all())
                if mats:
                    actor = Actor(user=base.user, label=f"{case.clerk.name}（演示数据）", staff=case.clerk, system=True)
                    cases.issue_notice(actor, case, {mats[0].name: "复印件不清晰"}, now=now)
                    break

