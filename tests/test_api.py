"""The JSON API /api/v1/: public guides and working days; staff-only posts; ORG-4 refusals as 422."""

from __future__ import annotations

import pytest

from servicehall.org import services as org
from servicehall.org.models import Post, PostAssignment, Staff

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_served(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/centers/{code}/items/{item}" in paths
    assert "/api/v1/workdays/add" in paths


def test_case1_guide_as_json(client, center):
    r = client.get("/api/v1/centers/ZX/items/RS-001")
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "失业登记" and body["instant"] is True and body["department"] == "RS"
    assert [m["name"] for m in body["materials"]] == ["身份证", "申请表"]
    for key in ("legal_basis", "procedure", "promised_days", "statutory_days", "result", "fee_basis",
                "fee_standard", "consult_phone", "complaint_phone", "content"):
        assert key in body


def test_case1_item_search(client, center):
    r = client.get("/api/v1/centers/ZX/items", {"q": "失业"})
    assert sorted(i["code"] for i in r.json()) == ["RS-001", "RS-003"]
    assert client.get("/api/v1/centers/ZX/items/NOPE").status_code == 404
    assert client.get("/api/v1/centers/NOPE/items").status_code == 404


def test_case5_workdays_endpoints(client):
    assert client.get("/api/v1/workdays/add", {"date": "2026-09-29", "n": 5}).json()["due"] == "2026-10-12"
    assert client.get("/api/v1/workdays/between",
                      {"first": "2026-09-29", "last": "2026-10-12"}).json()["workdays"] == 5
    assert client.get("/api/v1/workdays/is", {"date": "2026-10-10"}).json()["workday"] is True


def test_case5_workdays_errors(client):
    r = client.get("/api/v1/workdays/add", {"date": "2026-12-20", "n": 20})
    assert r.status_code == 422 and "2027" in r.json()["detail"][0]["message"]
    assert client.get("/api/v1/workdays/is", {"date": "2026-13-01"}).status_code == 422
    assert client.get("/api/v1/workdays/add", {"date": "2026-03-02", "n": -1}).status_code == 422


def test_staff_endpoints_need_login(client, center):
    assert client.get("/api/v1/centers/ZX/staff").status_code == 401
    assert client.post("/api/v1/centers/ZX/posts", {}, content_type="application/json").status_code == 401


def test_org4_post_refused_with_field_and_rule(office_client):
    r = office_client.post("/api/v1/centers/ZX/posts",
                           {"code": "P01", "window": "W01", "a": "S001", "b": "S003", "items": ["RS-002"]},
                           content_type="application/json")
    assert r.status_code == 422
    (problem,) = r.json()["detail"]
    assert problem["field"] == "b" and "就业创业证申领" in problem["message"] and "ORG-4" in problem["message"]
    assert not Post.objects.exists()


def test_org3_post_saved_by_office(office_client):
    r = office_client.post("/api/v1/centers/ZX/posts",
                           {"code": "P01", "window": "W01", "a": "S001", "b": "S002", "items": ["RS-002"]},
                           content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json() == {"code": "P01", "name": "", "window": "W01", "department": "RS", "a": "S001",
                        "b": "S002", "items": ["RS-002"]}
    assert office_client.get("/api/v1/centers/ZX/ab-check").json()["posts_without_valid_b"] == []


def test_org3_post_change_through_the_api_holds_from_its_date(office_client):
    body = {"code": "P01", "window": "W01", "a": "S001", "b": "S002", "items": ["RS-002"]}
    assert office_client.post("/api/v1/centers/ZX/posts", body, content_type="application/json").status_code == 200
    later = {**body, "a": "S002", "b": "S001", "valid_from": "2026-12-01"}
    r = office_client.post("/api/v1/centers/ZX/posts", later, content_type="application/json")
    assert r.status_code == 200, r.content
    history = [(a.valid_from.isoformat(), a.a.code, a.b.code)
               for a in PostAssignment.objects.filter(post__code="P01").order_by("valid_from")]
    assert history[-1] == ("2026-12-01", "S002", "S001") and history[0][1:] == ("S001", "S002")
    bad = office_client.post("/api/v1/centers/ZX/posts", {**body, "valid_from": "2026-02-30"},
                             content_type="application/json")
    assert bad.status_code == 422


def test_sec2_only_the_office_writes_posts(client, actor, center):
    org.create_account(actor, Staff.objects.get(code="S001"), "zhangsan", "a-long-password-2026")
    client.login(username="zhangsan", password="a-long-password-2026")
    r = client.post("/api/v1/centers/ZX/posts",
                    {"code": "P01", "window": "W01", "a": "S001", "b": "S002"}, content_type="application/json")
    assert r.status_code == 403
    assert not Post.objects.exists()


def test_sec3_staff_list_masked_outside_the_viewers_department_unmasked_for_the_office(client, actor, center):
    org.save_staff(actor, center, "S001", "张三", "RS", phone="13812345678", id_number="11010519491231002X")
    org.create_account(actor, Staff.objects.get(code="S005"), "qianqi", "a-long-password-2026")
    client.login(username="qianqi", password="a-long-password-2026")  # a clerk of SJ reads RS's S001
    row = next(s for s in client.get("/api/v1/centers/ZX/staff").json() if s["code"] == "S001")
    assert row["phone"] == "138****5678" and row["id_number"] == "1101**********002X"
    client.login(username="boss", password="window-clerk-2026")
    row = next(s for s in client.get("/api/v1/centers/ZX/staff").json() if s["code"] == "S001")
    assert row["phone"] == "13812345678"


def test_case5_calendar_day_via_api(office_client):
    r = office_client.post("/api/v1/centers/ZX/calendar/days", {"date": "2026-03-02", "workday": False,
                                                                 "note": "本地停电"},
                           content_type="application/json")
    assert r.status_code == 200
    assert office_client.get("/api/v1/workdays/is", {"date": "2026-03-02", "center": "ZX"}).json()["workday"] is False
    assert office_client.get("/api/v1/workdays/is", {"date": "2026-03-02"}).json()["workday"] is True


def test_case13_guide_as_json_carries_special_procedures_and_forms(client, center, settings, tmp_path):
    """The single-item answer is the guide the public page shows (PUB-1, CASE-13): each special procedure with
    whether it counts toward the limit, and each material's sample and blank form as a download link."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from servicehall.audit.services import system_actor
    from servicehall.catalog import services as catalog
    from servicehall.catalog.models import ServiceItem

    settings.MEDIA_ROOT = tmp_path / "media"
    office = system_actor("office")
    item = ServiceItem.objects.get(center=center, code="RS-001")
    material = item.materials.get(name="申请表")
    catalog.save_material(office, item, "申请表", material=material,
                          sample=SimpleUploadedFile("样表.pdf", b"%PDF-1.4 sample", content_type="application/pdf"))
    catalog.save_special_procedure(office, item, "专家评审", usual_days=10, counts_toward_limit=False,
                                   legal_basis="《行政许可法》第四十五条")
    body = client.get("/api/v1/centers/ZX/items/RS-001").json()
    assert body["special_procedures"] == [{"name": "专家评审", "usual_days": 10, "counts_toward_limit": False,
                                           "legal_basis": "《行政许可法》第四十五条"}]
    forms = {m["name"]: (m["sample_url"], m["blank_url"]) for m in body["materials"]}
    assert forms["身份证"] == (None, None)
    sample, blank = forms["申请表"]
    assert blank is None and sample.startswith("http://testserver/")
    got = client.get(sample.removeprefix("http://testserver"))
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF-")
