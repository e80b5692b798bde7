"""The one door for writes to the org chart (ORG-1..6, SEC-1..2).

Each function takes the acting user (or an :class:`Actor`), validates against
the rules, writes in one transaction and appends the audit record. A refusal
raises :class:`RuleViolation` with every problem found, and writes nothing.
Setters are idempotent: writing the same values again changes nothing and
audits nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, TypeVar

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy

from servicehall.accounts.services import set_password
from servicehall.audit.services import Actor, ActorLike, record, snapshot
from servicehall.core import clock
from servicehall.errors import Problem, RuleViolation, check_phone, length_problems
from servicehall.rules import assessment
from servicehall.rules.abposts import assignment_problem_texts, missing_items
from servicehall.rules.arrangement import unsettled_holidays
from servicehall.rules.identity import IdNumberError, validate_id_number

from . import assignments
from .choices import Role
from .models import (
    BEGINNING,
    CalendarDay,
    CalendarYear,
    Center,
    Department,
    Policy,
    Post,
    PostAssignment,
    Staff,
    StaffRole,
    Window,
)
from .people import named
from .permissions import Forbidden, Target, authorize, check_admin_duties, is_unlimited

M = TypeVar("M", bound=models.Model)

# A code names its record in page addresses (/manage/catalog/departments/<code>/): a slash in it made the
# catalog page fail for everyone and left the record unreachable, a space reads as two codes.
_CODE_BREAKS = re.compile(r"[\s/\\]")


def code_problems(code: str, field: str = "code") -> list[Problem]:
    """A code with a space or a slash is refused: it could not be opened from the pages (ORG-1)."""
    if code and _CODE_BREAKS.search(code):
        return [Problem.of(field, "a code has no spaces or slashes: %(code)s (ORG-1)", code=code)]
    return []


POLICY_FIELDS = [
    f.name for f in Policy._meta.concrete_fields if f.name not in ("id", "center")
]


def upsert(actor: Actor, model: type[M], lookup: dict[str, Any], values: dict[str, Any],
           action: str | None = None) -> tuple[M, bool]:
    """Create or update one row, auditing only a real change. Returns (object, changed).

    Text longer than its field is refused with the limit, never cut (issue 17).
    """
    too_long = length_problems(model, values)
    if too_long:
        raise RuleViolation(too_long)
    obj = model._default_manager.filter(**lookup).first()
    name = model._meta.model_name
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        record(actor, action or f"{name}.create", obj, None, snapshot(obj))
        return obj, True
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if not changed:
        return obj, False
    before = snapshot(obj, list(changed))
    for k, v in changed.items():
        setattr(obj, k, v)
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()
    record(actor, action or f"{name}.update", obj, before, snapshot(obj, list(changed)))
    return obj, True


def _set_m2m(actor: Actor, obj: models.Model, attr: str, targets: Iterable[models.Model]) -> bool:
    manager = getattr(obj, attr)
    new = {t.pk: t for t in targets}
    old = set(manager.values_list("pk", flat=True))
    if old == set(new):
        return False
    labels = dict(manager.model.objects.filter(pk__in=old | set(new)).values_list("pk", "code"))
    manager.set(list(new.values()))
    record(actor, f"{obj._meta.model_name}.{attr}", obj,
           {attr: sorted(labels[p] for p in old)}, {attr: sorted(labels[p] for p in new)})
    return True


# -- centers -----------------------------------------------------------------
@transaction.atomic
def save_center(actor: ActorLike, code: str, name: str, *, policy: dict[str, Any] | None = None, **fields: Any) -> Center:
    """Create or update a center (ORG-1) and its policy (settings are data).

    A new center is set up by the installation's operator (a command or a superuser); its system
    administrator changes it and its settings afterwards (SEC-5, SEC-6).
    """
    actor = Actor.of(actor)
    existing = Center.objects.filter(code=code).first() if code else None
    if existing is None:
        if not is_unlimited(actor):
            raise Forbidden("org.edit", gettext_lazy("A new center is set up by the installation's operator."))
    else:
        authorize(actor, "policy.edit" if policy else "org.edit", Target(existing))
    problems: list[Problem] = []
    if not code:
        problems.append(Problem("center.code", "a center needs a code"))
    if not name:
        problems.append(Problem("center.name", "a center needs a name"))
    policy = dict(policy or {})
    unknown = sorted(set(policy) - set(POLICY_FIELDS))
    for key in unknown:
        problems.append(Problem(f"center.policy.{key}", "unknown setting"))
    if "sessions" in policy:
        problems.extend(_session_problems(policy["sessions"]))
    problems.extend(policy_range_problems(policy))
    if policy.get("ladder_window", "calendar") not in ("calendar", "rolling"):
        problems.append(Problem("center.policy.ladder_window", "calendar or rolling (NV-8)"))
    for key, check in (("assessment_points", assessment.table_problems),
                       ("assessment_grades", assessment.grades_problems)):
        if key in policy:
            problems.extend(Problem.of(f"center.policy.{key}.{k}" if k != key else f"center.policy.{key}",
                                       "%(why)s (ASM-2)", why=msg) for k, msg in check(policy[key]))
    if "inspection_kinds" in policy:  # ATT-5, ASM-3: codes unique, names given
        problems.extend(Problem.of(f"center.policy.{k}", "%(why)s (ATT-5)", why=msg)
                        for k, msg in assessment.inspection_kinds_problems(policy["inspection_kinds"]))
    if problems:
        raise RuleViolation(problems)
    center, _ = upsert(actor, Center, {"code": code}, {"name": name, **fields})
    pol = Policy.objects.filter(center=center).first()
    if pol is None:
        pol = Policy(center=center)
        pol.save()
        record(actor, "policy.create", pol, None, snapshot(pol))
    if policy:
        upsert(actor, Policy, {"center": center}, policy)
    return center


# A setting outside its range would break the rule it serves (issue 17 item 2): e.g. ``b_max_posts`` 0 makes every
# post's B invalid, ``notice_max_days`` 0 makes every written notice late. Each: (lowest, highest, rule, why).
POLICY_RANGES: dict[str, tuple[int, int, str, Any]] = {
    "clock_in_grace": (0, 60, "ATT-1, NV-11", gettext_lazy("0 counts every uncovered minute as a vacancy")),
    "arrive_early_minutes": (0, 60, "ATT-1", gettext_lazy("minutes before the session")),
    "pause_grace_minutes": (0, 120, "NV-5", gettext_lazy("one pause's allowance")),
    "pause_daily_minutes": (0, 480, "NV-5", gettext_lazy("the day's pauses together")),
    "handover_lead_days": (1, 30, "NV-3", gettext_lazy("a handover is registered at least one day before")),
    "notice_max_days": (1, 5, "CASE-3", gettext_lazy("the Administrative Licensing Law allows at most 5 working days")),
    "yellow_at": (1, 100, "CASE-11", gettext_lazy("a percentage of the limit")),
    "bad_rating_days": (1, 15, "EVAL-2", gettext_lazy("national practice answers a poor rating within 15 working days")),
    "b_max_posts": (1, 20, "ORG-3", gettext_lazy("every post needs a B; 0 would leave none valid")),
    "ab_small_pool": (1, 50, "ORG-3", gettext_lazy("the size of a group that covers only itself")),
    "starve_minutes": (1, 240, "Q-2", gettext_lazy("how long others wait before they go ahead of the green channel")),
    "device_backfill_hours": (1, 168, "ATT-1", gettext_lazy("an offline terminal's events are accepted this far back")),
    "notify_ahead": (1, 50, "Q-7", gettext_lazy("a phone ticket is told when this many people are ahead")),
    "no_show_limit": (1, 3650, "Q-8", gettext_lazy("no-shows within 90 days that block new bookings")),
    "no_show_block_days": (1, 3650, "Q-8", gettext_lazy("days a block on new bookings lasts")),
    "inquiry_transfer_days": (1, 30, "FIR-4", gettext_lazy("a transferred inquiry is closed within these working days")),
    "digest_hour": (12, 23, "NV-1", gettext_lazy("the day's alerts are summed up in the afternoon or evening")),
}


def policy_range_problems(policy: dict[str, Any]) -> list[Problem]:
    """Each number of ``policy`` within its range (:data:`POLICY_RANGES`), refused with the reason; a daily
    pause allowance shorter than one pause's would make the one unreachable (NV-5)."""
    problems: list[Problem] = []
    for key, value in policy.items():
        if key not in POLICY_RANGES:
            if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= 32767:
                problems.append(Problem(f"center.policy.{key}", "a whole number from 0 to 32767"))
            continue
        low, high, rule, why = POLICY_RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append(Problem.of(f"center.policy.{key}", "a whole number from %(low)s to %(high)s: %(why)s "
                                       "(%(rule)s)", low=low, high=high, why=why, rule=rule))
    grace, daily = policy.get("pause_grace_minutes"), policy.get("pause_daily_minutes")
    if isinstance(grace, int) and isinstance(daily, int) and daily < grace:
        problems.append(Problem.of("center.policy.pause_daily_minutes", "at least one pause's allowance "
                                   "(%(grace)s minutes): the day's pauses include the first one (NV-5)", grace=grace))
    return problems


def _session_problems(sessions: Any) -> list[Problem]:
    problems = []
    if not isinstance(sessions, list) or not sessions:
        return [Problem("center.sessions", "opening sessions are a list of [start, end] pairs (ATT-1)")]
    last_end = None
    for i, pair in enumerate(sessions):
        try:
            start, end = (dt.time.fromisoformat(x) for x in pair)
        except (TypeError, ValueError):
            problems.append(Problem.of(f"center.sessions[{i}]", "%(pair)s is not a pair of HH:MM times (ATT-1)", pair=f"{pair!r}"))
            continue
        if end <= start:
            problems.append(Problem(f"center.sessions[{i}]", "a session ends after it starts (ATT-1)"))
        if last_end and start < last_end:
            problems.append(Problem(f"center.sessions[{i}]", "sessions are in order and do not overlap (ATT-1)"))
        last_end = end
    return problems


def get_center(code: str) -> Center:
    center = Center.objects.filter(code=code).first()
    if center is None:
        raise RuleViolation(Problem.of("center", "unknown center %(code)s", code=f"{code!r}"))
    return center


@transaction.atomic
def save_department(actor: ActorLike, center: Center, code: str, name: str, **fields: Any) -> Department:
    """A department stationed in the hall (ORG-1)."""
    actor = Actor.of(actor)
    authorize(actor, "org.edit", Target(center))
    if not code or not name:
        raise RuleViolation(Problem("department", "a department needs a code and a name"))
    if bad := code_problems(code):
        raise RuleViolation(bad)
    dept, _ = upsert(actor, Department, {"center": center, "code": code}, {"name": name, **fields})
    return dept


def identity_problems(center: Center, department: str, code: str, name: str, what: str
                      ) -> tuple[Department | None, list[Problem]]:
    """The department a new record belongs to, and what is missing: code, name, a known department."""
    problems: list[Problem] = []
    dept = Department.objects.filter(center=center, code=department).first()
    if dept is None:
        problems.append(Problem.of("department", "unknown department %(department)s", department=f"{department!r}"))
    if not code:
        problems.append(Problem.of("code", "%(what)s needs a code", what=what))
    problems.extend(code_problems(code))
    if not name:
        problems.append(Problem.of("name", "%(what)s needs a name", what=what))
    return dept, problems


def _department(center: Center, code: str, field: str = "department") -> Department:
    dept = Department.objects.filter(center=center, code=code).first()
    if dept is None:
        raise RuleViolation(Problem.of(field, "unknown department %(code)s", code=f"{code!r}"))
    return dept


@transaction.atomic
def save_window(actor: ActorLike, center: Center, code: str, name: str, department: str, **fields: Any) -> Window:
    """A window of the hall, staffed by one department (ORG-1)."""
    actor = Actor.of(actor)
    authorize(actor, "org.edit", Target(center))
    if bad := code_problems(code):
        raise RuleViolation(bad)
    dept = _department(center, department)
    if fields.get("sort") is None and not Window.objects.filter(center=center, code=code).exists():
        # A new window without an order takes its number (``10号窗口``, ``W10``), so windows list 1, 2 … 10 and
        # not 1, 10, 2 by their codes; a window with no number goes after the others.
        number = window_number(name) or window_number(code)
        last = Window.objects.filter(center=center).aggregate(m=models.Max("sort"))["m"] or 0
        fields["sort"] = number if number is not None else last + 1
    window, _ = upsert(actor, Window, {"center": center, "code": code},
                       {"name": name, "department": dept, **fields})
    return window


def window_number(text: str) -> int | None:
    """The number a window is called by — the one before 号 (``2楼5号窗口`` → 5), else the last one (``W10`` → 10) —
    or None; a number too long to be a window's is none."""
    found = re.search(r"([0-9]+)\s*号", text or "") or re.search(r"([0-9]+)(?!.*[0-9])", text or "")
    return int(found.group(1)) if found and len(found.group(1)) <= 5 else None


# -- staff ---------------------------------------------------------------------
@transaction.atomic
def save_staff(
    actor: ActorLike,
    center: Center,
    code: str,
    name: str,
    department: str,
    *,
    roles: Iterable[str] = (),
    qualified: Iterable[str] | None = None,
    phone: str = "",
    id_number: str = "",
    **fields: Any,
) -> Staff:
    """A staff member with roles (ORG-2) and item qualifications (ORG-4).

    Withdrawing a qualification that the person needs as B of a post is
    refused (ORG-4): assign another B first. The staff record and qualifications are the system
    administrator's; roles and deactivation the security administrator's (SEC-6 三员分立).
    """
    actor = Actor.of(actor)
    dept, problems = identity_problems(center, department, code, name, "a staff member")
    roles = list(dict.fromkeys(roles))
    combined = check_admin_duties(roles)
    if combined:
        problems.append(Problem.of("roles", "the administrator duties %(combined)s cannot be held by one person "
                                            "(SEC-6 三员分立)", combined=combined))
    for r in roles:
        if r not in Role.values:
            problems.append(Problem.of("roles", "unknown role %(r)s; roles are %(role)s (ORG-2)", r=f"{r!r}", role=', '.join(Role.values)))
    phone = check_phone(phone, problems, required=False)
    if id_number:
        try:
            id_number = validate_id_number(id_number)
        except IdNumberError as exc:
            problems.append(Problem.of("id_number", "%(exc)s (SEC-3)", exc=exc))
    items = None
    if qualified is not None:
        codes = list(dict.fromkeys(qualified))
        items = list(center.items.filter(code__in=codes))  # the center's service items (catalog, above org)
        unknown = sorted(set(codes) - {i.code for i in items})
        if unknown:
            problems.append(Problem.of("qualified", "unknown service items %(unknown)s", unknown=', '.join(unknown)))
        existing = Staff.objects.filter(center=center, code=code).first()
        if existing is not None and not unknown:
            have = set(codes)
            held = [(p.code, {i.code for i in p.items.all()}) for p in existing.b_posts.prefetch_related("items")]
            held += [(asg.post.code, {i.code for i in asg.items.all()}) for asg in PostAssignment.objects.filter(
                b=existing, valid_from__gt=clock.today(center)).select_related("post").prefetch_related("items")]
            for post_code, needs in held:
                missing = sorted(needs - have)
                if missing:
                    problems.append(Problem.of("qualified", "%(existing)s is B of post %(post_code)s, which needs %(missing)s; assign another B first (ORG-4)", existing=existing, post_code=post_code, missing=', '.join(missing)))
    current = Staff.objects.filter(center=center, code=code).first()
    if _record_changes(current, dept, name, phone, id_number, qualified, fields):
        authorize(actor, "org.edit", Target(center, department=dept))
    if (roles and (current is None or set(roles) != set(current.roles.values_list("role", flat=True)))) or (
            "active" in fields and bool(fields["active"]) != (current.active if current else True)):
        authorize(actor, "account.manage", Target(center, department=dept))
    if problems:
        raise RuleViolation(problems)
    staff, _ = upsert(actor, Staff, {"center": center, "code": code},
                      {"name": name, "department": dept, "phone": phone, "id_number": id_number, **fields})
    if current is not None and current.active and not staff.active and staff.user is not None:
        # SEC-6: a deactivated person's sessions end with the change (and their login is refused after it).
        from servicehall.accounts.services import end_sessions

        user = staff.user
        transaction.on_commit(lambda: end_sessions(user))
    if items is not None:
        _set_m2m(actor, staff, "qualified_items", items)
    if roles:
        _set_roles(actor, staff, roles)
    return staff


def _record_changes(current: Staff | None, dept: Department | None, name: str, phone: str, id_number: str,
                    qualified: Iterable[str] | None, fields: dict[str, Any]) -> bool:
    """Whether a save changes the staff record itself (the system administrator's part, SEC-6) rather than
    only roles or activation (the security administrator's)."""
    if current is None:
        return True
    if (current.name, current.department_id, current.phone, current.id_number) != (
            name, dept.pk if dept else None, phone, id_number):
        return True
    if any(getattr(current, k, None) != v for k, v in fields.items() if k != "active"):
        return True
    if qualified is not None and set(qualified) != set(current.qualified_items.values_list("code", flat=True)):
        return True
    return False


def _set_roles(actor: Actor, staff: Staff, roles: list[str]) -> None:
    old = set(staff.roles.values_list("role", flat=True))
    if old == set(roles):
        return
    staff.roles.exclude(role__in=roles).delete()
    for r in roles:
        StaffRole.objects.get_or_create(staff=staff, role=r)
    record(actor, "staff.roles", staff, {"roles": sorted(old)}, {"roles": sorted(roles)})
    if staff.user_id:
        _sync_groups(staff)


def _sync_groups(staff: Staff) -> None:
    """Mirror a staff member's roles into Django groups of the same name (SEC-2)."""
    user = staff.user
    if user is None:
        return
    role_set = set(staff.roles.values_list("role", flat=True))
    groups = [Group.objects.get_or_create(name=r)[0] for r in sorted(role_set)]
    user.groups.set(groups)
    is_office = Role.OFFICE in role_set
    if user.is_staff != is_office:
        user.is_staff = is_office  # the admin is the center office's tool
        user.save(update_fields=["is_staff"])


@transaction.atomic
def create_account(actor: ActorLike, staff: Staff, username: str, password: str, *, must_change: bool | None = None) -> Any:
    """Give a staff member their own account (SEC-1), the password checked as SEC-6 says.

    A password set by someone else must be changed at the person's first login (SEC-6); ``must_change``
    None decides that: yes when another person sets it, no for the operator's command-line jobs (demo,
    imports). Setting the same password again changes nothing.
    """
    actor = Actor.of(actor)
    authorize(actor, "account.manage", Target(staff.center, department=staff.department))
    User = get_user_model()
    problems: list[Problem] = []
    if not username:
        problems.append(Problem("username", "an account needs a user name (SEC-1)"))
    user = staff.user or User.objects.filter(username=username).first()
    if user is not None and getattr(user, "staff", None) not in (None, staff):
        problems.append(Problem.of("username", "%(username)s belongs to someone else: no shared accounts (SEC-1)", username=f"{username!r}"))
    elif user is not None and staff.user_id != user.pk and not is_unlimited(actor):
        # SEC-6: pages never attach an account that exists without a staff record (an operator's or a
        # superuser's); only the installation's operator links those, from the command line.
        problems.append(Problem.of("username", "%(username)s is taken: choose another user name (SEC-1)",
                                   username=f"{username!r}"))
    if user is not None and user.is_superuser and not is_unlimited(actor):
        problems.append(Problem("username", "superusers are not managed from pages (SEC-6)"))
    candidate = user or User(username=username, first_name=staff.name)
    unchanged = user is not None and user.check_password(password)
    if not unchanged:
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as exc:
            problems.extend(Problem("password", m) for m in exc.messages)
    if problems:
        raise RuleViolation(problems)
    if must_change is None:
        must_change = not actor.system and actor.user is not None and (user is None or actor.user.pk != user.pk)
    if user is None:
        user = User(username=username, first_name=staff.name)
        user.set_unusable_password()
        user.save()
        record(actor, "account.create", user, None, {"username": username, "staff": staff.code})
    if not unchanged:
        set_password(actor, user, password, by_admin=must_change)
    if staff.user_id != user.pk:
        staff.user = user
        staff.save(update_fields=["user"])
        record(actor, "staff.account", staff, None, {"user": username})
    _sync_groups(staff)
    return user


# -- photos (ORG-5) --------------------------------------------------------------
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_MAX_SIDE = 4000
PHOTO_KINDS = {"JPEG": ".jpg", "PNG": ".png"}


def _photo_kind(data: bytes) -> str | None:
    """The photo's extension when its bytes are a JPEG or PNG image that decodes, else None (the name and the
    browser's claim are never trusted)."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt, size = img.format, img.size
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    if max(size) > PHOTO_MAX_SIDE or min(size) < 1:
        return None
    return PHOTO_KINDS.get(fmt or "")


@transaction.atomic
def set_staff_photo(actor: ActorLike, staff: Staff, upload: Any) -> Staff:
    """The office uploads a staff member's photo for the identity board, the hall board and the rating pad
    (ORG-5, Q-4): a JPEG or PNG checked by its content, at most ``PHOTO_MAX_BYTES``. A refused photo changes
    nothing; the replaced file is removed once the new one is saved."""
    import hashlib

    from django.core.files.base import ContentFile

    actor = Actor.of(actor)
    authorize(actor, "org.edit", Target(staff.center, department=staff.department))
    size = getattr(upload, "size", None)
    data = b"" if size is not None and size > PHOTO_MAX_BYTES else upload.read(PHOTO_MAX_BYTES + 1)
    name = str(getattr(upload, "name", "") or "photo")[:100]
    if size is not None and size > PHOTO_MAX_BYTES or len(data) > PHOTO_MAX_BYTES:
        raise RuleViolation(Problem.of("photo", "%(name)s: a photo is at most %(mb)s MB (ORG-5)", name=name,
                                       mb=PHOTO_MAX_BYTES // (1024 * 1024)))
    extension = _photo_kind(data) if data else None
    if extension is None:
        raise RuleViolation(Problem.of("photo", "%(name)s: not a readable JPEG or PNG image (ORG-5)", name=name))
    old = staff.photo.name if staff.photo else ""
    digest = hashlib.sha256(data).hexdigest()[:16]
    staff.photo.save(f"{staff.center.code}-{staff.code}-{digest}{extension}", ContentFile(data), save=True)
    record(actor, "staff.photo", staff, {"photo": old}, {"photo": staff.photo.name})
    if old and old != staff.photo.name:
        storage = staff.photo.storage
        transaction.on_commit(lambda: storage.delete(old))
    return staff


# -- posts ---------------------------------------------------------------------
@transaction.atomic
def save_post(
    actor: ActorLike,
    center: Center,
    code: str,
    *,
    window: str,
    a: str,
    b: str,
    items: Iterable[str] = (),
    department: str | None = None,
    name: str = "",
    valid_from: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Post:
    """Create or change a post with its A and B (ORG-3, ORG-4), effective from a date.

    The A, B and items hold from ``valid_from`` until the next change
    (SCENARIO.md ``posts[].from``); without it a new post's first assignment
    holds from the beginning and a change holds from the center's today. An
    entry equal to the assignment already in force on that day changes nothing.
    Days already judged from that date on are re-derived with the new A and B
    (events are the truth; the record follows by recomputation).

    Refused, with every reason, when a reference is unknown, A = B, or B is
    not qualified for every item of the post (the missing items are named).
    """
    actor = Actor.of(actor)
    authorize(actor, "org.edit", Target(center))
    problems: list[Problem] = code_problems(code)
    win = Window.objects.filter(center=center, code=window).select_related("department").first()
    if win is None:
        problems.append(Problem.of("window", "unknown window %(window)s", window=f"{window!r}"))
    dept = None
    if department:
        dept = Department.objects.filter(center=center, code=department).first()
        if dept is None:
            problems.append(Problem.of("department", "unknown department %(department)s", department=f"{department!r}"))
    elif win is not None:
        dept = win.department
    staff = {s.code: s for s in Staff.objects.filter(center=center, code__in=[a, b]).select_related(
        "department").prefetch_related(
        "qualified_items")}
    existing = Post.objects.filter(center=center, code=code).select_related("a", "b").first()
    today = clock.today(center, now)
    if valid_from is None:
        valid_from = BEGINNING if existing is None else today
    elif valid_from < BEGINNING:
        problems.append(Problem.of("from", "%(day)s is before %(first)s", day=valid_from.isoformat(),
                                   first=BEGINNING.isoformat()))
    in_force = assignments.for_post(existing, valid_from, items=True) if existing is not None else None
    for field, ref in (("a", a), ("b", b)):
        unchanged = in_force is not None and getattr(in_force, field).code == ref
        if ref and ref not in staff:
            problems.append(Problem.of(field, "unknown staff %(ref)s", ref=f"{ref!r}"))
        elif ref and not staff[ref].active and not unchanged:
            # Saving an unchanged post again is allowed; the AB check lists the inactive B.
            problems.append(Problem.of(field, "%(staff_ref)s is not active staff (ORG-3)", staff_ref=named(staff[ref])))
    codes = list(dict.fromkeys(items))
    item_objs = list(center.items.filter(code__in=codes))  # the center's service items (catalog, above org)
    unknown = sorted(set(codes) - {i.code for i in item_objs})
    if unknown:
        problems.append(Problem.of("items", "unknown service items %(unknown)s", unknown=', '.join(unknown)))
    b_quals = [i.code for i in staff[b].qualified_items.all()] if b in staff else []
    for field, text, values in assignment_problem_texts(a or None, b or None, codes, b_quals):
        if field == "b" and b and b not in staff:
            continue  # already reported as unknown
        if values.get("staff") in staff:  # the person by name, not their staff number (issue 17 item 1)
            values = values | {"staff": named(staff[values["staff"]])}
        if "items" in values:  # the items by their names, joined by 、 (issue 17 item 1)
            names = {i.code: i.name for i in item_objs}
            values = values | {"items": "、".join(names.get(c) or c for c in missing_items(codes, b_quals))}
        problems.append(Problem.of(field, text, **values))
    if problems:
        raise RuleViolation(problems)
    first = existing is None
    fields: dict[str, Any] = {"window": win, "department": dept, "name": name}
    if first:
        fields |= {"a": staff[a], "b": staff[b]}  # the mirror, set right below from the assignments
    post, _ = upsert(actor, Post, {"center": center, "code": code}, fields)
    wanted = (staff[a].pk, staff[b].pk, {i.pk for i in item_objs})
    if in_force is None or (in_force.a_id, in_force.b_id, {i.pk for i in in_force.items.all()}) != wanted:
        _assign(actor, post, valid_from, staff[a], staff[b], item_objs)
        sync_post(post, today)
        if (not first or valid_from > BEGINNING) and valid_from <= today:
            # Days already judged from that date on follow (duty listens; org does not import duty).
            assignments.changed.send(sender=PostAssignment, center=center, post=post, day=valid_from, now=now)
    return post


def _assign(actor: Actor, post: Post, valid_from: dt.date, a: Staff, b: Staff, items: list[Any]) -> PostAssignment:
    """Write the assignment that holds from ``valid_from`` (replacing one of the same day), audited."""
    row = PostAssignment.objects.filter(post=post, valid_from=valid_from).first()
    before = None
    if row is None:
        row = PostAssignment(post=post, valid_from=valid_from, a=a, b=b)
    else:
        before = {**snapshot(row, ["a", "b"]), "items": sorted(row.items.values_list("code", flat=True))}
        row.a, row.b = a, b
    row.save()
    row.items.set(items)
    after = {"valid_from": valid_from.isoformat(), "a": a.code, "b": b.code, "items": sorted(i.code for i in items)}
    record(actor, "post.assignment", post, before, after)
    return row


def sync_post(post: Post, today: dt.date) -> bool:
    """Make the post's own A, B and items mirror the assignment in force ``today`` (the present-time pages).

    Before a new post's first assignment starts, they mirror that first one. Returns whether anything changed.
    """
    asg = assignments.for_post(post, today, items=True) or (
        PostAssignment.objects.filter(post=post).order_by("valid_from").prefetch_related("items").first())
    if asg is None:
        return False
    changed = False
    if (post.a_id, post.b_id) != (asg.a_id, asg.b_id):
        post.a_id, post.b_id = asg.a_id, asg.b_id
        post.save(update_fields=["a", "b"])
        changed = True
    want = {i.pk for i in asg.items.all()}
    if set(post.items.values_list("pk", flat=True)) != want:
        post.items.set(list(asg.items.all()))
        changed = True
    return changed


def sync_center(center: Center, today: dt.date) -> int:
    """Mirror today's assignments into every post of the center (a future change takes effect); returns how many changed."""
    held = assignments.on(center, today, items=True)
    changed = 0
    for post in Post.objects.filter(center=center, pk__in=list(held)).prefetch_related("items"):
        asg = held[post.pk]
        if ((post.a_id, post.b_id, {i.pk for i in post.items.all()})
                != (asg.a_id, asg.b_id, {i.pk for i in asg.items.all()})):
            changed += sync_post(post, today)
    return changed


# -- calendar --------------------------------------------------------------------
def _bump_calendar(center: Center) -> None:
    Center.objects.filter(pk=center.pk).update(calendar_version=models.F("calendar_version") + 1)
    center.refresh_from_db(fields=["calendar_version"])


@transaction.atomic
def save_calendar_day(actor: ActorLike, center: Center, day: dt.date, workday: bool, note: str = "") -> CalendarDay:
    """A center's own extra working day or day off (CASE-5).

    The day's year must be covered, officially or by an entered year: a lone
    row cannot stand for a whole year's arrangement.
    """
    from .calendar import covered_years

    actor = Actor.of(actor)
    authorize(actor, "calendar.edit", Target(center))
    if day.year not in covered_years(center):
        raise RuleViolation(Problem.of("date", "%(day_isoformat)s: no calendar for year %(day_year)s; enter that year's arrangement first (CASE-5)", day_isoformat=day.isoformat(), day_year=day.year))
    obj, changed = upsert(actor, CalendarDay, {"center": center, "date": day}, {"workday": workday, "note": note})
    if changed:
        _bump_calendar(center)
    return obj


@transaction.atomic
def enter_calendar_year(actor: ActorLike, center: Center, year: int, days: Iterable[tuple[dt.date, bool, str]],
                        source: str = "") -> CalendarYear:
    """Enter a whole year's arrangement (CASE-5): the listed days off and makeup working days.

    Other days follow the week (Monday-Friday work). Entering the year again
    replaces its rows. Nothing is guessed: a year counts as entered only from a full arrangement, one whose
    days off name each of the seven public holidays (rules.arrangement.HOLIDAYS) in their notes; a partial
    one (a single pasted line) is refused, for every caller (pages, import, API).
    """
    actor = Actor.of(actor)
    authorize(actor, "calendar.edit", Target(center))
    days = list(days)
    problems = [
        Problem.of(f"days[{i}]", "%(d_isoformat)s is not in %(year)s", d_isoformat=d.isoformat(), year=year) for i, (d, _w, _n) in enumerate(days)
        if d.year != year
    ]
    if not 2000 <= year <= 2100:
        problems.append(Problem.of("year", "%(year)s is not a plausible year", year=year))
    missing = unsettled_holidays(days)
    if missing:
        problems.append(Problem.of(
            "days", "the arrangement for %(year)s does not settle %(missing)s: a year counts as entered only "
                    "from its full arrangement, every public holiday named by its days off (CASE-5)",
            year=year, missing="、".join(missing)))
    seen: dict[dt.date, bool] = {}
    for i, (d, w, _n) in enumerate(days):
        if d in seen and seen[d] != w:
            problems.append(Problem.of(f"days[{i}]", "%(d_isoformat)s is listed both as a day off and a working day", d_isoformat=d.isoformat()))
        seen[d] = w
    if problems:
        raise RuleViolation(problems)
    cy, year_changed = upsert(actor, CalendarYear, {"center": center, "year": year}, {"source": source})
    existing = {c.date: c for c in CalendarDay.objects.filter(center=center, date__year=year)}
    wanted = {d: (w, n) for d, w, n in days}
    changed = False
    for d, row in existing.items():
        if d not in wanted:
            record(actor, "calendarday.delete", row, snapshot(row), None)
            row.delete()
            changed = True
    for d, (w, n) in sorted(wanted.items()):
        _row, c = upsert(actor, CalendarDay, {"center": center, "date": d}, {"workday": w, "note": n})
        changed = changed or c
    if changed or year_changed:
        _bump_calendar(center)
    return cy


@transaction.atomic
def note_calendar_days(actor: ActorLike, center: Center, year: int, days: Iterable[tuple[dt.date, bool, str]],
                       source: str = "") -> int:
    """Keep the rows of a year whose arrangement is not complete yet (CASE-5), without entering the year.

    An import may carry a few days of a year the official package lacks (SCENARIO.md's example has one
    元旦 row). They are kept, audited, but the year stays uncovered: a question about any day of it is
    still an error naming the year, never a guess, until the office enters the full arrangement (which
    replaces these rows). Returns the number of rows kept.
    """
    from .calendar import covered_years

    actor = Actor.of(actor)
    authorize(actor, "calendar.edit", Target(center))
    days = list(days)
    problems = [Problem.of(f"days[{i}]", "%(d_isoformat)s is not in %(year)s", d_isoformat=d.isoformat(), year=year)
                for i, (d, _w, _n) in enumerate(days) if d.year != year]
    if year in covered_years(center):
        problems.append(Problem.of("year", "%(year)s is already covered: save its days one by one (CASE-5)",
                                   year=year))
    if problems:
        raise RuleViolation(problems)
    changed = False
    for d, w, n in days:
        _row, c = upsert(actor, CalendarDay, {"center": center, "date": d}, {"workday": w, "note": n})
        changed = changed or c
    if changed:
        _bump_calendar(center)  # the rows are kept, not used: the built calendar ignores an uncovered year's rows
    return len(days)


# -- what leaves the building (issue 16): SMS templates and the outbox's dead letters ---------------------------

@transaction.atomic
def save_sms_template(actor: ActorLike, center: Center, key: str, text: str) -> Any:
    """The office's wording of one SMS (issue 16 item 8): every placeholder known for the message, every
    required one present, checked before anything is saved."""
    from servicehall.core import sms
    from servicehall.core.models import SmsTemplate

    actor = Actor.of(actor)
    authorize(actor, "sms.template.edit", Target(center))
    text = (text or "").strip()
    try:
        sms.check(key, text)
    except sms.TemplateError as exc:
        raise RuleViolation(Problem.of(exc.field, exc.template, **exc.params)) from exc
    row, _changed = upsert(actor, SmsTemplate, {"center": center, "key": key}, {"text": text})
    return row


@transaction.atomic
def resend_dead(actor: ActorLike, center: Center, ids: Iterable[int] | None = None) -> int:
    """Send dead letters of the center's outbox again (all of them, or those of ``ids``): queued now, their
    document ids unchanged so the receiver recognises a resend. How many were requeued."""
    from servicehall.core import outbox
    from servicehall.core.models import OutboxMessage, OutboxStatus

    actor = Actor.of(actor)
    authorize(actor, "outbox.resend", Target(center))
    rows = OutboxMessage.objects.select_for_update().filter(center=center, status=OutboxStatus.DEAD)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    count = 0
    for message in rows:
        outbox.requeue(message)
        record(actor, "outbox.resend", message, None, {"doc_id": message.doc_id, "channel": message.channel})
        count += 1
    return count


@transaction.atomic
def set_muted_kinds(actor: ActorLike, staff: Staff, kinds: Iterable[str]) -> list[str]:
    """A person's own choice of the alert kinds they only need in the daily digest (issue 17 item 3): muted
    kinds are not pushed nor shown as new. Only oneself: it touches no one else's work (no permission row)."""
    from servicehall.core.models import MutedKind
    from servicehall.core.notify import mutable_kinds

    actor = Actor.of(actor)
    me = actor.staff or getattr(actor.user, "staff", None)
    if me is None or me.pk != staff.pk:
        raise Forbidden("alerts.mute", gettext_lazy("Each person chooses their own alerts."))
    allowed = mutable_kinds()
    chosen = sorted(set(kinds))
    bad = [k for k in chosen if k not in allowed]
    if bad:
        raise RuleViolation([Problem.of("kinds", "%(kind)s is not a kind of alert that can be muted",
                                        kind=k[:40]) for k in bad])
    before = sorted(MutedKind.objects.filter(staff=staff).values_list("kind", flat=True))
    if before != chosen:
        MutedKind.objects.filter(staff=staff).exclude(kind__in=chosen).delete()
        MutedKind.objects.bulk_create([MutedKind(staff=staff, kind=k) for k in chosen if k not in before])
        record(actor, "alerts.mute", staff, {"muted": before}, {"muted": chosen})
    return chosen
