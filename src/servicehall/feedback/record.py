"""One person's record for a year (CMP-5, FIR-5, NV-8): complaints about them, accountability outcomes, the
2-in-a-year escalation, first inquiries they answered for and passed on, and the vacancies they answer for —
each derived from the log, so a correction re-derives it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q

from servicehall.core import clock
from servicehall.duty.models import Vacancy
from servicehall.duty.queries import sanctions
from servicehall.org.models import Center, Staff

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
    return PersonRecord(
        staff=staff, year=year, complaints=complaints, accountability=acc,
        escalation=[e for e in all_escalations if e.staff.pk == staff.pk],
        as_window_head=[e for e in all_escalations if any(h.pk == staff.pk for h in e.heads)],
        inquiries=facts,
        vacancies_a=list(vacancies.filter(answerable_kind="a").order_by("date", "start")),
        vacancies_b=vacancies.filter(~Q(answerable_kind="a")).count(),
        sanctions=sanctions(center, year, staff.code),
    )
