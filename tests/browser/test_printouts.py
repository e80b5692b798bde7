"""Issue 17 item 5 on paper: headless Chromium prints the one-time notice, the receipt and a service guide to
PDF on A4, and the ticket back on the 80 mm roll, by the site's own @page rules; the PDF's text is read back
(pypdf) page by page. Chromium leaves out of the PDF whatever lies beyond the paper's edge, so a phrase that
comes back whole was not cut; a line too long for the paper must wrap (its words then come back in order, over
two lines), and the last line of each document — the signature or the complaint line — is on a page."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from servicehall.cases import services as cases
from servicehall.catalog import services as catalog
from servicehall.org import services as org
from servicehall.org.models import Staff

from ..cases.test_pages import cover_the_coming_weeks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4 = (595.3, 841.9)  # points
ROLL = 80 / 25.4 * 72  # 80 mm in points
# Long on purpose: a name longer than a line of A4, and an electronic licence number with no place to break,
# wider than the paper unless the page lets it wrap anywhere.
LONG_NAME = "企业投资项目备案及建设工程规划许可证核发（含临时建设工程、改建扩建工程、装饰装修工程和附属设施）联合审批"
LONG_CODE = "DZZZ" + "3607250000" * 11
PHONE = "0797-38112345"


@pytest.fixture
def printed(actor, center, settings):
    settings.DEFAULT_CENTER = "ZX"
    cover_the_coming_weeks(actor, center)
    catalog.save_item(actor, center, "SJ-009", LONG_NAME, "SJ", promised_days=5, statutory_days=20,
                      consult_phone=PHONE,
                      materials=[{"name": "建设项目备案申请表（加盖申请单位公章并由法定代表人签字确认）"},
                                 {"name": "绿色建筑自评估报告", "notes": "按 " + LONG_CODE + " 填写"}])
    org.create_account(actor, Staff.objects.get(center=center, code="S005"), "qianqi", "window-clerk-2026")
    applicant = cases.Applicant("person", "王小明", "13812345678", "11010519491231002X")
    notice = cases.receive_case(actor, center, "SJ-009", applicant, [{"name": "绿色建筑自评估报告"}],
                                action="notice", defects={"绿色建筑自评估报告": "未按 " + LONG_CODE + " 附表填写"})
    step = notice.steps.get(kind="notice")
    accepted = cases.receive_case(actor, center, "SJ-009", applicant,
                                  [{"name": "建设项目备案申请表（加盖申请单位公章并由法定代表人签字确认）"},
                                   {"name": "绿色建筑自评估报告"}])
    return {"notice": notice, "step": step, "accepted": accepted}


def login(page, base):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", "qianqi")
    page.fill("input[name=password]", "window-clerk-2026")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def pdf_pages(page, url) -> list[tuple[tuple[float, float], str]]:
    """``url`` printed by Chromium with the page's own @page size: each page's size and text."""
    page.goto(url)
    page.emulate_media(media="print")
    data = page.pdf(prefer_css_page_size=True, print_background=True)
    reader = PdfReader(io.BytesIO(data))
    return [((float(p.mediabox.width), float(p.mediabox.height)), p.extract_text()) for p in reader.pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_whole(pages, *, unbroken=(), wrapped=(), last=""):
    """Every page on its paper; short phrases on one line as they are; long ones whole once the line breaks
    are taken out; ``last`` on the last page."""
    text = "\n".join(t for _size, t in pages)
    for phrase in unbroken:
        assert phrase in text, f"{phrase!r} is cut or broken in:\n{text}"
    for phrase in wrapped:
        assert flat(phrase) in flat(text), f"{phrase!r} is cut in:\n{text}"
    if last:
        assert flat(last) in flat(pages[-1][1]), f"the last line {last!r} is not on the last page"


def test_notice_receipt_and_guide_print_whole_on_a4(live_server, page, printed, shot):
    base = live_server.url
    login(page, base)
    case, step = printed["notice"], printed["step"]
    y, m, d = (int(x) for x in step.data["return_by"].split("-"))

    notice = pdf_pages(page, f"{base}/cases/{case.number}/notice/{step.pk}/")
    shot(page, "print-notice")  # as printed (print media)
    assert all(abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2 for (w, h), _t in notice), [s for s, _t in notice]
    assert_whole(notice, unbroken=["某县政务服务中心", "一次性告知单（补正通知书）", case.number,
                                   f"请于{y}年{m}月{d}日前（含当日）补正", f"联系电话：{PHONE}", "县市场监管局窗口（盖章）",
                                   "扫码查询办件进度"],
                 wrapped=[LONG_NAME, "未按 " + LONG_CODE + " 附表填写"],
                 last="申请人签收：＿＿＿＿＿＿＿＿　日期：＿＿＿＿年＿＿月＿＿日")

    accepted = printed["accepted"]
    receipt = pdf_pages(page, f"{base}/cases/{accepted.number}/receipt/")
    shot(page, "print-receipt")
    assert all(abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2 for (w, h), _t in receipt)
    due = accepted.due_date
    assert_whole(receipt, unbroken=["收件回执", accepted.number, "扫码查询办件进度",
                                    f"承诺{due.year}年{due.month}月{due.day}日前（含当日）办结，共5个工作日"],
                 wrapped=[LONG_NAME, "建设项目备案申请表（加盖申请单位公章并由法定代表人签字确认）"],
                 last=f"{accepted.clerk.name}（{accepted.clerk.code}）　{_complaints()}：{accepted.center.complaint_phone}")

    guide = pdf_pages(page, f"{base}/guides/SJ-009/")
    assert all(abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2 for (w, h), _t in guide)
    assert_whole(guide, unbroken=["绿色建筑自评估报告", PHONE, "0797-12345678"],
                 wrapped=[LONG_NAME, "按 " + LONG_CODE + " 填写"],
                 last=_guide_last_line())


def test_ticket_back_prints_on_the_80mm_roll(live_server, page, printed, shot):
    """Q-5: the ticket back's own @page (ticket-back.css) sizes it for the 80 mm ticket printer."""
    from servicehall.tickets.models import Ticket

    center = printed["notice"].center
    ticket = _a_ticket_with(center, printed["notice"])
    login(page, live_server.url)
    back = pdf_pages(page, f"{live_server.url}/queue/tickets/{ticket.pk}/back/")
    page.set_viewport_size({"width": 302, "height": 900})  # 80 mm at 96 dpi, for the picture
    shot(page, "print-ticket-back")
    assert all(abs(w - ROLL) < 2 for (w, _h), _t in back), [s for s, _t in back]
    step = printed["step"]
    y, m, d = (int(x) for x in step.data["return_by"].split("-"))
    assert_whole(back, unbroken=["补齐材料清单", ticket.display, "扫码查询办件进度"],
                 wrapped=[center.name, LONG_NAME, "未按 " + LONG_CODE + " 附表填写",
                          f"请于{y}年{m}月{d}日前（含当日）补正"],
                 last="请补齐以上材料后再来办理，无需重复排队咨询。")
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def _complaints() -> str:
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(translation.gettext("Complaints"))


def _guide_last_line() -> str:
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(translation.gettext("If your materials are incomplete, the window tells you everything that "
                                       "is missing at once, in writing (one-time notice)."))


def _a_ticket_with(center, case):
    """A queue ticket of today served by the case's clerk with the case received on it (Q-5). Made directly:
    calling and serving are the queue's own tests; this one is about the paper."""
    from django.utils import timezone

    from servicehall.cases.models import Case
    from servicehall.core import clock
    from servicehall.tickets.models import Ticket, TicketStatus

    now = timezone.now()
    ticket = Ticket.objects.create(center=center, queue=case.department, day=clock.today(center, now), seq=7,
                                   display="B007", item=case.item, issued_at=now, called_at=now, started_at=now,
                                   status=TicketStatus.SERVING, window=center.windows.get(code="W02"),
                                   staff=case.clerk)
    Case.objects.filter(pk=case.pk).update(ticket=ticket)
    return ticket
