"""Issue 6, the rest: attachments (CMP-1), overdue alerts (FIR-4, CMP-4), the department's inbox, the monthly
summary, one person's record (CMP-5, FIR-5, NV-8), the one-time notice and case link from an inquiry (FIR-2/3)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from servicehall.audit.services import Actor, system_actor
from servicehall.catalog.models import ServiceItem
from servicehall.core.models import Notification
from servicehall.duty.models import Vacancy
from servicehall.errors import RuleViolation
from servicehall.feedback import alerts
from servicehall.feedback import inquiries as fir
from servicehall.feedback import services as cmp
from servicehall.feedback.attachments import MAX_BYTES
from servicehall.feedback.models import Complaint, ComplaintAttachment, ComplaintStep, Inquiry
from servicehall.org import services as org
from servicehall.org.models import Department, Post, Staff, Window

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 9, 29, 10, tzinfo=TZ)
PASSWORD = "window-clerk-2026"


def png(size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def as_staff(code: str) -> Actor:
    return Actor(user=None, label=code, staff=Staff.objects.get(code=code))


def filed(center, **kw):
    return cmp.file_complaint(system_actor("public"), center, channel="online", ground="attitude",
                              matter=kw.pop("matter", "窗口人员态度生硬"), **kw)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def head_client(client, center):
    """S004, window head of 市场监管 (SJ)."""
    org.create_account(system_actor("test"), Staff.objects.get(code="S004"), "zhaoliu", PASSWORD)
    client.login(username="zhaoliu", password=PASSWORD)
    return client


# -- attachments (CMP-1; bad input: oversized or malformed uploads change nothing) ---------------------------

def test_good_attachments_are_stored_by_content_with_a_hash(center, media):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    c = filed(center, attachments=[upload("现场.png", png()), upload("收据.pdf", pdf, "application/pdf")])
    a, b = c.attachments.all()
    assert (a.content_type, b.content_type) == ("image/png", "application/pdf")
    assert a.file.name.endswith(f"{c.code}-1.png") and a.name == "现场.png" and len(a.sha256) == 64
    assert (media / a.file.name).read_bytes() == png()


@pytest.mark.parametrize("files, field, words", [
    ([upload("big.png", b"\x89PNG" + b"0" * MAX_BYTES)], "attachments[0]", "larger than 5 MB"),
    ([upload("photo.jpg", b"MZ\x90\x00 this is a program", "image/jpeg")], "attachments[0]", "not a readable"),
    ([upload("cut.png", png()[:30])], "attachments[0]", "not a readable"),
    ([upload("empty.pdf", b"", "application/pdf")], "attachments[0]", "empty"),
    ([upload("half.pdf", b"%PDF-1.4 no end", "application/pdf")], "attachments[0]", "not a readable"),
    ([upload(f"{i}.png", png()) for i in range(4)], "attachments", "at most 3"),
])
def test_bad_uploads_are_refused_and_nothing_is_written(center, media, files, field, words):
    with pytest.raises(RuleViolation) as e:
        filed(center, attachments=[upload("ok.png", png()), *files] if field != "attachments" else files)
    problems = e.value.as_dict()
    wanted = field.replace("[0]", "[1]") if field != "attachments" else field
    assert wanted in problems and words in str(problems[wanted])
    assert Complaint.objects.count() == 0 and ComplaintAttachment.objects.count() == 0
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_public_form_takes_attachments_and_refuses_a_bad_one_whole(client, center, media, settings):
    from django.core.cache import cache

    cache.clear()
    settings.DEFAULT_CENTER = "ZX"
    r = client.post("/complaints/new/", {"ground": "fees", "matter": "多收费", "attachments": [
        upload("收据.png", png()), upload("x.jpg", b"not an image", "image/jpeg")]})
    assert r.status_code == 400 and "x.jpg" in r.content.decode() and Complaint.objects.count() == 0
    r = client.post("/complaints/new/", {"ground": "fees", "matter": "多收费", "attachments": [upload("收据.png", png())]})
    c = Complaint.objects.get()
    assert c.code in r.content.decode() and c.attachments.count() == 1
    # the public cannot open it; the office can
    url = f"/manage/complaints/{c.code}/files/{c.attachments.get().pk}/"
    assert client.get(url).status_code == 302  # to the login page
    cache.clear()


def test_office_and_department_open_attachments_others_do_not(office_client, center, media, settings, client):
    settings.DEFAULT_CENTER = "ZX"
    c = filed(center, attachments=[upload("a.png", png())])
    url = f"/manage/complaints/{c.code}/files/{c.attachments.get().pk}/"
    r = office_client.get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and b"".join(r.streaming_content) == png()
    org.create_account(system_actor("test"), Staff.objects.get(code="S001"), "zhangsan", PASSWORD)
    client.logout()
    client.login(username="zhangsan", password=PASSWORD)
    assert client.get(url).status_code == 403  # a window clerk


# -- alerts (FIR-4, CMP-4) ---------------------------------------------------------------------------------

def test_overdue_transfer_alerts_both_people_and_the_office_once(actor, center, django_capture_on_commit_callbacks):
    inq = fir.register(actor, center, channel="visit", asker="王小明", matter="食品经营许可",
                       transfer_to=Staff.objects.get(code="S004"), now=NOW)  # due 2026-10-08 (National Day)
    assert alerts.alert_overdue_inquiries(center, dt.datetime(2026, 10, 8, 17, tzinfo=TZ)) == 0  # due today
    later = dt.datetime(2026, 10, 9, 9, tzinfo=TZ)
    with django_capture_on_commit_callbacks(execute=True):  # alerts leave after the commit
        assert alerts.alert_overdue_inquiries(center, later) == 1
    told = set(Notification.objects.filter(key=f"inquiry-overdue:{inq.pk}:20261008")
               .values_list("recipient__code", flat=True))
    assert told == {"S900", "S004"}  # S900 is both first-responsible and the office: told once
    assert alerts.alert_overdue_inquiries(center, later + dt.timedelta(hours=1)) == 0
    assert Notification.objects.count() == 2


def test_overdue_supervision_order_escalates_once_to_department_and_office(actor, center,
                                                                         django_capture_on_commit_callbacks):
    org.save_staff(actor, center, "S006", "孙八", "SJ", roles=["dept_leader"])
    c = cmp.intake(actor, filed(center), "register", department=Department.objects.get(code="SJ"))
    c = cmp.supervise(actor, c, Department.objects.get(code="SJ"), 3, "三个工作日内书面答复", now=NOW)
    assert c.due == dt.date(2026, 10, 9)
    assert alerts.alert_overdue_orders(center, dt.datetime(2026, 10, 9, 17, tzinfo=TZ)) == 0
    late = dt.datetime(2026, 10, 10, 9, tzinfo=TZ)  # a make-up working day
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.alert_overdue_orders(center, late) == 1
    assert alerts.alert_overdue_orders(center, late + dt.timedelta(hours=2)) == 0
    c.refresh_from_db()
    assert c.escalated_at == late
    assert ComplaintStep.objects.filter(complaint=c, kind="escalated").count() == 1
    told = set(Notification.objects.filter(key=f"complaint-overdue:{c.code}").values_list("recipient__code",
                                                                                            flat=True))
    assert told == {"S004", "S006", "S900"}  # window head, department leader, office


def test_worker_once_runs_the_feedback_tick(center, in_process_cli, capsys, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setattr("servicehall.duty.ticks.tick", lambda: 0)
    call_command("worker", "--once")
    assert "overdue transfers" in capsys.readouterr().out


# -- the department's inbox and who may do what ------------------------------------------------------------

def test_department_inbox_and_reply_by_its_window_head(head_client, actor, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    sj = cmp.supervise(actor, cmp.intake(actor, filed(center), "register", window=Window.objects.get(code="W02")),
                       Department.objects.get(code="SJ"), 5, "核查并答复")
    rs = cmp.intake(actor, filed(center, matter="人社窗口推诿"), "register", window=Window.objects.get(code="W01"))
    page = head_client.get("/manage/complaints/inbox/").content.decode()
    assert sj.code in page and rs.code not in page
    assert head_client.get("/manage/complaints/").status_code == 302  # the desk sends them to their inbox
    assert head_client.get(f"/manage/complaints/{rs.code}/").status_code == 403
    assert head_client.post(f"/manage/complaints/{sj.code}/", {"action": "answer", "answer": "x"}).status_code == 403
    head_client.post(f"/manage/complaints/{sj.code}/", {"action": "reply", "result": "属实，已批评教育",
                                                         "rectification": "窗口开展服务规范培训", "upheld": "1"})
    sj.refresh_from_db()
    assert sj.status == "replied" and sj.upheld is True


def test_office_enters_a_phone_complaint_and_bad_input_writes_nothing(office_client, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    r = office_client.post("/manage/complaints/", {"channel": "phone", "ground": "fees", "matter": ""})
    assert r.status_code == 200 and "matter" in r.content.decode() and Complaint.objects.count() == 0
    r = office_client.post("/manage/complaints/", {"channel": "phone", "ground": "fees", "matter": "办证多收工本费",
                                                   "name": "李女士", "phone": "13912345678"})
    c = Complaint.objects.get()
    assert r.status_code == 302 and c.channel == "phone" and c.steps.get().actor_label == "boss"
    desk = office_client.get("/manage/complaints/?status=received").content.decode()
    assert c.code in desk


def test_closing_without_an_answer_is_refused(actor, center):
    c = cmp.intake(actor, filed(center), "register", department=Department.objects.get(code="SJ"))
    with pytest.raises(RuleViolation) as e:
        cmp.answer(actor, c, "  ", on_the_spot=True)
    assert "CMP-4" in str(e.value)
    c.refresh_from_db()
    assert c.status == "registered" and not c.steps.filter(kind="answer").exists()


# -- the monthly summary -----------------------------------------------------------------------------------

def test_monthly_summary_page_and_xlsx(office_client, actor, center, settings):
    from openpyxl import load_workbook

    settings.DEFAULT_CENTER = "ZX"
    oct5 = dt.datetime(2026, 10, 12, 9, tzinfo=TZ)
    a = cmp.intake(actor, filed(center, name="王小明", phone="13812345678", now=oct5), "register",
                   staff=Staff.objects.get(code="S005"), now=oct5)
    cmp.answer(actor, a, "已当场协调，致歉", upheld=True, on_the_spot=True, now=oct5 + dt.timedelta(days=1))
    cmp.intake(actor, filed(center, now=oct5), "invalid", reason="无具体对象", now=oct5)
    filed(center, now=dt.datetime(2026, 11, 2, 9, tzinfo=TZ))  # another month
    cmp.hold_accountable(actor, center, Staff.objects.get(code="S005"), "self_criticism", dt.date(2026, 10, 13),
                         complaint=a)
    page = office_client.get("/manage/complaints/summary/?month=2026-10").content.decode()
    assert a.code in page and "县市场监管局" in page and "书面检查" in page
    r = office_client.get("/manage/complaints/summary/?month=2026-10&format=xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    sheet = {row[0]: row[1] for row in wb["汇总"].iter_rows(values_only=True) if row and row[0]}
    assert sheet["收到投诉"] == 2 and sheet["已答复"] == 1 and sheet["平均答复用时（工作日）"] == 1
    detail = list(wb["投诉明细"].iter_rows(values_only=True))
    assert len(detail) == 3 and "138****5678" in [c for row in detail for c in row]  # masked
    assert "13812345678" not in str(detail)
    assert [r[1] for r in wb["责任追究"].iter_rows(values_only=True)][1:] == ["S005"]


# -- one person's record (CMP-5, FIR-5, NV-8) -------------------------------------------------------------

def test_person_record_across_complaints_inquiries_and_vacancies(actor, center, office_client, settings, client):
    settings.DEFAULT_CENTER = "ZX"
    clerk = Staff.objects.get(code="S005")
    c1, c2 = filed(center), filed(center)
    for c, day in ((c1, dt.date(2026, 3, 2)), (c2, dt.date(2026, 6, 1))):
        cmp.intake(actor, c, "register", staff=clerk)
        cmp.hold_accountable(actor, center, clerk, "self_criticism", day, complaint=c)
    inq = fir.register(as_staff("S005"), center, channel="phone", asker="某公司", matter="许可延续",
                       transfer_to=Staff.objects.get(code="S001"), now=NOW)
    fir.close(as_staff("S001"), inq, "已办理", now=dt.datetime(2026, 10, 12, 9, tzinfo=TZ))  # due 10-08: late
    cmp.hold_accountable(actor, center, clerk, "points", dt.date(2026, 10, 13), inquiry=inq, note="转办未跟踪")
    post = Post.objects.create(center=center, code="P02", window=Window.objects.get(code="W02"),
                               department=Department.objects.get(code="SJ"), a=clerk,
                               b=Staff.objects.get(code="S004"))
    start = dt.datetime(2026, 7, 1, 9, tzinfo=TZ)
    Vacancy.objects.create(center=center, post=post, date=dt.date(2026, 7, 1), start=start,
                           end=start + dt.timedelta(minutes=40), minutes=40, answerable_kind="a", staff=clerk,
                           department=post.department, answerable="S005", reason="无请假离岗")
    page = office_client.get("/manage/staff/S005/record/?year=2026").content.decode()
    for text in (c1.code, c2.code, "许可延续", "无请假离岗", "转办未跟踪", "赵六", "行政效能"):
        assert text in page, text
    head = office_client.get("/manage/staff/S004/record/?year=2026").content.decode()
    assert "钱七" in head  # S004 is criticised as window head for S005's repeated violations
    later = office_client.get("/manage/staff/S001/record/?year=2026").content.decode()
    assert "许可延续" in later  # S001 closed the transfer after its due date
    # a clerk sees only their own record
    org.create_account(system_actor("test"), Staff.objects.get(code="S002"), "lisi", PASSWORD)
    client.logout()
    client.login(username="lisi", password=PASSWORD)
    assert client.get("/manage/staff/S005/record/").status_code == 403
    assert client.get("/manage/staff/S002/record/").status_code == 200


# -- first inquiries: one-time notice, asked together, carrying on as a case (FIR-1..3) ----------------------

def test_inquiry_within_duties_prints_the_one_time_notice(office_client, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    r = office_client.post("/manage/inquiries/", {"action": "register", "channel": "visit", "asker": "王小明",
                                                  "matter": "失业登记要带什么", "item": "RS-001",
                                                  "materials": "身份证", "missing": "申请表，离职证明"})
    slip = office_client.get(r["Location"]).content.decode()
    assert "一次性告知单" in slip and "申请表" in slip and "离职证明" in slip and "失业登记" in slip
    assert "/cases/new/?item=RS-001&inquiry=" in slip
    inq = Inquiry.objects.get()
    assert inq.missing == ["申请表", "离职证明"] and inq.status == "handled"


def test_asked_together_makes_the_most_senior_responsible(office_client, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    org.create_account(system_actor("test"), Staff.objects.get(code="S001"), "zhangsan", PASSWORD)
    office_client.logout()
    office_client.login(username="zhangsan", password=PASSWORD)
    office_client.post("/manage/inquiries/", {"action": "register", "channel": "visit", "asker": "王小明",
                                              "matter": "个体户登记", "also": ["S004", "S002"]})
    inq = Inquiry.objects.get()
    assert inq.recorded_by.code == "S001" and inq.responsible.code == "S004"
    assert sorted(inq.asked_together.values_list("code", flat=True)) == ["S002", "S004"]
    r = office_client.post("/manage/inquiries/", {"action": "register", "channel": "phone", "asker": "王大明",
                                                  "matter": "社保转移", "to_staff": "S001"})
    body = r.content.decode()
    assert Inquiry.objects.count() == 1 and r.status_code == 200  # to oneself: refused, nothing written
    assert "FIR-2" in body and 'value="王大明"' in body and 'value="社保转移"' in body  # what was typed stays


def test_an_inquiry_carries_on_as_a_case(login, center, settings):
    clerk_client = login("S001")  # a window clerk of 县人社局, whose item RS-001 is (SEC-5)
    from servicehall.cases.models import Case
    from tests.cases.test_pages import cover_the_coming_weeks

    settings.DEFAULT_CENTER = "ZX"
    cover_the_coming_weeks(as_staff("S900"), center)
    inq = fir.register(as_staff("S001"), center, channel="visit", asker="王小明", phone="13812345678",
                       matter="失业登记")
    page = clerk_client.get(f"/cases/new/?item=RS-001&inquiry={inq.pk}").content.decode()
    assert 'value="王小明"' in page and f'name="inquiry" value="{inq.pk}"' in page
    mats = {f"has_{m.pk}": "1" for m in ServiceItem.objects.get(center=center, code="RS-001").materials.all()}
    r = clerk_client.post("/cases/new/", {"item": "RS-001", "inquiry": inq.pk, "kind": "person", "name": "王小明",
                                           "phone": "13812345678", "id_number": "11010519491231002X", "action": "accept",
                                           **mats})
    assert r.status_code == 302, r.content.decode()[:2000]
    case = Case.objects.get()
    inq.refresh_from_db()
    assert inq.case == case


def test_office_records_fir5_outcome_for_a_late_transfer_from_the_record(office_client, actor, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    inq = fir.register(as_staff("S005"), center, channel="visit", asker="王小明", matter="许可延续",
                       transfer_to=Staff.objects.get(code="S001"), now=NOW)
    other = fir.register(as_staff("S002"), center, channel="visit", asker="李四", matter="x", now=NOW)
    page = office_client.get("/manage/staff/S001/record/?year=2026").content.decode()
    assert f'name="inquiry" value="{inq.pk}"' in page  # still open past its due date: late
    r = office_client.post("/manage/staff/S001/record/?year=2026", {"inquiry": other.pk, "outcome": "points"})
    assert r.status_code == 302 and not inq.accountabilities.exists()  # not this person's inquiry
    office_client.post("/manage/staff/S001/record/?year=2026", {"inquiry": inq.pk, "outcome": "efficiency"})
    assert not inq.accountabilities.exists()  # derived, never entered (CMP-5)
    office_client.post("/manage/staff/S001/record/?year=2026", {"inquiry": inq.pk, "outcome": "admonition",
                                                               "note": "转办事项未按期办结"})
    [a] = inq.accountabilities.all()
    assert a.staff.code == "S001" and a.outcome == "admonition"
    assert "诫勉谈话" in office_client.get("/manage/staff/S001/record/?year=2026").content.decode()


def test_an_upload_past_every_limit_is_cut_short_and_refused_whole(client, center, media, settings):
    from django.core.cache import cache

    from servicehall.feedback.attachments import MAX_REQUEST_FILE_BYTES

    cache.clear()
    settings.DEFAULT_CENTER = "ZX"
    huge = upload("huge.png", b"\x89PNG" + b"0" * MAX_REQUEST_FILE_BYTES)
    r = client.post("/complaints/new/", {"ground": "fees", "matter": "多收费", "attachments": [huge]})
    assert r.status_code == 400 and "MB" in r.content.decode()
    assert Complaint.objects.count() == 0 and not any(p.is_file() for p in media.rglob("*"))
    cache.clear()


def test_the_department_is_told_of_orders_and_of_complaints_withdrawn_about_its_windows(actor, center,
                                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cmp.intake(actor, filed(center), "withdrawn", window=Window.objects.get(code="W02"), reason="已解释排队规则")
        c = cmp.intake(actor, filed(center), "register", department=Department.objects.get(code="SJ"))
        cmp.supervise(actor, c, Department.objects.get(code="SJ"), 5, "核查答复")
    texts = list(Notification.objects.filter(recipient__code="S004").values_list("text", flat=True))
    assert len(texts) == 2 and any("撤回" in t for t in texts) and any("督办" in t for t in texts)


def test_alerts_link_to_their_matter_and_are_marked_read(office_client, actor, center, settings,
                                                        django_capture_on_commit_callbacks):
    settings.DEFAULT_CENTER = "ZX"
    c = cmp.intake(actor, filed(center), "register", department=Department.objects.get(code="SJ"))
    cmp.supervise(actor, c, Department.objects.get(code="SJ"), 1, "答复", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.alert_overdue_orders(center, dt.datetime(2026, 10, 12, 9, tzinfo=TZ)) == 1
    assert "badge red\">1<" in office_client.get("/manage/").content.decode()
    page = office_client.get("/manage/alerts/").content.decode()
    assert f'href="/manage/complaints/{c.code}/"' in page
    office_client.post("/manage/alerts/")
    assert not Notification.objects.filter(recipient__code="S900", read=False).exists()
    assert Notification.objects.filter(recipient__code="S004", read=False).exists()  # only my own
    vacancy = Notification(key="vacancy:P01:202610120915")
    assert vacancy.link == "/manage/vacancies/?from=2026-10-12&to=2026-10-12"


def test_pages_show_refusals_in_chinese_with_field_and_rule(client, center, settings):
    from django.core.cache import cache

    from servicehall.errors import Problem

    cache.clear()
    settings.DEFAULT_CENTER = "ZX"
    body = client.post("/complaints/new/", {"ground": "attitude", "matter": " "}).content.decode()
    assert "投诉内容：投诉须写明投诉内容" in body and "matter:" not in body  # by its label (issue 13)
    # the service's own text stays English for commands and the API
    assert str(Problem("matter", "a complaint states its matter (CMP-3)")) == "matter: a complaint states its matter (CMP-3)"
    cache.clear()


def test_refusals_with_values_keep_the_values_in_chinese(office_client, center, settings, media):
    settings.DEFAULT_CENTER = "ZX"
    body = office_client.post("/manage/complaints/", {"channel": "phone", "ground": "fees", "matter": "多收费",
                                                      "attachments": [upload("x.jpg", b"no", "image/jpeg")]})
    assert "x.jpg：不是可读取的 JPEG、PNG 或 PDF 文件" in body.content.decode()
    assert "attachments[0]" not in body.content.decode()  # the field by its label, never its code (issue 13)
    assert Complaint.objects.count() == 0
