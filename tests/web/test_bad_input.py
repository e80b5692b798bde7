"""Bad input never gives a 500 on a page (issue 10, item 7): every page, as the office and as the public, with
out-of-range years and dates, months that do not exist, non-numeric and oversized ids, NUL characters and
10,000-character texts, in the query, the form and the path. A bad value is a Chinese field error on the
page (or a 404 for a record that does not exist), and a refused form writes nothing."""

from __future__ import annotations

import dataclasses
import traceback

import pytest
from django.apps import apps
from django.core.signals import got_request_exception
from django.test import Client

from servicehall.audit.services import system_actor
from servicehall.cases import services as cases
from servicehall.errors import field_label
from servicehall.feedback import services as feedback
from servicehall.org import services as org

from ..cases.test_pages import cover_the_coming_weeks

pytestmark = pytest.mark.django_db

LONG = "长" * 10_000
BAD = ["abc", "99999", "2026-13", "0000-01-01", "99999999999999999999999", "\x00", LONG]
BAD_PATH = ["abc", "%00", "x" * 2000, "99999999999999999999999"]

PARAMS = ["year", "month", "date", "from", "to", "staff", "dept", "person", "q", "status", "window", "item",
          "ticket", "inquiry", "format", "code", "number", "phone4", "token", "page", "items"]

PUBLIC_PAGES = ["/", "/guides/", "/board/", "/board/tiles/", "/progress/", "/complaints/new/",
                "/complaints/status/", "/kiosk/", "/devices/activate/", "/display/", "/pad/", "/satisfaction/",
                "/appointments/", "/accounts/login/"]
OFFICE_PAGES = ["/manage/", "/manage/ab-check/", "/manage/staff/", "/manage/staff/new/", "/manage/staff/S001/edit/",
                "/manage/posts/new/", "/manage/calendar/", "/manage/settings/", "/manage/vacancies/",
                "/manage/sanctions/", "/manage/sanctions/notice/", "/manage/anomalies/", "/manage/absences/",
                "/manage/extended/", "/manage/alerts/", "/cases/", "/cases/new/", "/cases/joint/new/", "/manage/cases/warnings/",
                "/manage/courier/", "/manage/proxy/", "/manage/assist/", "/queue/", "/manage/queue/stats/",
                "/manage/queue/stats.xlsx", "/manage/ratings/", "/manage/complaints/", "/manage/complaints/inbox/",
                "/manage/complaints/summary/", "/manage/staff/S001/record/", "/manage/inquiries/"]
PATHS = ["/guides/{}/", "/cases/{}/", "/cases/{}/receipt/", "/cases/{}/refusal/", "/cases/joint/{}/notice/",
         "/manage/complaints/{}/", "/manage/staff/{}/record/", "/manage/staff/{}/edit/", "/manage/posts/{}/edit/",
         "/manage/vacancies/{}/", "/queue/tickets/{}/back/", "/manage/inquiries/{}/slip/", "/cases/{case}/notice/{}/",
         "/manage/complaints/{complaint}/files/{}/"]

# Every field a page form reads, and the actions that pick what a form does.
FIELDS = ["kind", "name", "phone", "id_number", "org_code", "address", "item", "items", "ticket", "inquiry",
          "reason", "legal_basis", "to_staff", "to_department", "note", "urgent", "procedure", "days", "step",
          "approved", "method", "tracking_number", "department", "courier", "pickups", "case", "from_staff",
          "cases", "agent", "applicant_name", "request", "close", "group", "place", "assignee", "staff", "start",
          "end", "type", "post", "to", "date", "emergency", "event", "level", "override_reason", "channel",
          "ground", "window", "answer", "result", "rectification", "upheld", "instruction", "person", "outcome",
          "year", "text", "source", "capacity", "extended", "slot", "verified", "visited", "comment", "code",
          "title", "roles", "qualified", "active", "username", "password", "a", "b", "count_1", "has_1",
          "form_1", "defect_1", "clock_in_grace", "yellow_at", "remedy_text", "ladder_window", "content", "contact"]
# Each form and the actions that pick what it does.
FORMS = {
    "/cases/new/": ["accept", "notice"],
    "/cases/joint/new/": [""],
    "/cases/{case}/": ["notice", "correct", "refuse", "transfer", "pause", "resume", "extension",
                       "extension_decision", "decide", "deliver"],
    "/manage/courier/": ["schedule", "handover"],
    "/manage/proxy/": [""],
    "/manage/assist/": ["visit", "register"],
    "/manage/absences/": ["request", "handover", "stand_in", "return", "approve", "reject"],
    "/manage/complaints/": [""],
    "/manage/complaints/{complaint}/": ["register", "withdrawn", "invalid", "supervise", "reply", "answer",
                                        "on_the_spot", "accountable"],
    "/manage/staff/S001/record/": [""],
    "/manage/inquiries/": ["register", "pass_on", "close", "send_back"],
    "/manage/calendar/": [""],
    "/manage/settings/": [""],
    "/manage/staff/new/": [""],
    "/manage/staff/S001/edit/": [""],
    "/manage/posts/new/": [""],
    "/queue/": ["call", "recall", "start", "finish", "no_show", "transfer", "pause", "resume"],
    "/appointments/": ["open", "book"],
    "/manage/ratings/": [""],
}
BAD_FORM = ["abc", "-1", "99999999999999999999999", "0001-01-01", "2026-13-45"]  # NUL and length: below
DATED = ["/manage/vacancies/", "/manage/sanctions/", "/manage/sanctions/notice/", "/manage/anomalies/",
         "/manage/absences/", "/manage/queue/stats/", "/manage/queue/stats.xlsx", "/manage/complaints/summary/",
         "/manage/staff/S001/record/", "/manage/calendar/", "/manage/", "/cases/"]
BAD_DATES = ["abc", "99999", "2026-13", "2026-02-30", "0001-01-01", "9999-12-31", "1899"]
PUBLIC_FORMS = ["/complaints/new/", "/pad/", "/kiosk/", "/devices/activate/", "/appointments/"]


@pytest.fixture
def hall(center):
    """The test center with a case and a complaint to point pages at."""
    office = system_actor("test-setup")
    cover_the_coming_weeks(office, center)
    org.save_post(office, center, "P01", window="W01", a="S001", b="S002", items=["RS-001", "RS-002"])
    clerk = dataclasses.replace(office, staff=center.staff.get(code="S001"))
    case = cases.receive_case(clerk, center, "RS-002", cases.Applicant("person", "王小明", "13812345678",
                                                                       "11010519491231002X"), [])
    complaint = feedback.file_complaint(office, center, channel="online", ground="attitude", matter="态度差",
                                        name="王先生", phone="13812345678")
    return {"case": case.number, "complaint": complaint.code}


def _rows() -> dict[str, int]:
    """Rows of every record the system keeps (not the audit trail, sessions or login attempts)."""
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label not in ("audit", "sessions", "axes", "admin", "contenttypes", "otp_totp",
                                         "otp_static", "auth")}


@pytest.fixture(autouse=True)
def server_errors(client):
    """Every 500 of a test with its request and the last lines of its traceback, reported together."""
    seen: list[str] = []
    STATUS_500.clear()

    def on_exception(sender, request=None, **kwargs):
        where = f"{request.method} {request.path[:80]}" if request is not None else ""
        seen.append(f"{where}\n{''.join(traceback.format_exc().splitlines(True)[-6:])}")

    got_request_exception.connect(on_exception)
    yield seen
    got_request_exception.disconnect(on_exception)
    assert not seen and not STATUS_500, "\n".join([*STATUS_500[:20], *dict.fromkeys(seen)])


STATUS_500: list[str] = []


def _check(r, what):
    if r.status_code >= 500:
        STATUS_500.append(f"{what}: {r.status_code}")


def test_pages_take_bad_query_values(client, office_client, hall):
    anonymous = Client(raise_request_exception=False)
    office_client.raise_request_exception = False
    for value in BAD:
        everything = dict.fromkeys(PARAMS, value)
        for url in PUBLIC_PAGES:
            _check(anonymous.get(url, everything), f"GET {url} (public) with every parameter {value[:20]!r}")
        for url in OFFICE_PAGES:
            _check(office_client.get(url, everything), f"GET {url} with every parameter {value[:20]!r}")
    for url in DATED:
        for value in BAD_DATES:
            _check(office_client.get(url, dict.fromkeys(("year", "month", "date", "from", "to"), value)),
                   f"GET {url} with year, month, date, from and to {value!r}")


def test_pages_take_bad_path_values(office_client, hall):
    office_client.raise_request_exception = False
    for template in PATHS:
        for value in BAD_PATH:
            url = template.format(value, **hall)
            _check(office_client.get(url), f"GET {url[:80]}")


def test_bad_forms_are_refused(client, office_client, hall):
    anonymous = Client(raise_request_exception=False)
    office_client.raise_request_exception = False
    for value in BAD_FORM:
        data = dict.fromkeys(FIELDS, value)
        for url, actions in FORMS.items():
            url = url.format(**hall)
            for action in actions:
                _check(office_client.post(url, {**data, "action": action}),
                       f"POST {url} action={action!r} with every field {value[:20]!r}")
        for url in PUBLIC_FORMS:
            _check(anonymous.post(url, data), f"POST {url} (public) with every field {value[:20]!r}")


@pytest.mark.parametrize("value", ["a\x00b", LONG], ids=["nul", "long"])
def test_a_nul_or_an_overlong_value_is_named_and_writes_nothing(client, office_client, hall, value):
    """Whatever else a form says, a NUL character or 10,000 characters in one field is refused, naming it."""
    anonymous = Client()
    before = _rows()
    for url, actions in FORMS.items():
        url = url.format(**hall)
        for action in actions:
            for field in ("name", "reason", "phone", "code"):
                r = office_client.post(url, {"action": action, "name": "王五", "reason": "理由", "phone": "13800000000",
                                             field: value})
                assert r.status_code == 400, (url, action, field)
                assert field_label(field) in r.content.decode()  # by its label, not its code (issue 13)
    for url in PUBLIC_FORMS:
        assert anonymous.post(url, {"matter": value, "name": value}).status_code == 400
    assert anonymous.get("/guides/", {"q": value}).status_code == 400
    assert office_client.get(f"/manage/staff/S001{value[1:3]}/record/").status_code in (400, 404)
    assert _rows() == before


def test_a_year_out_of_range_is_named_in_chinese(office_client, hall):
    for url in ("/manage/sanctions/", "/manage/staff/S001/record/"):
        page = office_client.get(url, {"year": "99999"}).content.decode()
        assert "99999" in page and "年份" in page
    page = office_client.get("/manage/complaints/summary/", {"month": "2026-13"}).content.decode()
    assert "2026-13" in page and "月份" in page
    page = office_client.get("/manage/vacancies/", {"from": "0000-01-01"}).content.decode()
    assert "0000-01-01" in page and "日期" in page


def test_a_year_without_a_calendar_is_named_not_a_500(office_client, hall):
    r = office_client.get("/manage/queue/stats/", {"from": "2099-01-01", "to": "2099-12-31"})
    assert r.status_code < 500
    r = office_client.get("/manage/complaints/summary/", {"month": "2099-06"})
    assert r.status_code < 500
    before = _rows()
    for url, data in (("/appointments/", {"action": "open", "item": "RS-001", "date": "2099-06-01", "start": "09:00",
                                          "end": "10:00", "capacity": "4"}),
                      ("/manage/absences/", {"action": "request", "staff": "S001", "type": "leave", "kind": "personal",
                                             "start": "2099-06-01T09:00", "end": "2099-06-02T17:00", "reason": "事假"}),
                      ("/manage/absences/", {"action": "handover", "post": "P01", "date": "2099-06-01",
                                             "reason": "外出"})):
        r = office_client.post(url, data)
        assert r.status_code < 500 and "2099 年" in r.content.decode(), url
    assert _rows() == before


def test_a_calendar_gap_met_anywhere_in_a_page_is_named(rf, office_user):
    """The pages' guard names a missing calendar year wherever a view meets it (CASE-5), as the API does."""
    from django.contrib.messages.storage.fallback import FallbackStorage

    from servicehall.pages import refusing_bad_input
    from servicehall.rules.workdays import CalendarYearMissing

    def view(request):
        raise CalendarYearMissing(2099)

    request = rf.get("/manage/")
    request.user = office_user
    request.session = {}
    request._messages = FallbackStorage(request)
    r = refusing_bad_input(view)(request)
    assert r.status_code == 422 and "2099" in r.content.decode()
