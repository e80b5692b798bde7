"""The demo county center, generated deterministically from a seed.

Everything goes through the service functions, so the demo is audited like
any other write and loading it twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from servicehall.audit.services import Actor
from servicehall.catalog import services as catalog
from servicehall.core import clock
from servicehall.org import services as org
from servicehall.org.choices import Role
from servicehall.org.models import Center
from servicehall.rules.identity import id_check_char

from .data import DEPARTMENTS, DEPT_LAW, GIVEN, ITEM_KEYWORDS, ITEM_SPECIAL_PROCEDURES, SURNAMES, TITLES

DEMO_PASSWORD = "hall-demo-2026"

# One login per role (ORG-2): user name -> role.
ROLE_ACCOUNTS = {
    "office": Role.OFFICE,
    "deptleader": Role.DEPT_LEADER,
    "windowhead": Role.WINDOW_HEAD,
    "window": Role.WINDOW,
    "approver": Role.APPROVER,
    "guide": Role.GUIDE,
    "assist": Role.ASSIST,
    "inspector": Role.INSPECTOR,
    # 三员分立 (SEC-6): one person for each administrator duty.
    "sysadmin": Role.SYS_ADMIN,
    "secadmin": Role.SEC_ADMIN,
    "auditadmin": Role.AUDIT_ADMIN,
}

# A demo arrangement for 2027 so that cases accepted in December can run into
# January. It is the demo's own entry, not the State Council's notice: a real
# center enters the official list on the calendar page when it is published.
DEMO_2027 = [
    ("2027-01-01", False, "元旦"),
    ("2027-02-05", False, "春节"), ("2027-02-08", False, "春节"), ("2027-02-09", False, "春节"),
    ("2027-02-10", False, "春节"), ("2027-02-11", False, "春节"), ("2027-02-12", False, "春节"),
    ("2027-02-20", True, "春节调休上班"),
    ("2027-04-05", False, "清明节"),
    ("2027-05-03", False, "劳动节"), ("2027-05-04", False, "劳动节"), ("2027-05-05", False, "劳动节"),
    ("2027-05-08", True, "劳动节调休上班"),
    ("2027-06-09", False, "端午节"),
    ("2027-09-15", False, "中秋节"),
    ("2027-10-01", False, "国庆节"), ("2027-10-04", False, "国庆节"), ("2027-10-05", False, "国庆节"),
    ("2027-10-06", False, "国庆节"), ("2027-10-07", False, "国庆节"),
    ("2027-09-26", True, "国庆节调休上班"), ("2027-10-09", True, "国庆节调休上班"),
]

MATERIAL_POOL = [
    ("申请表", True, "original", 1, "可在窗口领取或网上下载"),
    ("申请人有效身份证件", True, "both", 1, "原件核验，复印件留存"),
    ("户口簿", False, "both", 1, "涉及户籍信息时提供"),
    ("授权委托书及受托人身份证件", False, "original", 1, "委托他人办理时提供"),
    ("营业执照", True, "copy", 1, "加盖公章"),
    ("近期一寸免冠彩色照片", True, "original", 2, "白底"),
    ("相关证明材料", False, "copy", 1, "按具体情形提供"),
    ("场所使用证明", True, "copy", 1, "房产证或租赁合同"),
]


@dataclass
class DemoResult:
    center: Center
    accounts: dict[str, str] = field(default_factory=dict)


def _id_number(rng: random.Random, born: dt.date, region: str = "360725") -> str:
    first17 = f"{region}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_char(first17)


def _person(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in used:
            used.add(name)
            return name
        if len(used) > 2000:  # the large synthetic center runs out of distinct short names
            name += str(len(used))
            used.add(name)
            return name


def _materials(rng: random.Random, dept_code: str, kind: str) -> list[dict]:
    picks = [MATERIAL_POOL[0], MATERIAL_POOL[1]]
    extra = [m for m in MATERIAL_POOL[2:] if not (m[0] == "营业执照" and dept_code in ("GA", "MZ", "CL"))]
    picks += rng.sample(extra, k=rng.randint(1, 3))
    return [{"name": n, "required": r, "form": f, "copies": c, "notes": no} for n, r, f, c, no in picks]


def _procedure(instant: bool) -> list[str]:
    if instant:
        return ["申请", "窗口受理并当场办结", "领取结果"]
    return ["申请", "窗口受理（材料不全的一次性告知）", "审查与决定", "制证或送达", "领取结果（可选邮寄）"]


@transaction.atomic
def load_demo(actor: Actor, *, scale: int = 1, seed: int = 2026) -> DemoResult:
    """Build (or refresh) the demo center; ``scale`` > 1 makes a large synthetic one."""
    rng = random.Random(seed * 1000 + scale)
    code = "DEMO" if scale == 1 else f"SCALE{scale}"
    center = org.save_center(
        actor, code,
        "演示县政务服务中心" if scale == 1 else f"大规模测试中心（×{scale}）",
        address="演示县人民大道88号市民中心一至三楼",
        intro="县政务服务中心是县人民政府设立的集中办理行政审批和公共服务事项的综合服务平台，"
              "负责组织进驻部门集中办公、统一受理，推行首问负责、一次性告知、限时办结、"
              "AB岗和窗口服务无缺位等制度，接受群众监督。",
        opening_hours_text="法定工作日 上午 8:30-12:00，下午 14:30-17:30",
        complaint_phone="0797-12345678", complaint_email="tousu@example.gov.cn", consult_phone="0797-12345600",
    )
    if scale == 1:
        days = [(dt.date.fromisoformat(d), w, n) for d, w, n in DEMO_2027]
        org.enter_calendar_year(actor, center, 2027, days, source="演示数据（以国务院办公厅正式通知为准）")
    used_names: set[str] = set()
    staff_no = 0
    window_no = 0
    role_holders: dict[str, list[str]] = {}

    def new_staff(dept_code: str, roles: list[str], qualified: list[str] | None = None,
                  active: bool = True) -> str:
        nonlocal staff_no
        staff_no += 1
        scode = f"S{staff_no:03d}" if scale == 1 else f"S{staff_no:05d}"
        born = dt.date(1968, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 32))
        prior = center.staff.filter(code=scode).first()
        if prior is not None and not prior.active:
            active = False  # deactivated by an earlier run (below): keep it so
        org.save_staff(
            actor, center, scode, _person(rng, used_names), dept_code, roles=roles, qualified=qualified,
            phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
            id_number=_id_number(rng, born), title=TITLES[roles[0]],
            duties=(prior.duties if prior is not None and not active
                    else "负责本窗口事项的受理、审核和办结" if Role.WINDOW in roles else ""),
            active=active,
        )
        for r in roles:
            role_holders.setdefault(r, []).append(scode)
        return scode

    # The center's own office: guide desk, assisted service, management office, inspection.
    org.save_department(actor, center, "ZX", "县政务服务中心管理办公室", sort=0, phone="0797-12345600",
                        duties="负责中心日常管理、考勤、督查和投诉处理")
    new_staff("ZX", [Role.OFFICE])
    new_staff("ZX", [Role.OFFICE, Role.INSPECTOR])
    new_staff("ZX", [Role.INSPECTOR])
    for _ in range(3):
        new_staff("ZX", [Role.GUIDE])
    for _ in range(2):
        new_staff("ZX", [Role.ASSIST])

    floor_of = {0: "一楼", 1: "二楼", 2: "三楼"}
    for copy in range(scale):
        for sort, (dcode0, dname0, n_windows, items) in enumerate(DEPARTMENTS, start=1):
            dcode = dcode0 if scale == 1 else f"{dcode0}{copy + 1}"
            dname = dname0 if scale == 1 else f"{dname0}（{copy + 1}）"
            org.save_department(actor, center, dcode, dname, sort=sort, duties=f"{dname0}进驻中心办理的事项",
                                phone=f"0797-{8000000 + sort * 1000 + copy:07d}")
            item_codes = []
            for i, (iname, promised, statutory, instant, kind, result, fee) in enumerate(items, start=1):
                icode = f"{dcode}-{i:03d}"
                item = catalog.save_item(
                    actor, center, icode, iname, dcode,
                    promised_days=promised, statutory_days=statutory, instant=instant, kind=kind,
                    content=f"办理{iname}。",
                    conditions="申请人符合法律法规规定的条件，材料齐全、符合法定形式。",
                    procedure=_procedure(instant), legal_basis=DEPT_LAW[dcode0], result=result,
                    fee_basis="国家和省有关收费规定" if fee != "不收费" else "",
                    fee_standard=fee, consult_phone=f"0797-{8000000 + sort * 1000 + copy:07d}",
                    complaint_phone="0797-12345678", location=f"{floor_of[sort % 3]}{dname0}窗口",
                    materials=_materials(rng, dcode0, kind), keywords=ITEM_KEYWORDS.get(iname, ""),
                )
                for pname, pdays, counts, basis in ITEM_SPECIAL_PROCEDURES.get(iname, []):  # CASE-13
                    catalog.save_special_procedure(actor, item, pname, usual_days=pdays, counts_toward_limit=counts,
                                                   legal_basis=basis,
                                                   procedure=item.special_procedures.filter(name=pname).first())
                if scale == 1 and not item.guide_versions.exists():
                    # CASE-1: the guide's first version, published a year back so the demo's cases keep it.
                    published = clock.local(center, timezone.now()) - dt.timedelta(days=366)
                    catalog.publish_guide(actor, item, published.date(), "首次发布", now=published)
                item_codes.append(icode)
            new_staff(dcode, [Role.DEPT_LEADER])
            clerks = [new_staff(dcode, [Role.WINDOW_HEAD, Role.WINDOW], item_codes)]
            clerks += [new_staff(dcode, [Role.WINDOW], item_codes) for _ in range(n_windows)]
            new_staff(dcode, [Role.APPROVER], item_codes)
            windows = []
            for w in range(n_windows):
                window_no += 1
                wcode = f"W{window_no:02d}" if scale == 1 else f"W{window_no:04d}"
                org.save_window(actor, center, wcode, f"{window_no}号窗口", dcode,
                                location=f"{floor_of[sort % 3]}{'ABC'[w % 3]}区", sort=window_no)
                windows.append(wcode)
            for w, wcode in enumerate(windows):
                a, b = clerks[w], clerks[w + 1]
                if dcode0 == "ZRZY" and w == 1:
                    b = clerks[0]  # a mutual pair: the AB check's "small pool" finding
                if dcode0 == "GA" and w >= 1:
                    b = clerks[n_windows]  # one person backing three posts: "overloaded B"
                org.save_post(actor, center, f"P{wcode[1:]}", window=wcode, a=a, b=b,
                              items=item_codes[w::n_windows], name=f"{dname0}综合受理岗")
            if dcode0 == "JT" and copy == 0:
                last = clerks[-1]
                st = center.staff.get(code=last)
                org.save_staff(actor, center, last, st.name, dcode, roles=[Role.WINDOW], qualified=item_codes,
                               phone=st.phone, id_number=st.id_number, title=st.title, duties="已借调，待调整B岗",
                               active=False)
    # The three administrator duties (三员分立, SEC-6), each held by its own person of the center's office.
    for duty in (Role.SYS_ADMIN, Role.SEC_ADMIN, Role.AUDIT_ADMIN):
        new_staff("ZX", [duty])
    made = DemoResult(center=center)
    if scale == 1:
        taken: set[str] = set()
        for username, role in ROLE_ACCOUNTS.items():
            # One person per login, so that each role's view is its own (SEC-1).
            code = next(c for c in role_holders[role] if c not in taken)
            taken.add(code)
            staff = center.staff.get(code=code)
            org.create_account(actor, staff, username, DEMO_PASSWORD)
            made.accounts[username] = f"{staff.name}（{Role(role).label}）"
    return made
