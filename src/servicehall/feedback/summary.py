"""The monthly complaint summary (CMP-1..6, FIR-4): counts by ground, channel, intake outcome and department,
answers and their timeliness, accountability, and the first-inquiry register — as a page and as xlsx."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.functional import Promise

from servicehall.core.xlsx import xlsx_bytes
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center
from servicehall.rules.identity import mask_phone
from servicehall.rules.workdays import CalendarYearMissing

from .models import (
    Accountability,
    Channel,
    Complaint,
    ComplaintStatus,
    Ground,
    Inquiry,
    InquiryStatus,
    Outcome,
)

OPEN = (ComplaintStatus.RECEIVED, ComplaintStatus.REGISTERED, ComplaintStatus.SUPERVISED, ComplaintStatus.REPLIED)


@dataclass
class DepartmentRow:
    name: str
    received: int = 0
    registered: int = 0
    upheld: int = 0
    answered: int = 0
    open: int = 0
    overdue_orders: int = 0


@dataclass
class Summary:
    first: dt.date
    last: dt.date
    total: int
    by_ground: list[tuple[str | Promise, int]]
    by_channel: list[tuple[str | Promise, int]]
    by_status: list[tuple[str | Promise, int]]
    departments: list[DepartmentRow]
    answered: int
    answered_in_days: float | None  # mean working days from receipt to answer
    upheld: int
    anonymous: int
    complaints: list[Complaint]
    accountability: list[Accountability]
    outcomes: list[tuple[str | Promise, int]]
    inquiries: dict[str, int] = field(default_factory=dict)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def monthly(center: Center, year: int, month: int) -> Summary:
    """Everything received in the month, as it stands now; working days counted on the center's calendar."""
    first, last = month_bounds(year, month)
    tz = ZoneInfo(center.timezone)
    start = dt.datetime.combine(first, dt.time(), tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
    rows = list(Complaint.objects.filter(center=center, received_at__gte=start, received_at__lt=end)
                .select_related("department", "window", "staff").prefetch_related("steps")
                .order_by("received_at"))
    cal = get_calendar(center)
    ground: Counter[str] = Counter()
    channel: Counter[str] = Counter()
    status: Counter[str] = Counter()
    depts: dict[str, DepartmentRow] = {}
    spans = []
    for c in rows:
        ground[c.ground] += 1
        channel[c.channel] += 1
        status[c.status] += 1
        d = depts.setdefault(c.department.name if c.department else "—",
                             DepartmentRow(c.department.name if c.department else "—"))
        d.received += 1
        d.registered += c.status not in (ComplaintStatus.RECEIVED, ComplaintStatus.WITHDRAWN, ComplaintStatus.INVALID)
        d.upheld += bool(c.upheld)
        d.answered += c.status == ComplaintStatus.ANSWERED
        d.open += c.status in OPEN
        d.overdue_orders += c.escalated_at is not None
        if c.status == ComplaintStatus.ANSWERED:
            answered_at = max((s.at for s in c.steps.all() if s.kind == "answer"), default=None)
            if answered_at is not None:
                try:
                    spans.append(cal.workdays_between(c.received_at.astimezone(tz).date(),
                                                      answered_at.astimezone(tz).date()))
                except CalendarYearMissing:
                    pass  # a year without an arrangement: no guess, the mean leaves it out
    acc = list(Accountability.objects.filter(center=center, date__gte=first, date__lte=last)
               .select_related("staff", "staff__department", "complaint", "inquiry").order_by("date", "id"))
    inq = Inquiry.objects.filter(center=center, at__gte=start, at__lt=end)
    return Summary(
        first=first, last=last, total=len(rows),
        by_ground=[(Ground(k).label, ground[k]) for k in Ground.values if ground[k]],
        by_channel=[(Channel(k).label, channel[k]) for k in Channel.values if channel[k]],
        by_status=[(ComplaintStatus(k).label, status[k]) for k in ComplaintStatus.values if status[k]],
        departments=sorted(depts.values(), key=lambda r: (-r.received, r.name)),
        answered=status[ComplaintStatus.ANSWERED],
        answered_in_days=round(sum(spans) / len(spans), 1) if spans else None,
        upheld=sum(bool(c.upheld) for c in rows), anonymous=sum(c.anonymous for c in rows),
        complaints=rows, accountability=acc,
        outcomes=[(Outcome(k).label, n) for k, n in Counter(a.outcome for a in acc).most_common()],
        inquiries={"registered": inq.count(),
                   "transferred": inq.exclude(due=None).count(),
                   "sent_back": inq.exclude(sent_back_reason="").count(),
                   "open": inq.filter(status__in=[InquiryStatus.TRANSFERRED, InquiryStatus.RETURNED]).count(),
                   "overdue_alerted": inq.exclude(overdue_alerted_at=None).count()},
    )


def xlsx(center: Center, s: Summary) -> bytes:
    """The summary as a workbook: 汇总, 投诉明细, 责任追究.

    Contacts are masked for every reader, as on a printout handed out (SEC-3): the sheet is a report that
    travels, and those who follow a complaint up read the contact on its page. No cell is a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    tz = ZoneInfo(center.timezone)
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    bold = Font(bold=True)
    ws.append([f"{center.name} 投诉情况月报 {s.first:%Y-%m}"])
    ws["A1"].font = bold
    ws.append(["收到投诉", s.total])
    ws.append(["已答复", s.answered])
    ws.append(["平均答复用时（工作日）", s.answered_in_days if s.answered_in_days is not None else "—"])
    ws.append(["属实", s.upheld])
    ws.append(["匿名", s.anonymous])
    for title, pairs in (("按投诉事由", s.by_ground), ("按渠道", s.by_channel), ("按状态", s.by_status),
                         ("责任追究", s.outcomes)):
        ws.append([])
        ws.append([title])
        ws.cell(ws.max_row, 1).font = bold
        for label, n in pairs:
            ws.append([str(label), n])
    ws.append([])
    ws.append(["部门", "收到", "受理", "属实", "已答复", "未办结", "督办逾期"])
    for cell in ws[ws.max_row]:
        cell.font = bold
    for d in s.departments:
        ws.append([d.name, d.received, d.registered, d.upheld, d.answered, d.open, d.overdue_orders])
    ws.append([])
    ws.append(["首问登记", s.inquiries["registered"], "转办", s.inquiries["transferred"], "退回",
               s.inquiries["sent_back"], "未办结", s.inquiries["open"], "逾期提醒", s.inquiries["overdue_alerted"]])
    ws.column_dimensions["A"].width = 28

    detail = wb.create_sheet("投诉明细")
    detail.append(["查询码", "收到时间", "渠道", "事由", "部门", "窗口", "人员", "投诉人", "电话", "状态", "属实",
                   "督办期限", "答复"])
    for c in s.complaints:
        detail.append([c.code, c.received_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), c.get_channel_display(),
                       c.get_ground_display(), c.department.name if c.department else "",
                       c.window.name if c.window else "", c.staff.name if c.staff else "",
                       "匿名" if c.anonymous else c.name, mask_phone(c.phone), c.get_status_display(),
                       {True: "是", False: "否", None: ""}.get(c.upheld, ""), c.due.isoformat() if c.due else "", c.answer])
    people = wb.create_sheet("责任追究")
    people.append(["日期", "工号", "姓名", "部门", "处理", "来源", "备注"])
    for a in s.accountability:
        source = a.complaint.code if a.complaint else f"首问 #{a.inquiry_id}" if a.inquiry_id else ""
        people.append([a.date.isoformat(), a.staff.code, a.staff.name, a.staff.department.name,
                       a.get_outcome_display(), source, a.note])
    return xlsx_bytes(wb)
