"""Issue 13, item 3: every message a person sees on a page is Chinese, names the field by its label (never its
code), and carries a rule id at most as a small reference; public pages (kiosk, pad, complaint, progress)
show no rule id at all. Refusals (403, 404, a stale form's CSRF failure) are Chinese pages with a way back.
The API keeps its English codes."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation

from servicehall.errors import Problem, RuleViolation, shown
from servicehall.org.models import Post
from tests.tickets.conftest import open_hall  # noqa: F401  (the kiosk and pad registered)

BAD_ID = "12345"
# Three English words in a row: a sentence from a service's English message.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}")
RULE_ID = re.compile(r"\b[A-Z]{1,6}-\d+[a-z]?\b")
FIELD_CODE = re.compile(r"(?<![A-Za-z])(?:id_number|center\.policy\.[a-z_]+|yellow_at|applicant\.[a-z_]+|[a-z_]+\[\d+\])"
                        r"|(?:^|[\s>])(?:end|start|item|phone|matter|year|text|staff)\s*:")


def messages_of(body: str) -> list[str]:
    """The problems a page shows: its error boxes and its flashed messages."""
    boxes = re.findall(r'(?s)<(div|ul|p) class="(?:errors|messages|error)"[^>]*>(.*?)</\1>', body)
    return [m for _tag, m in boxes]


def visible(html: str) -> str:
    """The text a person reads: no tags, scripts or styles."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


def assert_readable(body: str, public: bool) -> list[str]:
    shown_ = messages_of(body)
    assert shown_, "the page shows its problem"
    for box in shown_:
        text = visible(box)
        assert not ENGLISH.search(text), text
        assert not FIELD_CODE.search(text), text
        # a rule id only inside the small reference, never as the message
        assert not RULE_ID.search(visible(re.sub(r"(?s)<small\b.*?</small>", "", box))), box
    if public:
        assert not RULE_ID.search(visible(body)), "public pages show no rule id"
    return [visible(b) for b in shown_]


# -- the rendering itself -------------------------------------------------------------------------------
def test_shown_names_the_label_and_keeps_the_rule_small(db):
    html = str(shown(Problem("center.policy.yellow_at", "a percentage of the limit, 1 to 100 (CASE-11)"),
                     public=False))
    assert "center.policy" not in html and "yellow_at" not in html
    assert re.search(r'<small class="muted rule-ref">（CASE-11）</small>$', html)
    assert visible(html).startswith("黄牌预警")
    assert not ENGLISH.search(visible(html))


def test_shown_on_public_pages_has_no_rule_id(db):
    from servicehall.rules.identity import IdNumberError

    p = Problem.of("id_number", "%(exc)s (SEC-3)",
                   exc=IdNumberError("an ID number has 18 characters: 17 digits and a digit or X (GB 11643)"))
    html = str(shown(p, public=True))
    assert "SEC-3" not in html and "id_number" not in html and "GB 11643" not in html
    assert "身份证" in html and not ENGLISH.search(html)


def test_shown_drops_code_prefixes_and_replaces_untranslated_english(db):
    assert "end:" not in str(shown(Problem("end", "end: 结束时间早于开始时间"), public=False))
    roles = str(shown(RuleViolation("roles：工作人员至少担任一个角色（ORG-2）").problems[0], public=False))
    assert roles.startswith("角色：") and "roles" not in roles and roles.endswith("（ORG-2）</small>")
    plain = str(shown(Problem("mystery_field", "some text nobody translated yet"), public=False))
    assert not ENGLISH.search(plain) and "mystery_field" not in plain
    coded = str(shown(Problem("x", "黄牌yellow_at须为1至99"), public=False))
    assert "yellow_at" not in coded
    # a page's own label wins over the catalog's word
    assert str(shown(Problem("yellow_at", "x 值"), labels={"yellow_at": "黄牌阈值"}, public=False)).startswith("黄牌阈值")
    # the English text stays for commands and the API
    assert str(Problem("id_number", "bad")) == "id_number: bad"
    assert RuleViolation(Problem("id_number", "bad")).as_dict() == {"id_number": ["bad"]}


# -- public pages ----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_kiosk_id_number_refusal_is_plain_chinese(client, open_hall):  # noqa: F811
    client.get("/devices/activate/", {"token": open_hall["kiosk"]})
    r = client.post("/kiosk/", {"item": "RS-001", "id_number": BAD_ID})
    texts = assert_readable(r.content.decode(), public=True)
    assert any("身份证号" in t for t in texts)


@pytest.mark.django_db
def test_complaint_refusal_is_plain_chinese(client, center, settings):
    settings.DEFAULT_CENTER = center.code
    r = client.post("/complaints/new/", {"ground": "", "matter": "", "phone": "12", "name": ""})
    assert r.status_code == 400
    assert_readable(r.content.decode(), public=True)


# -- staff pages -----------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_case_intake_refusal_names_labels(clerk_client, actor, center, settings):
    from servicehall.catalog import services as catalog
    from tests.cases.test_pages import cover_the_coming_weeks

    settings.DEFAULT_CENTER = center.code
    cover_the_coming_weeks(actor, center)
    catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                      materials=[{"name": "申请书"}])
    r = clerk_client.post("/cases/new/", {"item": "SJ-002", "kind": "person", "name": "",
                                          "id_number": BAD_ID, "phone": "12", "action": "accept"})
    texts = assert_readable(r.content.decode(), public=False)
    assert any("身份证号" in t for t in texts)


@pytest.mark.django_db
def test_settings_refusal_names_the_setting_not_its_path(office_client, center):
    from servicehall.web.views import SETTING_FIELDS, sessions_text

    policy = center.policy
    data = {name: str(getattr(policy, name)) for name in SETTING_FIELDS if not isinstance(getattr(policy, name), bool)}
    data["sessions"] = sessions_text(policy.sessions)  # as the page writes them
    data["yellow_at"] = "0"  # the service refuses it as center.policy.yellow_at (CASE-11)
    texts = assert_readable(office_client.post("/manage/settings/", data).content.decode(), public=False)
    assert any(t.strip().startswith("黄牌") for t in texts), texts


@pytest.mark.django_db
def test_calendar_refusal_is_chinese(office_client, center):
    r = office_client.post("/manage/calendar/", {"year": "2031", "text": "这一行不是日期\n2月30日放假"})
    assert_readable(r.content.decode(), public=False)


@pytest.mark.django_db
def test_leave_refusal_is_chinese(office_client, center):
    r = office_client.post("/manage/absences/", {"action": "request", "staff": "S002", "type": "leave",
                                                 "start": "not a time", "end": "2026-03-02T09:00"})
    assert_readable(r.content.decode(), public=False)
    r = office_client.post("/manage/absences/", {"action": "request", "staff": "S002", "type": "nonsense",
                                                 "start": "2026-03-03T09:00", "end": "2026-03-02T09:00"},
                           follow=True)
    assert_readable(r.content.decode(), public=False)


# -- refusals --------------------------------------------------------------------------------------------
def assert_refusal_page(r, status: int):
    assert r.status_code == status
    body = r.content.decode()
    text = visible(body)
    assert re.search(r"[\u4e00-\u9fff]", text) and not ENGLISH.search(re.sub(r"\s+", " ", text.split("</h1>")[0]))
    assert re.search(r'<a class="button[^"]*" href="/', body), "a way back"
    main = visible(re.search(r'(?s)<section class="refusal".*?</section>', body).group(0))
    assert not ENGLISH.search(main), main
    return main


@pytest.mark.django_db
def test_403_from_a_page_and_from_a_service_is_chinese(clerk_client, center):
    assert_refusal_page(clerk_client.post("/manage/settings/", {"yellow_at": "50"}), 403)
    assert_refusal_page(clerk_client.post("/manage/calendar/", {"year": "2030", "text": "1月1日放假"}), 403)


@pytest.mark.django_db
def test_403_raised_inside_a_service_called_from_a_page_is_chinese(clerk_client, actor, center, settings):
    """钱七 (SJ) may not receive a case of another department's item: the service's Forbidden (SEC-5)."""
    from tests.cases.test_pages import cover_the_coming_weeks

    settings.DEFAULT_CENTER = center.code
    cover_the_coming_weeks(actor, center)
    r = clerk_client.post("/cases/new/", {"item": "RS-001", "kind": "person", "name": "王小明",
                                          "phone": "13812345678", "action": "accept"})
    assert "您无权" in assert_refusal_page(r, 403)


def test_403_never_shows_an_action_code_or_english(rf, db):
    from servicehall.org.permissions import Forbidden
    from servicehall.web.errors import forbidden

    for exc in (Forbidden("device.rename"), PermissionDenied("not yours"), PermissionDenied()):
        request = rf.get("/somewhere/")
        body = forbidden(request, exc).content.decode()
        main = visible(re.search(r'(?s)<section class="refusal".*?</section>', body).group(0))
        assert "device.rename" not in main and not ENGLISH.search(main) and "您无权" in main, main


@pytest.mark.django_db
def test_403_on_a_public_page_has_no_rule_id(client, center, settings):
    settings.DEFAULT_CENTER = center.code
    main = assert_refusal_page(client.post("/kiosk/", {"item": "RS-001"}), 403)  # no kiosk registered here
    assert not RULE_ID.search(main)


@pytest.mark.django_db
def test_404_is_chinese_with_a_way_back(clerk_client, client, center):
    assert "未找到此页面" in assert_refusal_page(clerk_client.get("/no/such/page/"), 404)
    assert_refusal_page(client.get("/guides/NO-SUCH-ITEM/"), 404)


@pytest.mark.django_db
def test_csrf_failure_is_chinese_with_a_way_back(center, settings):
    settings.DEFAULT_CENTER = center.code
    strict = Client(enforce_csrf_checks=True)
    main = assert_refusal_page(strict.post("/complaints/new/", {"matter": "x"}), 403)
    assert "CSRF" not in main
    assert not _lookup_links(strict.post("/complaints/new/", {"matter": "x"}).content.decode())  # other forms: as before


def _lookup_links(body: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a class="button[^"]*" href="(/progress/[^"]*)"', body)]


@pytest.mark.django_db
def test_pub2_an_expired_progress_lookup_offers_the_lookup_again_with_the_number_only(center, settings):
    """Issue 14 follow-up: a kiosk's lookup page left open past its token's life says in Chinese that the page had
    expired and offers the lookup again, the posted case number kept in the link and never the phone digits
    (PUB-2, SEC-3)."""
    settings.DEFAULT_CENTER = center.code
    strict = Client(enforce_csrf_checks=True)
    r = strict.post("/progress/?center=ZX", {"number": " zx202609290001 ", "phone4": "9031"})
    main = assert_refusal_page(r, 403)
    assert "过期" in main and "重新查询" in main
    body = r.content.decode()
    links = _lookup_links(body)
    assert links and all(link.startswith("/progress/?") for link in links), body
    query = parse_qs(urlsplit(links[0]).query)
    assert query == {"center": ["ZX"], "number": ["ZX202609290001"]}, links
    assert "9031" not in body and "phone4=" not in body  # not in the link, not on the page
    assert 'value="ZX202609290001"' in strict.get(links[0]).content.decode()  # the form again, its number filled in
    # Nothing posted but the digits: the lookup again, empty.
    r = strict.post("/progress/", {"phone4": "9031"})
    assert_refusal_page(r, 403)
    assert _lookup_links(r.content.decode()) == ["/progress/?center=ZX"] and "9031" not in r.content.decode()


@pytest.mark.django_db
def test_api_keeps_its_english_codes(client, open_hall):  # noqa: F811
    r = client.post("/api/v1/devices/tickets", json.dumps({"request_id": "r9", "item": "RS-001",
                                                            "id_number": BAD_ID}),
                    content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {open_hall['kiosk']}")
    assert r.status_code in (400, 422)
    assert "id_number" in r.content.decode()


def test_a_page_names_the_field_by_its_forms_label(office_client, center, settings):
    """Issue 13 item 3: the post page names the field as its form does (the model's label, "B岗（替补）"), where the
    catalog alone knows no word for the code ``b``."""
    settings.DEFAULT_CENTER = "ZX"
    form = {"code": "P02", "name": "市场监管窗口", "window": "W02", "a": "S004", "b": "S004", "items": ["SJ-001"]}
    body = office_client.post("/manage/posts/new/", form).content.decode()
    with translation.override("zh-hans"):
        label = str(Post._meta.get_field("b").verbose_name)
    assert f"{label}：" in body


def test_every_page_that_shows_service_errors_passes_its_labels():
    """Every page that shows a service's problem gives ``shown`` its form's labels (``labels=`` or ``form=``), so
    no field is named by its code or left unnamed (issue 13 item 3). The API's device-error note is exempt: it
    keeps the problems for the office's devices page, not a form."""
    import pathlib
    import re

    import servicehall

    root = pathlib.Path(servicehall.__file__).parent
    bare = []
    for path in root.rglob("*.py"):
        if path.name in ("errors.py", "api.py") or "migrations" in path.parts:
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bshown\((p|problem)\b", line) and "labels=" not in line and "form=" not in line:
                bare.append(f"{path.relative_to(root)}:{no}")
    assert not bare, f"shown() without the page's labels: {bare}"
