"""Demo complaints and first inquiries: every intake branch, a supervision order past its deadline, a reply
awaiting the answer, one clerk with two violations this year (so the desk shows the escalation and the window
head to criticise), and first inquiries handled, noticed, transferred, overdue and sent back (CMP-1..6, FIR-1..5).
Idempotent: nothing is added when the center already has complaints."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from servicehall.audit.services import Actor, system_actor
from servicehall.feedback import alerts
from servicehall.feedback import inquiries as fir
from servicehall.feedback import services as cmp
from servicehall.feedback.models import Complaint
from servicehall.org.calendar import get_calendar
from servicehall.org.choices import Role
from servicehall.org.models import Center, Staff


def _as(base: Actor, staff: Staff) -> Actor:
    return Actor(user=base.user, label=f"{staff.name}（演示数据）", staff=staff, system=True)


@transaction.atomic
def load_feedback(center: Center, now: dt.datetime | None = None) -> int:
    if Complaint.objects.filter(center=center).exists():
        return 0
    now = now or timezone.now()
    tz = ZoneInfo(center.timezone)
    cal = get_calendar(center)
    today = now.astimezone(tz).date()
    if not cal.covers(today.year) or not cal.covers((today - dt.timedelta(days=40)).year):
        return 0
    base = system_actor("demo")
    office = Staff.objects.filter(center=center, roles__role=Role.OFFICE).order_by("code").first()
    head = Staff.objects.filter(center=center, user__username="windowhead").first() or Staff.objects.filter(
        center=center, roles__role=Role.WINDOW_HEAD).order_by("code").first()
    if office is None or head is None:
        return 0
    dept = head.department
    clerks = list(Staff.objects.filter(center=center, department=dept, roles__role=Role.WINDOW, active=True)
                  .exclude(pk=head.pk).order_by("code"))
    window = dept.windows.order_by("code").first()
    other = (Staff.objects.filter(center=center, roles__role=Role.WINDOW, active=True)
             .exclude(department=dept).order_by("code").first())
    if not clerks or window is None or other is None:
        return 0
    clerk = clerks[0]
    boss = _as(base, office)

    def workday_back(n: int, hour: int = 10) -> dt.datetime:
        day = today
        for _ in range(n):
            day -= dt.timedelta(days=1)
            while not cal.is_workday(day):
                day -= dt.timedelta(days=1)
        return min(dt.datetime.combine(day, dt.time(hour, 15), tzinfo=tz), now - dt.timedelta(minutes=5 * (16 - hour)))

    def filed(ago: int, ground: str, matter: str, channel: str = "online", **kw) -> Complaint:
        return cmp.file_complaint(system_actor("public-complaint") if channel == "online" else boss, center,
                                  channel=channel, ground=ground, matter=matter, now=workday_back(ago), **kw)

    made = 0
    # 1. On the spot: the clerk was curt; explained, apologised, upheld; written self-criticism.
    c = filed(18, "attitude", f"在{window.name}咨询时工作人员态度生硬，不愿解释材料要求。", name="刘女士",
              phone="13907971234", target_text=window.name)
    cmp.intake(boss, c, "register", window=window, staff=clerk, now=workday_back(18, 11))
    cmp.answer(boss, c, "经中心协调，窗口工作人员当面解释并致歉，投诉人表示理解。", upheld=True, on_the_spot=True,
               now=workday_back(18, 15))
    cmp.hold_accountable(boss, center, clerk, "self_criticism", workday_back(17).date(), complaint=c,
                         note="书面检查，中心通报批评")
    made += 1
    # 2. A gift earlier in the year: the second violation of the same clerk (CMP-5, CMP-6).
    c = filed(12, "corruption", "办结后窗口人员收下申请人送的两盒茶叶。", channel="letter", target_text=clerk.name)
    cmp.intake(boss, c, "register", staff=clerk, now=workday_back(12, 11))
    cmp.supervise(boss, c, dept, 3, "核实情况，退还礼品，书面报告处理结果", now=workday_back(12, 14))
    cmp.department_reply(_as(base, head), c, "情况属实，茶叶已当面退还", "全科室开展廉洁服务教育", True,
                         now=workday_back(10))
    cmp.answer(boss, c, "经核实情况属实，礼品已退还，相关人员已作处理。感谢您的监督。", now=workday_back(9))
    cmp.hold_accountable(boss, center, clerk, "gift_returned", workday_back(9).date(), complaint=c,
                         note="茶叶已退还申请人")
    made += 1
    # 3. A supervision order past its deadline (escalates with the worker's next tick).
    c = filed(9, "broken_promise", "承诺5个工作日办结的事项，已过期限仍未办结，也没有人告知原因。", name="陈先生",
              phone="13607975678")
    cmp.intake(boss, c, "register", department=dept, now=workday_back(9, 11))
    cmp.supervise(boss, c, dept, 3, "查明超期原因，3个工作日内书面答复", now=workday_back(9, 15))
    made += 1
    # 4. A supervision order still in time, to another department.
    c = filed(2, "fees", "办理医疗费用报销时，窗口要求到大厅外指定打印店复印材料，每页收费一元。", channel="phone", name="黄先生", phone="13807979876")
    cmp.intake(boss, c, "register", department=other.department, now=workday_back(2, 11))
    cmp.supervise(boss, c, other.department, 5, "核查是否存在指定收费服务，3个工作日内书面答复", now=workday_back(2, 15))
    made += 1
    # 5. Replied by the department, the answer to the complainant still to be written.
    c = filed(6, "procedure", "对退回申请材料的理由有异议。", name="吴女士", phone="13307971111")
    cmp.intake(boss, c, "register", department=dept, now=workday_back(6, 11))
    cmp.supervise(boss, c, dept, 3, "复核退件理由", now=workday_back(6, 14))
    cmp.department_reply(_as(base, head), c, "经复核，退件理由符合办事指南要求，已电话解释。", "", False,
                         now=workday_back(4))
    made += 1
    # 6. Withdrawn after the window explained; 7. invalid; 8. new, awaiting intake.
    c = filed(3, "attitude", "排队时间太长，窗口不理睬。", channel="visit", name="赵先生")
    cmp.intake(boss, c, "withdrawn", window=window, reason="窗口解释当日为社保缴费高峰，已引导至自助区，投诉人撤回",
               now=workday_back(3, 11))
    c = filed(1, "other", "不满意。")
    cmp.intake(boss, c, "invalid", reason="无具体投诉对象和事实，已电话联系未接通", now=workday_back(1, 11))
    filed(0, "attitude", "中午十二点窗口提前停止叫号。", anonymous=True)
    made += 3

    # First inquiries.
    guide = Staff.objects.filter(center=center, roles__role=Role.GUIDE).order_by("code").first() or office
    g = _as(base, guide)
    post = window.posts.prefetch_related("items__materials").first()
    item = next((i for i in post.items.all() if i.materials.count() >= 2), None) if post else None
    fir.register(g, center, channel="visit", asker="孙先生", matter="社保卡丢了，挂失和补卡在哪里办", now=workday_back(5))
    if item is not None:  # asked within duties, materials missing: the one-time notice (FIR-2)
        names = [m.name for m in item.materials.all()]
        fir.register(g, center, channel="phone", asker="某商贸公司", phone="07971234567",
                     matter=f"办理{item.name}要带什么材料", item=item, materials=[{"name": names[0], "count": 1}],
                     missing=names[1:], now=workday_back(4))
    done = fir.register(g, center, channel="visit", asker="李阿姨", matter="在外地打工多年，回乡后想续交城乡居民养老保险",
                        transfer_to=clerk, to_window=window, now=workday_back(6))
    fir.close(_as(base, clerk), done, "已办理城乡居民基本养老保险参保登记，告知缴费档次和缴费方式", now=workday_back(6, 15))
    fir.register(g, center, channel="visit", asker="周先生", matter="原单位未开离职证明，能否申领失业保险金",
                 transfer_to=clerks[-1], to_window=window, now=workday_back(5))  # overdue: the worker alerts both
    back = fir.register(g, center, channel="email", asker="钱女士", matter="查询父亲名下房产用于办理继承",
                        transfer_to=other, now=workday_back(1))
    fir.send_back(_as(base, other), back, "不动产登记资料查询由不动产登记中心窗口办理，请导办台改转不动产窗口",
                  now=workday_back(1, 14))
    fir.register(g, center, channel="visit", asker="吴先生", matter="异地就医备案后在外地住院怎么结算", transfer_to=other,
                 now=workday_back(0, 9))
    alerts.alert_overdue_inquiries(center, now)
    alerts.alert_overdue_orders(center, now)
    return made
