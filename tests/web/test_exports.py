"""SEC-3: no xlsx export carries a formula. Text typed into the system — a complainant's name, a service item,
a window, a clerk — that a spreadsheet would read as a formula comes out as a text cell, in every export."""

from __future__ import annotations

import datetime as dt
import io
import pathlib
import re

import pytest
from openpyxl import load_workbook

from servicehall.audit.services import system_actor
from servicehall.catalog import services as catalog
from servicehall.core.xlsx import FORMULA_STARTS
from servicehall.feedback import services as cmp
from servicehall.org import services as org
from servicehall.org.models import ExtendedSession, Staff, Window
from servicehall.tickets import services as q
from servicehall.tickets.models import Rating, Ticket, TicketStatus

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime.now(TZ).replace(microsecond=0)
SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "servicehall"


def complaint_summary(actor, center):
    names = ['=HYPERLINK("http://x.example/","点我")', "+1", "-2+3", "@SUM(1)", "=1+1"]
    for name in names:
        cmp.file_complaint(system_actor("public"), center, channel="online", ground="attitude",
                           matter="窗口人员态度生硬", name=name, now=NOW)
    return "S900", "/manage/complaints/summary/", {"month": f"{NOW:%Y-%m}", "format": "xlsx"}, set(names)


def queue_statistics(actor, center):
    item, window, clerk = '=HYPERLINK("http://x.example/")', "+1", "@SUM(1)"
    catalog.save_item(actor, center, "RS-009", item, "RS", instant=True)
    org.save_window(actor, center, "W09", window, "RS")
    org.save_staff(actor, center, "S009", clerk, "RS", roles=["window"], qualified=["RS-009"])
    org.save_staff(actor, center, "S010", "孙八", "RS", roles=["window"], qualified=["RS-009"])
    org.save_post(actor, center, "P09", window="W09", a="S009", b="S010", items=["RS-009"])
    staff, win = Staff.objects.get(code="S009"), Window.objects.get(code="W09")
    issued = NOW - dt.timedelta(minutes=30)
    # W09 open all day (an extended session, ATT-4), so that the kiosk issues whatever the hour the test runs.
    ExtendedSession.objects.create(center=center, date=issued.date(), start=dt.time(0),
                                   end=dt.time(23, 59, 59)).windows.add(win)
    ticket = q.issue_ticket(system_actor("kiosk"), center, "RS-009", now=issued)
    # Served and rated: set directly, the export reads only the finished rows.
    Ticket.objects.filter(pk=ticket.pk).update(
        status=TicketStatus.DONE, window=win, staff=staff, called_at=NOW - dt.timedelta(minutes=20),
        started_at=NOW - dt.timedelta(minutes=20), finished_at=NOW - dt.timedelta(minutes=10))
    Rating.objects.create(ticket=ticket, staff=staff, window=win, level=5, at=NOW - dt.timedelta(minutes=9))
    day = ticket.day.isoformat()
    return "S900", "/manage/queue/stats.xlsx", {"from": day, "to": day}, {item, window, clerk}


def audit_trail(actor, center):
    window = '=HYPERLINK("http://x.example/")'
    org.save_window(actor, center, "W09", window, "RS")  # its audit record names it
    org.save_staff(actor, center, "S990", "审计员", "ZX", roles=["audit_admin"])
    return "S990", "/manage/audit/", {"format": "xlsx"}, {window}


def duty_lists(actor, center):
    from servicehall.duty.models import Vacancy
    from servicehall.org.models import Department

    window, reason = '=HYPERLINK("http://x.example/")', "-2+3"
    org.save_window(actor, center, "W09", window, "RS")
    org.save_staff(actor, center, "S009", "孙八", "RS", roles=["window"], qualified=["RS-001"])
    post = org.save_post(actor, center, "P09", window="W09", a="S009", b="S001", items=["RS-001"])
    Vacancy.objects.create(center=center, post=post, date=NOW.date(), start=NOW - dt.timedelta(hours=1), end=NOW,
                           minutes=60, answerable_kind="a", staff=Staff.objects.get(code="S009"),
                           department=Department.objects.get(center=center, code="RS"), answerable="S009",
                           reason=reason)
    day = NOW.date().isoformat()
    return "S900", "/manage/vacancies/", {"from": day, "to": day, "format": "xlsx"}, {window, reason}


def rankings(actor, center):
    """ASM-4: the ranking workbook names departments and windows as they were typed."""
    dept, window = '=HYPERLINK("http://x.example/")', "+1"
    org.save_department(actor, center, "GA", dept)
    org.save_window(actor, center, "W09", window, "GA")
    org.save_staff(actor, center, "S009", "孙八", "GA", roles=["window"], qualified=["RS-001"])
    org.save_staff(actor, center, "S010", "周九", "GA", roles=["window"], qualified=["RS-001"])
    org.save_post(actor, center, "P09", window="W09", a="S009", b="S010", items=["RS-001"])
    return "S900", "/assessment/rankings/", {"month": f"{NOW:%Y-%m}", "format": "xlsx"}, {dept, window}


# Every xlsx download, by the module that serves it → the export's setup: (who downloads, url, query, planted).
EXPORTS = {"feedback/views.py": complaint_summary, "tickets/views.py": queue_statistics,
           "web/auditpages.py": audit_trail, "duty/views.py": duty_lists, "assessment/rankpages.py": rankings}


def sources(pattern: str) -> set[str]:
    return {str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
            if re.search(pattern, path.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_sec3_formula_text_is_written_as_text(client, actor, center, settings, export):
    settings.DEFAULT_CENTER = "ZX"
    who, url, params, planted = export(actor, center)
    staff = Staff.objects.get(code=who)
    if staff.user is None:
        org.create_account(actor, staff, f"u{who.lower()}", "Exports-Test-2026!")
        staff.refresh_from_db()
    client.force_login(staff.user)
    r = client.get(url, params)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    cells = [c for ws in load_workbook(io.BytesIO(r.content)).worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    found = {c.value for c in cells if c.value in planted}
    assert found == planted  # every planted value is in the sheet, as it was typed
    for c in cells:
        if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS):
            assert c.data_type == "s" and c.quotePrefix, c.coordinate


def test_sec3_every_xlsx_download_is_in_this_test():
    assert sources(r"\bxlsx_response\(") - {"core/xlsx.py"} == set(EXPORTS), "add the new export to EXPORTS above"


@pytest.mark.parametrize("module", sorted(sources(r"\bWorkbook\(")))
def test_sec3_every_workbook_is_saved_through_the_one_helper(module):
    """One place decides how text is written (servicehall.core.xlsx.xlsx_bytes); no export saves on its own."""
    text = (SRC / module).read_text(encoding="utf-8")
    assert "xlsx_bytes(" in text and not re.search(r"\.save\(", text)


def test_sec3_xlsx_bytes_writes_every_formula_start_as_text():
    from openpyxl import Workbook

    from servicehall.core.xlsx import xlsx_bytes

    texts = ["=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1", "#N/A", "普通文字", "a=b"]
    wb = Workbook()
    wb.active.append([*texts, 42, -3.5])
    row = next(load_workbook(io.BytesIO(xlsx_bytes(wb))).active.iter_rows())
    # a bare CR comes back as LF or as itself, depending on whether the XML writer escapes it (lxml does)
    assert [c.value.replace("\r", "\n") if isinstance(c.value, str) else c.value for c in row] == [
        t.replace("\r", "\n") for t in texts] + [42, -3.5]
    assert [c.data_type for c in row] == ["s"] * len(texts) + ["n", "n"]
    assert [bool(c.quotePrefix) for c in row[:len(texts)]] == [True] * 7 + [False, False]
