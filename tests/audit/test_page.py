"""SEC-7: the audit administrator reads, filters and exports the trail of their center; nobody else."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from servicehall.audit.models import AuditRecord
from servicehall.audit.services import record_event
from tests.conftest import PASSWORD


def as_auditor(client):
    assert client.post("/accounts/login/", {"username": "shenji", "password": PASSWORD}).status_code == 302
    return client


def test_sec7_page_refused_to_the_office(office_client):
    r = office_client.get("/manage/audit/")
    assert r.status_code == 403 and "只有审计管理员可以查看操作审计记录" in r.content.decode()


def test_sec7_page_refused_to_the_anonymous(client, center):
    r = client.get("/manage/audit/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_sec7_page_shown_to_the_audit_administrator(client, auditor, clerk):
    record_event(clerk, "case.accept", object_type="cases.case", object_id=1, object_repr="RS-2026-0001",
                 address="192.0.2.5")
    body = as_auditor(client).get("/manage/audit/").content.decode()
    assert "操作审计" in body and "RS-2026-0001" in body
    r = client.get("/manage/audit/", {"address": "192.0.2.5"})
    assert list(r.context["page"]) == [AuditRecord.objects.get(object_repr="RS-2026-0001")]
    r = client.get("/manage/audit/", {"action": "case.accept", "actor": "zhangsan", "object_type": "cases",
                                      "date_from": "2000-01-01", "date_to": "2999-12-31"})
    assert [rec.object_repr for rec in r.context["page"]] == ["RS-2026-0001"]
    r = client.get("/manage/audit/", {"date_from": "not-a-date"})
    assert r.status_code == 200 and not list(r.context["page"])


def test_sec7_page_is_read_only(client, auditor):
    as_auditor(client)
    n = AuditRecord.objects.count()
    r = client.post("/manage/audit/", {"action": "x"})
    assert r.status_code in (403, 405) or AuditRecord.objects.count() == n


def test_sec7_other_centers_people_are_not_shown(client, auditor, actor, clerk):
    from servicehall.org import services as org

    other = org.save_center(actor, "QT", "另一中心")
    org.save_department(actor, other, "RS", "人社")
    stranger = org.create_account(actor, org.save_staff(actor, other, "T001", "外人", "RS", roles=["window"]),
                                  "stranger", PASSWORD)
    record_event(stranger, "case.accept", object_type="cases.case", object_id=2, object_repr="QT-secret")
    record_event(clerk, "case.accept", object_type="cases.case", object_id=3, object_repr="ZX-own")
    body = as_auditor(client).get("/manage/audit/").content.decode()
    assert "ZX-own" in body and "QT-secret" not in body


def test_sec7_export_writes_formulas_as_text_and_is_audited(client, auditor, clerk):
    record_event(clerk, "complaint.file", object_type="feedback.complaint", object_id=9,
                 object_repr='=HYPERLINK("http://evil.example","click")', reason="+1-2", address="192.0.2.9")
    r = as_auditor(client).get("/manage/audit/", {"address": "192.0.2.9", "format": "xlsx"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    assert "操作" in header and "访问地址（IP）" in header
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    evil = next(c for c in cells if c.value == '=HYPERLINK("http://evil.example","click")')
    plus = next(c for c in cells if c.value == "+1-2")
    assert evil.data_type == "s" and plus.data_type == "s" and evil.quotePrefix
    assert AuditRecord.objects.filter(action="export", object_id="audit.xlsx", actor=auditor).exists()
