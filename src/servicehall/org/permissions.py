"""Who may do what, where — the one permission table (SEC-5, ORG-2, SEC-6).

Every service that writes, and every read of personal data, asks :func:`authorize` with the acting
person or device, an action from :data:`TABLE` and the :class:`Target` it acts on (the center, and where
it applies the department, window and person the record belongs to). Views and API handlers make no
permission decisions of their own: they call a service, or ask :func:`scope_of` which rows a list may show.

Read the table as *role → widest scope* per action:

- ``SELF``: the acting person's own record (their leave, their handover as the post's A, their inquiry);
- ``WINDOW``: windows the person serves (A or B of a post there) and records at those windows;
- ``DEPARTMENT``: records of the person's own department;
- ``CENTER``: anything of the person's own center;
- ``COUNTY``: the centers under the person's county (or city) office, and its own.

Devices act only as their kind, only for their center, and window-bound kinds (caller, rating pad,
workstation) only for their window (:data:`DEVICE_TABLE`). Command-line jobs (demo, import, worker) and
the installation's superusers are not limited by role; pages never manage superusers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from servicehall.core.dbrouter import PRIMARY
from servicehall.core.models import WINDOW_DEVICES, DeviceKind

from .choices import Role


class Scope(IntEnum):
    """How far a role reaches for one action; a wider scope includes the narrower ones."""

    SELF = 1
    WINDOW = 2
    DEPARTMENT = 3
    CENTER = 4
    COUNTY = 5


R, S = Role, Scope
# Everyone on a center's staff, the three administrators included: their own leave, record, first inquiries.
_STAFF_ROLES: tuple[str, ...] = (R.GUIDE, R.ASSIST, R.WINDOW, R.APPROVER, R.WINDOW_HEAD, R.DEPT_LEADER, R.OFFICE, R.INSPECTOR,
                R.SYS_ADMIN, R.SEC_ADMIN, R.AUDIT_ADMIN)
_HEADS: dict[str, Scope] = {R.WINDOW_HEAD: S.DEPARTMENT, R.DEPT_LEADER: S.DEPARTMENT}
_OVERSIGHT: dict[str, Scope] = {R.OFFICE: S.CENTER, R.INSPECTOR: S.CENTER, R.COUNTY_OFFICE: S.COUNTY}

# action → {role: widest scope}. The labels say the action in words for the refusal page.
TABLE: dict[str, dict[str, Scope]] = {
    # -- org chart, catalog, settings, calendar, devices: the system administrator (SEC-6 三员分立)
    "org.edit": {R.SYS_ADMIN: S.CENTER},
    "catalog.edit": {R.SYS_ADMIN: S.CENTER},
    "policy.edit": {R.SYS_ADMIN: S.CENTER},
    "calendar.edit": {R.SYS_ADMIN: S.CENTER},
    "device.manage": {R.SYS_ADMIN: S.CENTER},
    # -- accounts, roles, passwords: the security administrator
    "account.manage": {R.SEC_ADMIN: S.CENTER},
    # -- the audit trail: the audit administrator
    "audit.read": {R.AUDIT_ADMIN: S.CENTER},
    # -- duty (NV, ATT)
    "duty.clock": {R.OFFICE: S.CENTER},  # entering or correcting a clock event by hand
    "duty.adjudicate": {R.OFFICE: S.CENTER},  # void, waiver, appeal decision, stand-in
    "duty.waive_day": {R.OFFICE: S.CENTER},  # NV-6: one day's vacancies waived at once (the terminal failed)
    "duty.appeal": {r: S.SELF for r in _STAFF_ROLES},  # NV-6: who answers for a vacancy appeals it
    "duty.extended": {R.OFFICE: S.CENTER},  # ATT-4: extended sessions (延时服务) for named windows
    "absence.request": {**{r: S.SELF for r in _STAFF_ROLES}, **_HEADS, R.OFFICE: S.CENTER},
    "absence.approve": {R.DEPT_LEADER: S.DEPARTMENT, R.OFFICE: S.CENTER},  # ATT-2 department level
    "absence.file": {R.OFFICE: S.CENTER},  # ATT-2: longer leave, and away from a window, filed by the office
    "absence.return": {**{r: S.SELF for r in _STAFF_ROLES}, R.OFFICE: S.CENTER},
    "handover.file": {**{r: S.SELF for r in _STAFF_ROLES}, **_HEADS, R.OFFICE: S.CENTER},
    "window.pause": {R.WINDOW: S.WINDOW, R.APPROVER: S.WINDOW, R.WINDOW_HEAD: S.WINDOW, R.DEPT_LEADER: S.WINDOW,
                     R.OFFICE: S.WINDOW},
    "duty.read": {**_HEADS, **_OVERSIGHT},  # vacancies, ladders, anomalies, absences of others
    # -- cases (CASE)
    "case.receive": {R.WINDOW: S.DEPARTMENT, R.APPROVER: S.DEPARTMENT, R.WINDOW_HEAD: S.DEPARTMENT},  # + own posts
    "case.receive_joint": {R.WINDOW: S.CENTER, R.ASSIST: S.CENTER},  # one window for several departments
    "case.handle": {R.WINDOW: S.DEPARTMENT, R.APPROVER: S.DEPARTMENT, R.WINDOW_HEAD: S.DEPARTMENT},
    "case.decide": {R.APPROVER: S.DEPARTMENT, R.OFFICE: S.CENTER},
    "case.extension.decide": {R.OFFICE: S.CENTER},
    "case.read": {R.WINDOW: S.DEPARTMENT, R.APPROVER: S.DEPARTMENT, **_HEADS, **_OVERSIGHT},
    "assist.handle": {R.ASSIST: S.CENTER, R.GUIDE: S.CENTER, R.OFFICE: S.CENTER},
    "courier.handover": {R.WINDOW: S.DEPARTMENT, R.APPROVER: S.DEPARTMENT, R.WINDOW_HEAD: S.DEPARTMENT,
                         R.OFFICE: S.CENTER},
    "courier.schedule": {R.OFFICE: S.CENTER},
    # -- the queue (Q) and ratings (EVAL)
    "ticket.issue": {R.GUIDE: S.CENTER, R.OFFICE: S.CENTER},
    "ticket.serve": {R.WINDOW: S.WINDOW, R.APPROVER: S.WINDOW, R.WINDOW_HEAD: S.WINDOW, R.DEPT_LEADER: S.WINDOW},
    "ticket.rate": {},  # the rating pad only
    "ticket.front": {R.GUIDE: S.CENTER, R.OFFICE: S.CENTER},  # only with a reason, audited
    "queue.limits": {R.OFFICE: S.CENTER},  # an item's daily cap and waiting alarm
    "appointment.check_in": {R.GUIDE: S.CENTER, R.OFFICE: S.CENTER},
    "rating.handle": {**_HEADS, R.OFFICE: S.CENTER},
    "rating.appeal": {r: S.SELF for r in _STAFF_ROLES},  # EVAL-5: the rated clerk appeals their own rating
    "rating.appeal.decide": {R.OFFICE: S.CENTER},  # EVAL-5: the office upholds or rejects
    "rating.reasons": {R.OFFICE: S.CENTER},  # EVAL-4: the reason checklists as data
    "queue.slots": {R.OFFICE: S.CENTER},
    "appointment.lift_block": {R.OFFICE: S.CENTER},  # a no-show block lifted with a reason
    "queue.read": {**_HEADS, **_OVERSIGHT},
    # -- what leaves the building (issue 16): the SMS wording, and dead letters of the outbox sent again
    "sms.template.edit": {R.OFFICE: S.CENTER},
    "outbox.resend": {R.OFFICE: S.CENTER},
    # -- first inquiries and complaints (FIR, CMP)
    # FIR-1..4: any staff member registers and settles first inquiries of their center; who of them may close
    # or send back a transfer (its receiver) is the inquiry's own rule, checked in its service.
    "inquiry.register": {r: S.CENTER for r in _STAFF_ROLES},
    "inquiry.settle": {r: S.CENTER for r in _STAFF_ROLES},
    "complaint.handle": {R.OFFICE: S.CENTER},
    "complaint.reply": {**_HEADS, R.OFFICE: S.CENTER},
    "complaint.read": {**_HEADS, **_OVERSIGHT},
    "accountability.record": {R.OFFICE: S.CENTER},
    "record.read": {**{r: S.SELF for r in _STAFF_ROLES}, **_HEADS, **_OVERSIGHT},
    # -- assessment (ASM): scores are read as a person's record (record.read); praise and closing by the office
    "assessment.praise": {R.OFFICE: S.CENTER},
    "assessment.close": {R.OFFICE: S.CENTER},
    # ASM-2: the center asks a department to replace a person graded 不称职; the department's leader answers
    "assessment.replace": {R.OFFICE: S.CENTER},
    "assessment.replace_answer": {R.DEPT_LEADER: S.DEPARTMENT},
    # ASM-4: the whole ranking is circulated to the heads of every department; the people's details in it are
    # read by record.read (a department's heads: their own people)
    "ranking.read": {R.WINDOW_HEAD: S.CENTER, R.DEPT_LEADER: S.CENTER, **_OVERSIGHT},
    # the director's view: the center's leadership sits in the management office; a county office its centers
    "director.read": {R.OFFICE: S.CENTER, R.COUNTY_OFFICE: S.COUNTY},
    # ASM-5: the Monday report and the monthly bulletin; a department's leader reads their windows' pages of
    # the Monday report only (not the hall's figures or the bulletin); the office (re)generates them.
    "assessment.report": {R.OFFICE: S.CENTER},
    "assessment.report.read": {R.DEPT_LEADER: S.DEPARTMENT, **_OVERSIGHT},
    # ASM-3, ATT-5: inspectors (and the office) record findings across their center; the person named answers
    # their own; the office confirms or dismisses. Findings are read like a person's record.
    "inspection.record": {R.INSPECTOR: S.CENTER, R.OFFICE: S.CENTER},
    "inspection.answer": {r: S.SELF for r in _STAFF_ROLES},
    "inspection.decide": {R.OFFICE: S.CENTER},
    "inspection.read": {**{r: S.SELF for r in _STAFF_ROLES}, **_HEADS, **_OVERSIGHT},
    # -- personal data (SEC-3): phones and ID numbers shown unmasked
    "personal.read": {R.WINDOW: S.DEPARTMENT, R.APPROVER: S.DEPARTMENT, **_HEADS, **_OVERSIGHT},
}

# action → device kinds that may do it (SEC-5). Window-bound kinds act only for their window.
DEVICE_TABLE: dict[str, frozenset[str]] = {
    "device.clock": frozenset({DeviceKind.CLOCK, DeviceKind.WORKSTATION}),
    "window.pause": frozenset({DeviceKind.WORKSTATION, DeviceKind.CALLER}),
    "ticket.issue": frozenset({DeviceKind.KIOSK}),
    "ticket.serve": frozenset({DeviceKind.CALLER, DeviceKind.WORKSTATION}),
    "ticket.rate": frozenset({DeviceKind.PAD}),
    "appointment.check_in": frozenset({DeviceKind.KIOSK}),
}

LABELS: dict[str, Any] = {
    "org.edit": _("change the org chart"),
    "catalog.edit": _("change the service catalog"),
    "policy.edit": _("change the center's settings"),
    "calendar.edit": _("enter the calendar"),
    "device.manage": _("register devices"),
    "account.manage": _("manage accounts, roles and passwords"),
    "audit.read": _("read the audit trail"),
    "duty.clock": _("enter clock events"),
    "device.clock": _("post clock events"),
    "duty.adjudicate": _("adjudicate the duty record"),
    "duty.extended": _("set extended sessions"),
    "duty.waive_day": _("waive a whole day's vacancies"),
    "duty.appeal": _("appeal this vacancy"),
    "absence.request": _("request leave for this person"),
    "absence.approve": _("approve this leave"),
    "absence.file": _("file this leave at the center office"),
    "absence.return": _("end this leave"),
    "handover.file": _("file a handover for this post"),
    "window.pause": _("pause this window"),
    "duty.read": _("read this duty record"),
    "case.receive": _("receive cases of this department"),
    "case.receive_joint": _("receive joint cases"),
    "case.handle": _("handle this case"),
    "case.decide": _("decide this case"),
    "case.extension.decide": _("decide extensions"),
    "case.read": _("read this case"),
    "assist.handle": _("handle assisted service"),
    "courier.handover": _("log this department's courier hand-over"),
    "courier.schedule": _("set courier schedules"),
    "ticket.issue": _("issue tickets"),
    "ticket.serve": _("call and serve at this window"),
    "ticket.rate": _("rate this service"),
    "ticket.front": _("move a ticket to the front"),
    "queue.limits": _("set the queue limits of an item"),
    "appointment.check_in": _("check in a booking"),
    "rating.handle": _("handle this poor rating"),
    "rating.appeal": _("appeal this rating"),
    "rating.appeal.decide": _("decide rating appeals"),
    "rating.reasons": _("edit the rating reasons"),
    "queue.slots": _("open booking slots"),
    "appointment.lift_block": _("lift a no-show block"),
    "queue.read": _("read the queue statistics"),
    "sms.template.edit": _("edit the SMS templates"),
    "outbox.resend": _("send dead letters again"),
    "inquiry.register": _("register first inquiries"),
    "inquiry.settle": _("settle this inquiry"),
    "complaint.handle": _("handle complaints"),
    "complaint.reply": _("answer this complaint"),
    "complaint.read": _("read this complaint"),
    "accountability.record": _("record accountability"),
    "record.read": _("read this person's record"),
    "assessment.praise": _("record praise"),
    "assessment.close": _("close an assessment month"),
    "assessment.replace": _("ask a department to replace a person"),
    "assessment.replace_answer": _("answer this replacement request"),
    "ranking.read": _("read the rankings"),
    "director.read": _("open the director's view"),
    "assessment.report": _("prepare the Monday report and the monthly bulletin"),
    "assessment.report.read": _("read the Monday report and the monthly bulletin"),
    "inspection.record": _("record inspection findings"),
    "inspection.answer": _("answer this inspection finding"),
    "inspection.decide": _("confirm or dismiss inspection findings"),
    "inspection.read": _("read this inspection finding"),
    "personal.read": _("read personal data"),
}


@dataclass(frozen=True)
class Target:
    """What an action touches: its center, and where it applies its department, window and person."""

    center: Any
    department: Any = None
    window: Any = None
    person: Any = None

    @property
    def department_id(self) -> int | None:
        found: int | None = None
        if self.department is not None:
            found = self.department.pk
        elif self.window is not None:
            found = self.window.department_id
        elif self.person is not None:
            found = self.person.department_id
        return found


class Forbidden(PermissionDenied):
    """A refusal by the permission table (SEC-5): the action in words, nothing changed."""

    def __init__(self, action: str, reason: Any = ""):
        self.action = action
        self.reason = reason
        super().__init__(str(reason or LABELS.get(action, action)))

    @property
    def message(self) -> str:
        from django.utils.translation import gettext

        what = LABELS.get(self.action, self.action)
        base = gettext("You may not %(what)s.") % {"what": what}
        return f"{base} {self.reason}".strip() if self.reason and str(self.reason) != str(what) else base


# -- who is acting ---------------------------------------------------------------------
def person_of(actor: Any) -> Any | None:
    """The acting staff member: an Actor's named staff, or the logged-in user's active staff record."""
    staff = getattr(actor, "staff", None)
    if staff is None:
        user = getattr(actor, "user", actor)
        if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return None
        staff = getattr(user, "staff", None)
    if staff is None or not staff.active:
        return None
    return staff


def _is_staff(obj: Any) -> bool:
    from .models import Staff

    return isinstance(obj, Staff)


def _user_of(actor: Any) -> Any:
    return getattr(actor, "user", actor)


def is_unlimited(actor: Any) -> bool:
    """Command-line jobs (demo, import, worker) and the installation's superusers."""
    if getattr(actor, "system", False):
        return True
    user = _user_of(actor)
    return bool(user is not None and getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


def roles_of(actor: Any) -> set[str]:
    """The roles of the acting person (an Actor, a user or a Staff record)."""
    person = actor if _is_staff(actor) else person_of(actor)
    if person is None or not person.active:
        return set()
    cached = getattr(person, "_role_codes", None)
    if cached is None:
        cached = set(person.roles.values_list("role", flat=True))
        person._role_codes = cached
    return cached


def visible_center_ids(actor: Any) -> set[int] | None:
    """The centers a person may see: their own, and for a county office the centers under it; None = all."""
    if not _is_staff(actor) and is_unlimited(actor):
        return None
    person = actor if _is_staff(actor) else person_of(actor)
    if person is None:
        return set()
    ids = {person.center_id}
    if Role.COUNTY_OFFICE in roles_of(person):
        from .models import Center

        frontier = {person.center_id}
        while frontier:
            # On the primary inside a replica read too (the lag guard, SEC-5): a center moved out from under
            # a county a moment ago is out of its reach at once.
            children = set(Center.objects.using(PRIMARY).filter(parent_id__in=frontier)
                           .values_list("id", flat=True)) - ids
            ids |= children
            frontier = children
    return ids


def windows_of(person: Any) -> set[int]:
    """Windows a person serves: A or B of a post there (ORG-3); stand-ins are added by duty (NV-7)."""
    cached = getattr(person, "_window_ids", None)
    if cached is None:
        from django.db.models import Q

        from .models import Post

        # On the primary inside a replica read too (the lag guard, SEC-5): a window head's scope follows the
        # post's A and B as saved, not as a replica a moment behind still has them.
        cached = set(Post.objects.using(PRIMARY).filter(Q(a=person) | Q(b=person))
                     .values_list("window_id", flat=True))
        person._window_ids = cached
    return cached


def _covers(person: Any, scope: Scope, target: Target, visible: set[int] | None) -> bool:
    """Whether ``scope`` around ``person`` reaches ``target``; a wider scope includes the narrower ones."""
    center_id = target.center.pk
    if scope >= Scope.COUNTY and (visible is None or center_id in visible):
        return True
    if person.center_id != center_id:
        return False
    if scope >= Scope.CENTER:
        return True
    if scope >= Scope.DEPARTMENT:
        dept = target.department_id
        if dept is not None and dept == person.department_id:
            return True
    if scope >= Scope.WINDOW and target.window is not None and target.window.pk in windows_of(person):
        return True
    return target.person is not None and target.person.pk == person.pk


def allowed(actor: Any, action: str, target: Target) -> bool:
    """Whether the table lets this person or device do ``action`` on ``target`` (SEC-5)."""
    try:
        authorize(actor, action, target)
    except Forbidden:
        return False
    return True


def authorize(actor: Any, action: str, target: Target) -> None:
    """Raise :class:`Forbidden` unless the table allows ``action`` on ``target`` for this actor (SEC-5)."""
    if action not in TABLE and action not in DEVICE_TABLE:
        raise KeyError(f"unknown action {action!r}: add it to the permission table")
    device = getattr(actor, "device", None)
    if device is not None:
        _authorize_device(device, action, target)
        return
    if is_unlimited(actor):
        return
    person = person_of(actor)
    if person is None:
        raise Forbidden(action, _("Only active staff of this center may do this (SEC-1)."))
    rules = TABLE.get(action, {})
    roles = roles_of(person)
    visible = visible_center_ids(person) if Role.COUNTY_OFFICE in roles else {person.center_id}
    for role in roles:
        scope = rules.get(role)
        if scope is not None and _covers(person, scope, target, visible):
            return
    raise Forbidden(action)


def _authorize_device(device: Any, action: str, target: Target) -> None:
    kinds = DEVICE_TABLE.get(action)
    if not device.active:
        raise Forbidden(action, _("This device has been retired."))
    if not kinds or device.kind not in kinds:
        raise Forbidden(action, _("This device's kind may not do this (SEC-5)."))
    if device.center_id != target.center.pk:
        raise Forbidden(action, _("This device belongs to another center (SEC-5)."))
    if device.kind in WINDOW_DEVICES and target.window is not None and device.window_id != target.window.pk:
        raise Forbidden(action, _("This device belongs to another window (SEC-5)."))


def scope_of(actor: Any, action: str, center: Any) -> tuple[Scope | None, Any]:
    """The widest scope the actor has for ``action`` in ``center`` and the person it is relative to.

    Lists use it to narrow their rows: ``DEPARTMENT`` → the person's department, ``SELF`` → their own.
    ``None`` means no access at all.
    """
    if is_unlimited(actor):
        return Scope.COUNTY, None
    person = person_of(actor)
    if person is None:
        return None, None
    rules = TABLE.get(action, {})
    roles = roles_of(person)
    best: Scope | None = None
    for role in roles:
        scope = rules.get(role)
        if scope is None:
            continue
        if scope >= Scope.CENTER:
            visible = visible_center_ids(person) if scope == Scope.COUNTY else {person.center_id}
            if visible is not None and center.pk not in visible:
                continue
        elif person.center_id != center.pk:
            continue
        best = scope if best is None else max(best, scope)
    return best, person


def check_admin_duties(roles: Iterable[str]) -> str | None:
    """三员分立 (SEC-6): the administrator duties a role set combines, or None when it combines none."""
    from .choices import ADMIN_DUTIES

    held = [r for r in ADMIN_DUTIES if r in set(roles)]
    return ", ".join(held) if len(held) > 1 else None


def table_rows() -> list[tuple[str, str, list[tuple[str, str]], list[str]]]:
    """The table as rows (action, label, [(role, scope)], device kinds), for the README and the docs page."""
    rows = []
    for action in sorted(set(TABLE) | set(DEVICE_TABLE)):
        roles = sorted(((str(r), Scope(s).name.lower()) for r, s in TABLE.get(action, {}).items()))
        rows.append((action, str(LABELS.get(action, "")), roles, sorted(DEVICE_TABLE.get(action, ()))))
    return rows
