"""The office keeps the catalog in pages (CASE-1, CASE-13, PUB-1) and the public finds guides by what people
type (PUB-2): departments, windows, items with every 九公开 field, materials with forms checked by content,
special procedures, guide versions a case keeps; search by common words and material names."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.test import Client

from servicehall.audit.models import AuditRecord
from servicehall.cases import services as cases
from servicehall.catalog import services as catalog
from servicehall.catalog.models import GuideVersion, Material, ServiceItem, SpecialProcedure
from servicehall.errors import RuleViolation
from servicehall.org.models import Department, Window

pytestmark = pytest.mark.django_db

ITEM = {"code": "RS-010", "name": "社会保障卡申领", "department": "RS", "kind": "公共服务",
        "content": "为参保人员办理第三代社会保障卡", "conditions": "已参加社会保险", "procedure": "申请\n受理\n制卡",
        "legal_basis": "《社会保险法》", "promised_days": "5", "statutory_days": "10", "result": "社会保障卡",
        "fee_basis": "", "fee_standard": "不收费", "consult_phone": "0797-8001000", "complaint_phone": "0797-12345678",
        "location": "一楼人社窗口", "keywords": "社保卡 办卡", "active": "1"}


@pytest.fixture
def office(office_client, settings, tmp_path):
    settings.DEFAULT_CENTER = "ZX"
    settings.MEDIA_ROOT = tmp_path / "media"
    return office_client


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_org1_department_and_window_added_and_edited_in_pages(office):
    r = office.post("/manage/catalog/departments/new/", {"code": "GA", "name": "县公安局", "phone": "0797-1",
                                                        "sort": "5", "duties": "户籍"})
    assert r.status_code == 302 and Department.objects.get(code="GA").name == "县公安局"
    office.post("/manage/catalog/departments/GA/", {"name": "县公安局户政科", "sort": "6", "code": "XX"})
    d = Department.objects.get(code="GA")
    assert d.name == "县公安局户政科" and d.sort == 6  # the code stays as it was
    r = office.post("/manage/catalog/windows/new/", {"code": "W09", "name": "9号窗口", "department": "GA",
                                                    "location": "二楼", "sort": "9"})
    assert r.status_code == 302 and Window.objects.get(code="W09").department == d
    body = office.post("/manage/catalog/windows/new/", {"code": "W10", "name": "10号窗口", "department": "NOPE",
                                                       "sort": "x"}).content.decode()
    assert "排序" in body or "order" in body.lower()
    assert not Window.objects.filter(code="W10").exists()
    assert "W09" in office.get("/manage/catalog/").content.decode()
    body = office.post("/manage/catalog/windows/new/", {"code": "W10", "name": "10号窗口", "department": "GA",
                                                       "sort": "-3"}).content.decode()
    assert "请填写0至32767之间的整数" in body and not Window.objects.filter(code="W10").exists()  # never a 500 on PostgreSQL
    assert "部门职责" in office.get("/manage/catalog/departments/GA/").content.decode()


def test_case1_item_with_every_public_field_added_and_edited(office):
    r = office.post("/manage/catalog/items/new/", ITEM)
    assert r.status_code == 302
    item = ServiceItem.objects.get(code="RS-010")
    assert (item.procedure, item.promised_days, item.statutory_days, item.fee_standard, item.keywords) == (
        ["申请", "受理", "制卡"], 5, 10, "不收费", "社保卡 办卡")
    r = office.post("/manage/catalog/items/RS-010/", {**ITEM, "promised_days": "3", "result": "社保卡（实体卡）"})
    item.refresh_from_db()
    assert r.status_code == 302 and item.promised_days == 3 and item.result == "社保卡（实体卡）"
    assert AuditRecord.objects.filter(action="serviceitem.update").exists()
    # promised over statutory: refused, named, nothing changed
    body = office.post("/manage/catalog/items/RS-010/", {**ITEM, "promised_days": "30"}).content.decode()
    assert "CASE-1" in body and ServiceItem.objects.get(code="RS-010").promised_days == 3


def test_catalog_pages_are_the_system_administrators(login, settings):
    settings.DEFAULT_CENTER = "ZX"
    clerk = login("S005")
    assert clerk.get("/manage/catalog/").status_code == 403
    assert clerk.post("/manage/catalog/items/new/", ITEM).status_code == 403
    assert not ServiceItem.objects.filter(code="RS-010").exists()


def test_pub1_material_with_sample_and_blank_forms_checked_by_content(office):
    r = office.post("/manage/catalog/items/RS-003/materials/new/", {
        "name": "社会保障卡", "required": "1", "form": "original", "copies": "1", "notes": "或身份证",
        "sample_file": upload("样表.pdf", b"%PDF-1.4 sample"), "blank_file": upload("空表.docx", docx_bytes())})
    assert r.status_code == 302
    m = Material.objects.get(item__code="RS-003", name="社会保障卡")
    assert m.sample_file.name.endswith(".pdf") and m.blank_file.name.endswith(".docx")
    got = Client().get(f"/guides/RS-003/forms/{m.pk}/sample/")
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF-")
    assert got["X-Content-Type-Options"] == "nosniff" and "attachment" in got["Content-Disposition"]
    assert Client().get(f"/guides/RS-003/forms/{m.pk}/other/").status_code == 404
    # a page posing as a PDF is refused by its content; nothing changed
    body = office.post(f"/manage/catalog/items/RS-003/materials/{m.pk}/", {
        "name": "社会保障卡", "required": "1", "form": "original", "copies": "2",
        "sample_file": upload("evil.pdf", b"<html><script>alert(1)</script></html>")}).content.decode()
    assert "evil.pdf" in body and "PUB-1" in body
    m.refresh_from_db()
    assert m.copies == 1 and m.sample_file.name.endswith(".pdf")
    assert AuditRecord.objects.filter(action="material.sample_file").count() == 1


def test_case13_special_procedure_with_whether_it_counts(office):
    r = office.post("/manage/catalog/items/SJ-001/procedures/new/", {"name": "现场核查", "usual_days": "5",
                                                                  "counts_toward_limit": "",
                                                                  "legal_basis": "《行政许可法》第四十五条"})
    assert r.status_code == 302
    p = SpecialProcedure.objects.get(item__code="SJ-001")
    assert (p.usual_days, p.counts_toward_limit) == (5, False)
    office.post(f"/manage/catalog/items/SJ-001/procedures/{p.pk}/", {"name": "现场核查", "usual_days": "3",
                                                                   "counts_toward_limit": "1"})
    p.refresh_from_db()
    assert (p.usual_days, p.counts_toward_limit) == (3, True)
    body = office.post("/manage/catalog/items/SJ-001/procedures/new/", {"name": "", "usual_days": "-1"}
                       ).content.decode()
    assert "CASE-13" in body and SpecialProcedure.objects.count() == 1
    assert "现场核查" in Client().get("/guides/SJ-001/").content.decode()


def test_case1_published_versions_stay_readable_and_a_case_keeps_its_version(office, actor, center):
    today = dt.date.today()
    r = office.post("/manage/catalog/items/RS-003/publish/", {"effective_from": today.isoformat(), "note": "首版"})
    assert r.status_code == 302
    v1 = GuideVersion.objects.get(item__code="RS-003")
    assert v1.number == 1 and v1.guide["name"] == "失业保险金申领"
    case = cases.receive_case(actor, center, "RS-003", cases.Applicant("person", "王小明", "13812345678",
                                                                       "11010519491231002X"), [])
    assert case.guide_version == v1
    office.post("/manage/catalog/items/RS-003/", {**ITEM, "code": "RS-003", "name": "失业保险金申领（新）",
                                                  "statutory_days": "20"})
    office.post("/manage/catalog/items/RS-003/publish/", {"effective_from": (today + dt.timedelta(days=7)).isoformat()})
    v2 = GuideVersion.objects.get(item__code="RS-003", number=2)
    assert v2.guide["name"] == "失业保险金申领（新）" and v2.effective_from == today + dt.timedelta(days=7)
    case.refresh_from_db()
    assert case.guide_version == v1  # the case keeps the guide it was received under
    assert "/guides/RS-003/versions/1/" in office.get(f"/cases/{case.number}/").content.decode()
    old = Client().get("/guides/RS-003/versions/1/").content.decode()
    assert "失业保险金申领" in old and "（新）" not in old
    assert "（新）" in Client().get("/guides/RS-003/versions/2/").content.decode()
    # a date in the past, or before the last version's: refused, named
    office.post("/manage/catalog/items/RS-003/publish/", {"effective_from": "2020-01-01"})
    office.post("/manage/catalog/items/RS-003/publish/", {"effective_from": "not a date"})
    assert GuideVersion.objects.filter(item__code="RS-003").count() == 2
    assert catalog.guide_in_force(ServiceItem.objects.get(code="RS-003"), today) == v1


def search(q: str) -> str:
    return Client().get("/guides/", {"q": q}).content.decode()


def test_pub2_search_by_common_word_material_and_content(office, actor, center, settings):
    catalog.save_item(actor, center, "RS-010", "社会保障卡申领", "RS", promised_days=5, statutory_days=10)
    catalog.save_item(actor, center, "RS-011", "社会保障卡挂失与补换", "RS", promised_days=3, statutory_days=10)
    catalog.save_item(actor, center, "RS-012", "养老待遇领取", "RS", keywords="养老金 社保卡发放")
    catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                      content="从事食品销售和餐饮服务", materials=[{"name": "食品安全管理制度"}])
    body = search("社保卡")
    for name in ("社会保障卡申领", "社会保障卡挂失与补换", "养老待遇领取"):
        assert name in body
    assert "失业登记" not in body and "食品经营许可" not in body
    assert body.index("社会保障卡申领") < body.index("养老待遇领取")  # a name match ranks first
    assert "食品经营许可" in search("食品安全管理制度")  # by a material's name
    assert "失业登记" in search("身份证")  # RS-001's material
    assert "食品经营许可" in search("餐饮")  # by content
    assert "社会保障卡挂失与补换" in search("社保卡 挂失") and "社会保障卡申领" not in search("社保卡 挂失")
    assert "No service item" in search("不存在的事项") or "没有" in search("不存在的事项")


def test_pub2_the_demo_finds_its_social_security_card_items(settings):
    from servicehall.audit.services import system_actor
    from servicehall.demo.load import load_demo

    c = load_demo(system_actor("demo")).center
    settings.DEFAULT_CENTER = c.code
    found = list(catalog.search_items(ServiceItem.objects.filter(center=c, active=True), "社保卡")
                 .values_list("name", flat=True))
    assert {"社会保障卡申领", "社会保障卡挂失与补换", "失业保险金申领"} <= set(found)
    assert found[0].startswith("社会保障卡")
    assert "社会保障卡申领" in search("社保卡")
    assert ServiceItem.objects.filter(center=c, code="RS-011", special_procedures__name="劳动能力鉴定").exists()
    assert GuideVersion.objects.filter(item__center=c, number=1).count() == ServiceItem.objects.filter(center=c).count()


def test_pub2_a_renamed_department_is_searched_by_its_new_name(office):
    office.post("/manage/catalog/departments/SJ/", {"name": "县市场监督管理局", "sort": "2"})
    assert "个体工商户设立登记" in search("市场监督管理局")


def test_text_longer_than_its_field_is_refused_with_the_limit_never_cut(office, actor):
    """Issue 17 (no silent damage): a department's phone, a material's notes and a procedure's legal basis
    longer than their fields are refused on the page, naming the field and the limit; nothing is written and
    the typed text stays in the form."""
    long_phone = "0797-8001000 转 " + "1" * 30
    body = office.post("/manage/catalog/departments/new/", {"code": "GA", "name": "县公安局", "phone": long_phone,
                                                           "sort": "5"}).content.decode()
    assert "30" in body and "电话" in body and long_phone in body
    assert not Department.objects.filter(code="GA").exists()

    notes = "材料说明" * 80  # 320 characters: the service refuses it for every caller (API, import, pages)
    with pytest.raises(RuleViolation) as e:
        catalog.save_material(actor, ServiceItem.objects.get(code="RS-003"), "户口簿", notes=notes)
    assert "notes" in str(e.value) and "300" in str(e.value) and "320" in str(e.value)
    assert not Material.objects.filter(item__code="RS-003", name="户口簿").exists()
    # on a page the field is named by its label with the limit, and nothing is written
    body = office.post("/manage/catalog/items/RS-003/materials/new/", {
        "name": "户口簿", "required": "1", "form": "original", "copies": "1", "notes": notes}).content.decode()
    assert "备注" in body and "300" in body
    assert not Material.objects.filter(item__code="RS-003", name="户口簿").exists()

    basis = "《行政许可法》" * 50  # 350 characters of a multi-line field: the form keeps them and names the limit
    body = office.post("/manage/catalog/items/SJ-001/procedures/new/", {
        "name": "现场核查", "usual_days": "5", "legal_basis": basis}).content.decode()
    assert "300" in body and "350" in body and basis in body and not SpecialProcedure.objects.exists()

    # exactly at the limit is kept whole
    r = office.post("/manage/catalog/items/RS-003/materials/new/", {
        "name": "户口簿", "required": "1", "form": "original", "copies": "1", "notes": "说" * 300})
    assert r.status_code == 302 and Material.objects.get(item__code="RS-003", name="户口簿").notes == "说" * 300


def test_complaint_and_accountability_texts_are_refused_not_cut(actor, center):
    from servicehall.errors import RuleViolation
    from servicehall.feedback import services as feedback
    from servicehall.feedback.models import Complaint

    with pytest.raises(RuleViolation) as e:
        feedback.file_complaint(actor, center, channel="online", ground="attitude", matter="态度差",
                                target_text="窗口" * 101)
    assert "target_text" in str(e.value) and "200" in str(e.value) and not Complaint.objects.exists()
