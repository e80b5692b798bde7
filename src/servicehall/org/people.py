"""People lists that fit the person who picks (issue 17 item 1; ORG-3, ORG-4, NV-7, SEC-5).

One helper for every pick of a person — a post's A and B, a stand-in, a complaint's target, who is held
accountable, whom an inquiry or a case is passed to, whose leave the office files:

    pickable(actor, center, action=..., department=..., qualified_for_post=..., window=...) -> People

offers only the people the actor may pick: active staff of the center, within the actor's scope for
``action`` (SEC-5: a department's leaders and clerks their own department), and — where a rule asks it — only
those qualified for every item of a post (ORG-4, NV-7). The people come grouped by department, the actor's
(or the window's) department first, the window's own people (its A and B) first within it. Each person
carries the windows they serve, the posts they are qualified for and their items, so a page can narrow the
list in the browser when a window, a post or items are chosen (site.js ``data-people``).

The services refuse what the list would not offer with :func:`why_not`, naming the person by name (never a
bare staff number) — a list is only a help, the service is the door.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _

from servicehall.errors import Problem, RuleViolation
from servicehall.rules.abposts import missing_items

from .models import Center, Department, Post, Staff, Window
from .permissions import Scope, person_of, scope_of, windows_of


@dataclass(frozen=True)
class Pick:
    """One person as a list shows them: by name and department; the number only for searching."""

    pk: int
    code: str
    name: str
    department: str
    department_code: str
    windows: tuple[str, ...] = ()  # codes of the windows where they are A or B (ORG-3)
    posts: tuple[str, ...] = ()  # codes of the posts whose every item they are qualified for (ORG-4)
    items: tuple[str, ...] = ()  # codes of the items they are qualified for
    active: bool = True

    @property
    def label(self) -> str:
        if self.active:
            return f"{self.name}（{self.department}）"
        left = _("has left")
        return f"{self.name}（{self.department}，{left}）"

    @property
    def search(self) -> str:
        return f"{self.name} {self.code} {self.department}"


@dataclass(frozen=True)
class Group:
    """The people of one department, as an ``<optgroup>``."""

    department: str
    code: str
    people: tuple[Pick, ...]


@dataclass(frozen=True)
class People:
    """A grouped list of the people one may pick, with the values chosen (``chosen``)."""

    groups: tuple[Group, ...]
    selected: frozenset[str] = field(default_factory=frozenset)

    def __iter__(self):
        for group in self.groups:
            yield from group.people

    def __contains__(self, person: object) -> bool:
        code = person.code if isinstance(person, Staff) else person
        return any(p.code == code for p in self)

    def __len__(self) -> int:
        return sum(len(g.people) for g in self.groups)

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self]

    def without(self, pk: int | None) -> People:
        """The same list without one person (the one a replacement replaces)."""
        return replace(self, groups=tuple(replace(g, people=tuple(p for p in g.people if p.pk != pk))
                                          for g in self.groups))

    def chosen(self, values: str | Iterable[str] | None) -> People:
        """The same list with ``values`` (a code or several) selected."""
        if values is None:
            picked: frozenset[str] = frozenset()
        elif isinstance(values, str):
            picked = frozenset([values]) if values else frozenset()
        else:
            picked = frozenset(v for v in values if v)
        return replace(self, selected=picked)


def named(staff: Staff) -> str:
    """A person in a message: name and department (issue 17: names, not staff numbers)."""
    return f"{staff.name}（{staff.department.name}）"


def _limit(actor: Any, center: Center, action: str | None) -> tuple[bool, int | None, set[int] | None]:
    """(anyone at all, only this department id, only these person ids) for ``action`` (SEC-5), read as
    ``permissions`` reads the scopes: a department's scope its department, a window's scope the people of the
    actor's windows (their A and B, ``windows_of``) and the actor, one's own scope the actor alone."""
    if action is None:
        return True, None, None
    scope, person = scope_of(actor, action, center)
    if scope is None:
        return False, None, None
    if scope >= Scope.CENTER or person is None:
        return True, None, None
    if scope >= Scope.DEPARTMENT:
        return True, person.department_id, None
    if scope >= Scope.WINDOW:
        mine = windows_of(person)
        ids = {pk for a, b in Post.objects.filter(window_id__in=mine).values_list("a_id", "b_id") for pk in (a, b)}
        return True, None, {i for i in ids if i is not None} | {person.pk}
    return True, None, {person.pk}


def _items_of_posts(center: Center) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for code, item in Post.objects.filter(center=center).values_list("code", "items__code"):
        out.setdefault(code, set())
        if item:
            out[code].add(item)
    return out


def pickable(actor: Any, center: Center, *, action: str | None = None, department: Department | None = None,
             qualified_for_post: Post | None = None, window: Window | None = None,
             exclude: Iterable[Staff | None] = (), only_department: bool = False,
             roles: Iterable[str] | None = None, departments: Iterable[Department] | None = None,
             former: bool = False) -> People:
    """The people ``actor`` may pick in ``center`` (issue 17 item 1).

    ``action``: the permission whose scope limits the list (SEC-5); ``department``: its people first (only
    them with ``only_department``); ``qualified_for_post``: only those qualified for every item of that post
    (ORG-4, NV-7); ``window``: its A and B first, its department next; ``exclude``: people never offered
    (the actor themself as their own transfer, A as their own B); ``roles``: only holders of one of these roles (ORG-2);
    ``departments``: only people of these departments (a case's handling departments, CASE-8); ``former``: people
    who have left too, marked so (a complaint or accountability about what they did here, CMP-3, CMP-5).
    """
    anyone, dept_only, ids_only = _limit(actor, center, action)
    if not anyone:
        return People(())
    qs = Staff.objects.filter(center=center).select_related("department")
    if not former:
        qs = qs.filter(active=True)
    if dept_only is not None:
        qs = qs.filter(department_id=dept_only)
    if ids_only is not None:
        qs = qs.filter(pk__in=ids_only)
    if departments is not None:
        qs = qs.filter(department__in=list(departments))
    if roles is not None:
        qs = qs.filter(roles__role__in=list(roles)).distinct()
    if only_department and department is not None:
        qs = qs.filter(department=department)
    gone = [s.pk for s in exclude if s is not None]
    if gone:
        qs = qs.exclude(pk__in=gone)
    people = list(qs.prefetch_related("qualified_items"))
    quals = {s.pk: {i.code for i in s.qualified_items.all()} for s in people}
    post_items = _items_of_posts(center)
    if qualified_for_post is not None:
        need = post_items.get(qualified_for_post.code, set())
        people = [s for s in people if not missing_items(need, quals[s.pk])]
    windows: dict[int, set[str]] = {}
    for a, b, code in Post.objects.filter(center=center).values_list("a_id", "b_id", "window__code"):
        windows.setdefault(a, set()).add(code)
        windows.setdefault(b, set()).add(code)
    me = person_of(actor)
    first_dept = (department.pk if department is not None else window.department_id if window is not None
                  else me.department_id if me is not None and me.center_id == center.pk else None)
    by_dept: dict[int, list[Pick]] = {}
    depts: dict[int, Department] = {}
    for s in people:
        depts[s.department_id] = s.department
        by_dept.setdefault(s.department_id, []).append(Pick(
            s.pk, s.code, s.name, s.department.name, s.department.code,
            windows=tuple(sorted(windows.get(s.pk, ()))),
            posts=tuple(sorted(p for p, need in post_items.items() if not missing_items(need, quals[s.pk]))),
            items=tuple(sorted(quals[s.pk])), active=s.active))
    here = window.code if window is not None else None
    groups = []
    for dept_id in sorted(depts, key=lambda d: (d != first_dept, depts[d].sort, depts[d].code)):
        picks = sorted(by_dept[dept_id], key=lambda p: (not p.active, here not in p.windows, p.code))
        groups.append(Group(depts[dept_id].name, depts[dept_id].code, tuple(picks)))
    return People(tuple(groups))


def why_not(actor: Any, center: Center, field_name: str, staff: Staff, *, action: str | None = None,
            items: Iterable[str] | None = None, roles: Iterable[str] | None = None,
            departments: Iterable[Department] | None = None, former: bool = False) -> Problem | None:
    """Why ``actor`` may not pick ``staff`` here, naming the person (issue 17 item 1), or None.

    The same filters as :func:`pickable`: the center, active (``former`` also takes people who have left — a
    complaint or an accountability record about what they did while here, CMP-3, CMP-5), the actor's scope for
    ``action`` (SEC-5), a holder of one of ``roles``, of one of ``departments``, and qualified for every one of
    ``items`` (ORG-4, NV-7).
    """
    who = named(staff)
    if staff.center_id != center.pk:
        return Problem.of(field_name, "%(person)s is not on the staff of this center (SEC-5)", person=who)
    if not staff.active and not former:
        return Problem.of(field_name, "%(staff_ref)s is not active staff (ORG-3)", staff_ref=who)
    anyone, dept_only, ids_only = _limit(actor, center, action)
    if not anyone or (dept_only is not None and staff.department_id != dept_only) or (
            ids_only is not None and staff.pk not in ids_only) or (
            departments is not None and staff.department_id not in {d.pk for d in departments}):
        return Problem.of(field_name, "%(person)s is outside the people you may pick (SEC-5)", person=who)
    if roles is not None and not staff.roles.filter(role__in=list(roles)).exists():
        return Problem.of(field_name, "%(person)s is outside the people you may pick (SEC-5)", person=who)
    if items is not None:
        missing = missing_items(items, staff.qualified_items.values_list("code", flat=True))
        if missing:
            return Problem.of(field_name, "%(person)s is not qualified for items %(items)s (ORG-4)", person=who,
                              items=item_names(center, missing))
    return None


def item_names(center: Center, codes: Iterable[str]) -> str:
    """Service items in a message by their names, joined by 、 (issue 17 item 1: names, not codes); a code the
    center does not know stays as it is."""
    wanted = sorted(set(codes))
    names = dict(center.items.filter(code__in=wanted).values_list("code", "name"))
    return "、".join(names.get(c) or c for c in wanted)


def by_code(center: Center, code: str) -> Staff | None:
    """The center's person with this staff number, any state (a refusal then names them)."""
    return Staff.objects.filter(center=center, code=code).select_related("department").first() if code else None


def picked_in_form(center: Center, field_name: str, code: str | None) -> Staff:
    """As :func:`named_in_form` for a field that must name someone: none chosen is refused too."""
    person = named_in_form(center, field_name, code)
    if person is None:
        raise RuleViolation(Problem(field_name, "choose the person"))
    return person


def named_in_form(center: Center, field_name: str, code: str | None) -> Staff | None:
    """The center's person a form's field names by staff number, None when it names nobody; a number not on
    the center's staff is refused, never taken as "nobody" (issue 17 item 1)."""
    code = (code or "").strip()
    if not code:
        return None
    person = by_code(center, code)
    if person is None:
        raise RuleViolation(Problem.of(field_name, "unknown staff %(ref)s", ref=f"{code!r}"))
    return person


__all__ = ["Group", "People", "Pick", "by_code", "item_names", "named", "named_in_form", "pickable", "picked_in_form",
           "why_not"]
