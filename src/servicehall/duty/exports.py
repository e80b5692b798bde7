"""The duty lists as xlsx (issue 13 item 8): vacancies (NV-6), the penalty ladder (NV-8) and attendance anomalies
(ATT-1, NV-11), row for row as their pages show them with the same filters; no cell is a formula (SEC-3)."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from servicehall.core.xlsx import xlsx_bytes
from servicehall.org.models import Center, Staff

from .models import Anomaly, AnomalyKind, Answerable, SanctionLevel, Vacancy


def _sheet(title: str, header: list[str]):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    ws.freeze_panes = "A2"
    return wb, ws


def vacancies(center: Center, rows: Iterable[Vacancy]) -> bytes:
    tz = ZoneInfo(center.timezone)
    wb, ws = _sheet("窗口缺位", ["日期", "窗口", "岗位", "部门", "A岗", "B岗", "开始", "结束", "分钟", "责任方",
                               "责任人", "原因", "进行中"])
    for v in rows:
        held = getattr(v, "held", None)
        a, b = (held.a, held.b) if held is not None else (v.post.a, v.post.b)
        who = v.department.name if v.answerable_kind == Answerable.DEPARTMENT else (
            f"{v.staff.name}（{v.answerable}）" if v.staff is not None else v.answerable)
        ws.append([v.date, v.post.window.name, v.post.code, v.department.name,
                   f"{a.name}（{a.code}）" if a else "", f"{b.name}（{b.code}）" if b else "",
                   v.start.astimezone(tz).strftime("%H:%M"), v.end.astimezone(tz).strftime("%H:%M"), v.minutes,
                   str(Answerable(v.answerable_kind).label), who, v.reason, "是" if v.open else ""])
    return xlsx_bytes(wb)


def sanctions(rows: Iterable, staff: dict[str, Staff]) -> bytes:
    wb, ws = _sheet("缺位问责", ["人员编号", "姓名", "部门", "岗位", "日期", "年内次序", "月内次序", "问责等级"])
    for s in rows:
        person = staff.get(s.staff)
        ws.append([s.staff, person.name if person else "", person.department.name if person else "", s.post, s.date,
                   s.rank_in_year, s.rank_in_month, str(SanctionLevel(s.level).label)])
    return xlsx_bytes(wb)


def anomalies(center: Center, rows: Iterable[Anomaly]) -> bytes:
    tz = ZoneInfo(center.timezone)
    wb, ws = _sheet("考勤异常", ["日期", "开始", "人员编号", "姓名", "部门", "异常", "岗位", "分钟", "说明"])
    for a in rows:
        ws.append([a.date, a.start.astimezone(tz).strftime("%H:%M") if a.start else "", a.staff.code, a.staff.name,
                   a.staff.department.name, str(AnomalyKind(a.kind).label), a.post.code if a.post else "",
                   a.minutes, a.detail])
    return xlsx_bytes(wb)
