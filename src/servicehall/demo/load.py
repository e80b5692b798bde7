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

from .data import (
    BRANCH_HALLS,
    DEMO_REGION,
    DEPARTMENTS,
    DEPT_DUTIES,
    GIVEN,
    GIVEN_FIRST,
    GIVEN_SECOND,
    INSTANT_PROCEDURE,
    ITEM_GUIDES,
    ITEM_KEYWORDS,
    ITEM_SPECIAL_PROCEDURES,
    KIND_CONDITIONS,
    KIND_PROCEDURES,
    LEADER_TITLES,
    POST_NAMES,
    ROLE_DUTIES,
    SHORT,
    SURNAMES,
    TITLES,
)

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

@dataclass
class DemoResult:
    center: Center
    accounts: dict[str, str] = field(default_factory=dict)


def _id_number(rng: random.Random, born: dt.date, region: str = DEMO_REGION) -> str:
    first17 = f"{region}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_char(first17)


def _person(rng: random.Random, used: set[str]) -> str:
    """A name not used yet: a surname and a usual given name, and for the large synthetic centers, once those
    run short, a given name composed of two characters — always a name, never a number."""
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in used:
            used.add(name)
            return name
        if len(used) > 2000:
            break
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_FIRST) + rng.choice(GIVEN_SECOND)
        if name not in used:
            used.add(name)
            return name


def branch_hall(copy: int, scale: int) -> str:
    """The name of the ``copy``-th branch hall of a large synthetic center (none in the demo county's)."""
    if scale == 1:
        return ""
    return (BRANCH_HALLS[copy] if copy < len(BRANCH_HALLS) else f"第{copy + 1}") + "分厅"


def window_items(items: list, n_windows: int) -> list[list]:
    """A department's items window by window: consecutive runs, the first windows taking one more when the
    items do not divide evenly (the lists in data.py are ordered so that each run is one line of business)."""
    out, start = [], 0
    for w in range(n_windows):
        size = len(items) // n_windows + (1 if w < len(items) % n_windows else 0)
        out.append(items[start:start + size])
        start += size
    return out


def _materials(iname: str) -> list[dict]:
    return [{"name": n, "required": r, "form": f, "copies": c, "notes": no} for n, r, f, c, no in ITEM_GUIDES[iname][2]]


def _procedure(instant: bool, kind: str) -> list[str]:
    return list(INSTANT_PROCEDURE if instant else KIND_PROCEDURES[kind])


def _clerk_duties(i: int, numbers: list[int], posts: list[str], backs: list[int]) -> str:
    """What the department's ``i``-th clerk does: A of the ``i``-th window's post (the last clerk of a department
    is B only), B of the posts ``backs`` gives them; the first is also the department's 窗口首席代表."""
    parts = [f"A岗：{numbers[i]}号窗口{posts[i]}"] if i < len(posts) else []
    parts += [f"B岗：{numbers[w]}号窗口{posts[w]}" for w, b in enumerate(backs) if b == i]
    if not parts:
        return "本单位窗口机动人员，协助各岗位受理，A、B岗均不在时由单位安排顶岗。"
    head = "窗口首席代表，负责本单位窗口日常管理、AB岗安排和首问负责落实；" if i == 0 else ""
    return head + "；".join(parts) + "。负责岗位事项的受理、审核和办结，A岗不在时按规定顶岗。"


@transaction.atomic
def load_demo(actor: Actor, *, scale: int = 1, seed: int = 2026) -> DemoResult:
    """Build (or refresh) the demo center; ``scale`` > 1 makes a large synthetic one."""
    rng = random.Random(seed * 1000 + scale)
    code = "DEMO" if scale == 1 else f"SCALE{scale}"
    center = org.save_center(
        actor, code,
        "演示县政务服务中心" if scale == 1 else f"演示市政务服务中心（{scale}个分厅）",
        address="演示县人民大道88号县市民服务中心一至三楼",
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

    def new_staff(dept_code: str, roles: list[str], qualified: list[str] | None = None, active: bool = True,
                  title: str = "", duties: str = "") -> str:
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
            id_number=_id_number(rng, born), title=title or TITLES[roles[0]],
            duties=(prior.duties if prior is not None and not active else duties or ROLE_DUTIES.get(roles[0], "")),
            active=active,
        )
        for r in roles:
            role_holders.setdefault(r, []).append(scode)
        return scode

    # The center's own office: guide desk, assisted service, management office, inspection.
    org.save_department(actor, center, "ZX", "县政务服务中心管理办公室", sort=0, phone="0797-12345600",
                        duties=DEPT_DUTIES["ZX"])
    new_staff("ZX", [Role.OFFICE], title="管理办公室主任")
    new_staff("ZX", [Role.OFFICE, Role.INSPECTOR], title="管理办公室副主任",
              duties="协助主任负责中心日常管理和窗口考勤，牵头明察暗访和投诉督办")
    new_staff("ZX", [Role.INSPECTOR])
    for _ in range(3):
        new_staff("ZX", [Role.GUIDE])
    for _ in range(2):
        new_staff("ZX", [Role.ASSIST])

    floor_of = {0: "一楼", 1: "二楼", 2: "三楼"}
    for copy in range(scale):
        hall = branch_hall(copy, scale)
        for sort, (dcode0, dname0, n_windows, items) in enumerate(DEPARTMENTS, start=1):
            dcode = dcode0 if scale == 1 else f"{dcode0}{copy + 1}"
            dname = dname0 if scale == 1 else f"{dname0}（{hall}）"
            phone = f"0797-{8000000 + sort * 1000 + copy:07d}"
            org.save_department(actor, center, dcode, dname, sort=sort, duties=DEPT_DUTIES[dcode0], phone=phone)
            # Each window is one post with its own line of business (data.POST_NAMES), where its items are applied.
            numbers = [window_no + w + 1 for w in range(n_windows)]
            places = [f"{hall}{floor_of[sort % 3]}{'ABCD'[w % 4]}区" for w in range(n_windows)]
            runs = window_items(items, n_windows)
            item_codes: list[str] = []
            post_items: list[list[str]] = []
            for w, run in enumerate(runs):
                post_items.append([])
                for iname, promised, statutory, instant, kind, result, fee in run:
                    icode = f"{dcode}-{len(item_codes) + 1:03d}"
                    content, basis, _mats, conditions = ITEM_GUIDES[iname]
                    item = catalog.save_item(
                        actor, center, icode, iname, dcode,
                        promised_days=promised, statutory_days=statutory, instant=instant, kind=kind,
                        content=content, conditions=conditions or KIND_CONDITIONS[kind],
                        procedure=_procedure(instant, kind), legal_basis=basis, result=result,
                        fee_basis="" if fee.startswith(("不收费", "首次申领不收费")) else
                        "国家发展改革委、财政部和省价格主管部门核定的收费标准",
                        fee_standard=fee, consult_phone=phone, complaint_phone="0797-12345678",
                        location=f"{places[w]}{SHORT[dcode0]}窗口",
                        materials=_materials(iname), keywords=ITEM_KEYWORDS.get(iname, ""),
                    )
                    for pname, pdays, counts, pbasis in ITEM_SPECIAL_PROCEDURES.get(iname, []):  # CASE-13
                        catalog.save_special_procedure(actor, item, pname, usual_days=pdays,
                                                       counts_toward_limit=counts, legal_basis=pbasis,
                                                       procedure=item.special_procedures.filter(name=pname).first())
                    if scale == 1 and not item.guide_versions.exists():
                        # CASE-1: the guide's first version, published a year back so the demo's cases keep it.
                        published = clock.local(center, timezone.now()) - dt.timedelta(days=366)
                        catalog.publish_guide(actor, item, published.date(), "首次发布", now=published)
                    item_codes.append(icode)
                    post_items[w].append(icode)
            # Who backs whom (the B of each post): the next clerk, with two findings built in for the AB check.
            backs = [w + 1 for w in range(n_windows)]
            if dcode0 == "ZRZY":
                backs[1] = 0  # a mutual pair: the AB check's "small pool" finding
            if dcode0 == "GA":
                backs[1:] = [n_windows] * (n_windows - 1)  # one person backing three posts: "overloaded B"
            posts = [f"{SHORT[dcode0]}{name}" for name in POST_NAMES[dcode0]]

            new_staff(dcode, [Role.DEPT_LEADER], title=LEADER_TITLES.get(dcode0, TITLES["dept_leader"]))
            clerks = [new_staff(dcode, [Role.WINDOW_HEAD, Role.WINDOW], item_codes, duties=_clerk_duties(0, numbers, posts, backs))]
            clerks += [new_staff(dcode, [Role.WINDOW], item_codes, duties=_clerk_duties(i, numbers, posts, backs))
                       for i in range(1, n_windows + 1)]
            new_staff(dcode, [Role.APPROVER], item_codes)
            windows = []
            for w in range(n_windows):
                window_no += 1
                wcode = f"W{window_no:02d}" if scale == 1 else f"W{window_no:04d}"
                org.save_window(actor, center, wcode, f"{window_no}号窗口", dcode, location=places[w], sort=window_no)
                windows.append(wcode)
            for w, wcode in enumerate(windows):
                org.save_post(actor, center, f"P{wcode[1:]}", window=wcode, a=clerks[w], b=clerks[backs[w]],
                              items=post_items[w], name=posts[w])
            if dcode0 == "JT" and copy == 0:
                last = clerks[-1]
                st = center.staff.get(code=last)
                org.save_staff(actor, center, last, st.name, dcode, roles=[Role.WINDOW], qualified=item_codes,
                               phone=st.phone, id_number=st.id_number, title=st.title,
                               duties="已借调至县交通运输局机关，待调整B岗", active=False)
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
