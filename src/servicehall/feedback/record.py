"""One person's record for a year (CMP-5, FIR-5, NV-8, ATT-1, EVAL-1, CASE-11): complaints about them,
accountability outcomes, the 2-in-a-year escalation, first inquiries they answered for and passed on, the vacancies
they answer for with their appeals, their attendance anomalies (late openings among them), the ratings of their
services and their red cases — each derived from the log, so a correction re-derives it. Everyone reads their own
("我的记录"); heads their department's; the office and inspectors anyone's (SEC-5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q

from servicehall.cases.models import CaseViolation
from servicehall.core import clock
from servicehall.duty.models import Anomaly, Event, EventType, Vacancy
from servicehall.duty.queries import sanctions
from servicehall.duty.services import appeal_state
from servicehall.org.models import Center, Staff
from servicehall.tickets.models import Rating

from .models import Accountability, Complaint, Inquiry, InquiryStatus
from .services import Escalation, escalations


@dataclass
class InquiryFacts:
    answered_for: int  # first-responsible
    passed_on: int  # transferred by them
    late_transfers: list[Inquiry]  # their transfers closed after the due date, or still open past it
    received: int  # passed to them
    sent_back: int  # sent back by them
    late_receipts: list[Inquiry]  # passed to them and not closed in time


@dataclass
class PersonRecord:
    staff: Staff
    year: int
    complaints: list[Complaint]
    accountability: list[Accountability]
    escalation: list[Escalation]  # their own second and later violations
    as_window_head: list[Escalation]  # colleagues' escalations that call for criticism of this window head
    inquiries: InquiryFacts
    vacancies_a: list[Vacancy]
    vacancies_b: int  # answered for as B: referred to the department (NV-6)
    sanctions: list  # NV-8 ladder rows for this person
    vacancies: list[Vacancy]  # every vacancy they answer for, A or B, each with ``appeal`` (NV-6)
    appeals: list[Event]  # their appeals of the year, each with ``state``: True upheld, False rejected, None pending
    anomalies: list[Anomaly]  # ATT-1, NV-11 (late openings)
    ratings: dict[int, int]  # EVAL-1: level → count
    poor_ratings: list[Rating]  # 不满意 and 非常不满意, with their handling
    red_cases: list[CaseViolation]  # CASE-11: overdue cases they were handling


def _late(inq: Inquiry, today: dt.date, tz) -> bool:
    if inq.due is None:
        return False
    if inq.status == InquiryStatus.TRANSFERRED:
        return today > inq.due
    return inq.closed_at is not None and inq.closed_at.astimezone(tz).date() > inq.due


def person_record(center: Center, staff: Staff, year: int, now: dt.datetime | None = None) -> PersonRecord:
    tz = ZoneInfo(center.timezone)
    today = clock.today(center, now)
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    complaints = list(Complaint.objects.filter(center=center, staff=staff, received_at__gte=start, received_at__lt=end)
                      .order_by("received_at"))
    acc = list(Accountability.objects.filter(center=center, staff=staff, date__year=year)
               .select_related("complaint", "inquiry").order_by("date", "id"))
    all_escalations = escalations(center, year)
    inq = Inquiry.objects.filter(center=center, at__gte=start, at__lt=end)
    mine = list(inq.filter(responsible=staff).exclude(due=None).select_related("to_staff", "to_window"))
    to_me = list(inq.filter(to_staff=staff).select_related("responsible"))
    facts = InquiryFacts(
        answered_for=inq.filter(responsible=staff).count(), passed_on=len(mine),
        late_transfers=[i for i in mine if _late(i, today, tz)],
        received=len(to_me), sent_back=sum(bool(i.sent_back_reason) for i in to_me),
        late_receipts=[i for i in to_me if _late(i, today, tz)])
    vacancies = Vacancy.objects.filter(center=center, staff=staff, date__year=year).select_related("post",
                                                                                                   "post__window")
    appeals = list(Event.objects.filter(center=center, type=EventType.APPEAL, staff=staff, date__year=year)
                   .select_related("post", "post__window").prefetch_related("followups").order_by("date", "start"))
    for a in appeals:
        a.state = appeal_state(a)  # type: ignore[attr-defined]
        a.decision = next((f for f in a.followups.all() if f.type in (EventType.WAIVER, EventType.APPROVAL)),  # type: ignore[attr-defined]
                          None)
    by_span = {(a.post_id, a.start, a.end): a for a in appeals}
    listed = list(vacancies.select_related("department").order_by("date", "start"))
    for v in listed:
        v.appeal = by_span.get((v.post_id, v.start, v.end))  # type: ignore[attr-defined]
    ratings = Rating.objects.filter(Q(ticket__center=center) | Q(rated_case__center=center),  # EVAL-4
                                    staff=staff, at__gte=start, at__lt=end)
    counts: dict[int, int] = {}
    for level in ratings.values_list("level", flat=True):
        counts[level] = counts.get(level, 0) + 1
    return PersonRecord(
        staff=staff, year=year, complaints=complaints, accountability=acc,
        escalation=[e for e in all_escalations if e.staff.pk == staff.pk],
        as_window_head=[e for e in all_escalations if any(h.pk == staff.pk for h in e.heads)],
        inquiries=facts,
        vacancies_a=list(vacancies.filter(answerable_kind="a").order_by("date", "start")),
        vacancies_b=vacancies.filter(~Q(answerable_kind="a")).count(),
        sanctions=sanctions(center, year, staff.code),
        vacancies=listed, appeals=appeals,
        anomalies=list(Anomaly.objects.filter(center=center, staff=staff, date__year=year).select_related("post")
                       .order_by("date", "start", "kind")),
        ratings=counts,
        poor_ratings=list(ratings.filter(level__lte=2).select_related("window", "case").order_by("at")),
        red_cases=list(CaseViolation.objects.filter(center=center, staff=staff, red_on__year=year)
                       .select_related("case").order_by("red_on")),
    )
