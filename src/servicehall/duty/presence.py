"""Who is at the window now — 窗口在岗状态与去向公示 (NV-2, NV-5, NV-7, ORG-6).

One read, called by the hall board (page and API), the whereabouts list and
the queue. A post's state at a moment is derived from the same facts as its
vacancies — ``engine.gather``, ``engine.person_day``, ``engine.post_day`` and
the rules in ``rules/coverage.py`` — and the vacant minutes are the vacancy
runs themselves, waivers applied (``engine.runs_for``). So the board shows
``vacant`` exactly where the vacancy record counts a vacancy, and since the
start of that stretch of the record.

States, in the board's order of precedence at a minute of opening hours:
``a`` A serving; ``b`` B covering (B serving, A not); ``stand_in`` a stand-in
assigned for that minute serving (NV-7); ``paused`` A, B or the stand-in
behind a pause within its grace (NV-5); ``vacant`` a vacancy of the record;
``unrecorded`` nobody there but no vacancy counted — the day has no clock
data yet, or the office waived those minutes (NV-6). Outside opening hours,
on a day that is not a working day (outside the window's extended sessions, ATT-4), or in a year without a calendar:
``closed``.

A state's ``since`` is the start of the stretch in which the post has been in
that state with the same person.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from servicehall.core import clock
from servicehall.org import assignments
from servicehall.org.models import Center, Post, Staff, Window
from servicehall.rules.coverage import Interval, available, intersect, normalise, subtract

from . import engine
from .models import AwayKind, Event, EventType

__all__ = ["State", "PostState", "WindowState", "Whereabouts", "window_state", "hall_state", "staff_whereabouts",
           "covering", "Standing", "standing_at"]


class State(models.TextChoices):
    """What the hall board shows for a window post (NV-2, NV-5, NV-7)."""

    A = "a", _("A on duty")
    B = "b", _("B covering")
    STAND_IN = "stand_in", _("Stand-in")
    PAUSED = "paused", _("Paused")
    VACANT = "vacant", _("Vacant")
    CLOSED = "closed", _("Closed")
    UNRECORDED = "unrecorded", _("Not yet recorded")


# A window with several posts shows the most pressing of its posts' states.
_PRESSING: list[str] = [State.VACANT, State.UNRECORDED, State.PAUSED, State.STAND_IN, State.B, State.A, State.CLOSED]


@dataclass(frozen=True)
class PostState:
    """One post at a moment: its state, who is there and since when."""

    post: Post
    state: str
    staff: Staff | None
    since: dt.datetime | None  # aware; None when closed
    at: dt.datetime

    @property
    def window(self) -> Window:
        return self.post.window

    @property
    def person(self) -> Staff | None:
        return self.staff

    @property
    def label(self) -> str:
        return str(State(self.state).label)

    @property
    def minutes(self) -> int | None:
        """Whole minutes in this state so far."""
        return int((self.at - self.since).total_seconds() // 60) if self.since is not None else None


@dataclass(frozen=True)
class WindowState:
    """A window at a moment: the most pressing state of its posts, who is there, since when, and each post."""

    window: Window
    state: str
    staff: Staff | None
    since: dt.datetime | None
    posts: tuple[PostState, ...]
    at: dt.datetime

    @property
    def vacant_since(self) -> dt.datetime | None:
        return self.since if self.state == State.VACANT else None

    @property
    def label(self) -> str:
        return str(State(self.state).label)


@dataclass(frozen=True)
class Whereabouts:
    """去向公示 (ORG-6): where a window person is at a moment.

    ``place``: ``window`` (at the center, not paused), ``paused`` (暂停办理), ``leave``, ``meeting``,
    ``training``, ``business``, ``away`` (away of no named kind), ``absent`` (not at the center).
    """

    staff: Staff
    place: str
    since: dt.datetime | None
    here: bool  # clocked in and not on leave or away


# -- the derivation ---------------------------------------------------------------------------
def _stretches(facts: engine.DayFacts, post: Post, staff_by_id: dict[int, Staff], opening: list[Interval],
               judge: bool) -> list[tuple[str, int | None, list[Interval]]]:
    """The post's day (up to the moment) cut into stretches of one state and one person, disjoint."""
    policy = facts.center.policy
    grace, daily = policy.pause_grace_minutes, policy.pause_daily_minutes
    day = engine.post_day(facts, post, staff_by_id, opening)
    asg = engine.held(facts, post)  # who holds the post on this day (ORG-3), not the post's current A and B
    people = [(State.A, asg.a_id, day.a, opening), (State.B, asg.b_id, day.b, opening)]
    for (staff_id, _s, _e), si in zip(facts.stand_ins.get(post.pk, []), day.stand_ins, strict=True):
        people.append((State.STAND_IN, staff_id, si.person, intersect(opening, [(si.start, si.end)])))
    taken: list[Interval] = []
    out: list[tuple[str, int | None, list[Interval]]] = []
    for state, sid, person, span in people:  # serving: available and not pausing
        serving = subtract(subtract(available(person, span, grace, daily, opening), person.pauses), taken)
        out.append((state, sid, serving))
        taken = normalise(taken + serving)
    for _state, sid, person, span in people:  # paused within grace: the post is held (NV-5)
        held = subtract(intersect(available(person, span, grace, daily, opening), person.pauses), taken)
        out.append((State.PAUSED, sid, held))
        taken = normalise(taken + held)
    if judge:
        vacant = subtract([(r.start, r.end) for r in engine.runs_for(facts, post, staff_by_id)], taken)
        out.append((State.VACANT, None, vacant))
        taken = normalise(taken + vacant)
    out.append((State.UNRECORDED, None, subtract(opening, taken)))
    return out


def _state_at(facts: engine.DayFacts, post: Post, staff_by_id: dict[int, Staff], minute: int,
              opening: list[Interval], judge: bool = True) -> tuple[str, int | None, int | None]:
    """(state, staff id, since-minute) of a post at ``minute``."""
    if not any(s <= minute < e for s, e in opening):
        return (State.CLOSED, None, None)
    merged: dict[tuple[str, int | None], list[Interval]] = defaultdict(list)
    for state, sid, spans in _stretches(facts, post, staff_by_id, opening, judge):
        merged[(state, sid)] += spans
    for (state, sid), spans in merged.items():
        for s, e in normalise(spans):
            if s <= minute < e:
                return (state, sid, s)
    return (State.UNRECORDED, None, minute)  # not reached: the stretches fill the opening hours


@dataclass
class _Day:
    """A center-day's facts read once, for every window and person of the center at one moment."""

    center: Center
    at: dt.datetime
    facts: engine.DayFacts | None
    staff_by_id: dict[int, Staff]

    @property
    def minute(self) -> int:
        assert self.facts is not None
        return engine.minute_of(self.facts.start_of_day, self.at)

    def when(self, minute: int | None) -> dt.datetime | None:
        assert self.facts is not None
        return self.facts.start_of_day + dt.timedelta(minutes=minute) if minute is not None else None


def _read(center: Center, at: dt.datetime | None) -> _Day:
    at = at or timezone.now()
    center = Center.objects.select_related("policy").get(pk=center.pk)
    try:
        facts = engine.gather(center, clock.local_date(center, at), at)
    except LookupError:  # a year without a calendar: nothing is open
        facts = None
    staff = {s.pk: s for s in Staff.objects.filter(center=center).select_related("department")}
    return _Day(center, at, facts, staff)


def _posts(center: Center, **filters) -> list[Post]:
    return list(Post.objects.filter(center=center, **filters).select_related("a", "b", "department", "window")
                .order_by("window__sort", "window__code", "code"))  # windows by number (1号, 2号 … 10号)


def _post_state(day: _Day, post: Post) -> PostState:
    facts = day.facts
    if facts is None or post.pk not in facts.assignments:
        return PostState(post, State.CLOSED, None, None, day.at)
    opening = engine.opening_for(facts, post.window_id)  # sessions and the window's extended sessions (ATT-4)
    state, sid, since = _state_at(facts, post, day.staff_by_id, day.minute, opening)
    return PostState(post, state, day.staff_by_id.get(sid) if sid is not None else None, day.when(since), day.at)


def _window_state(day: _Day, window: Window, posts: list[Post]) -> WindowState:
    states = tuple(_post_state(day, p) for p in posts)
    first = min(states, key=lambda s: _PRESSING.index(s.state), default=None)
    if first is None:  # no post at this window: nobody serves there
        return WindowState(window, State.CLOSED, None, None, (), day.at)
    return WindowState(window, first.state, first.staff, first.since, states, day.at)


# -- the public read ---------------------------------------------------------------------------
def window_state(center: Center, window: Window, at: dt.datetime | None = None) -> WindowState:
    """The state of one window at ``at`` (default now): A, B covering, stand-in, paused, vacant, closed (NV-2)."""
    day = _read(center, at)
    return _window_state(day, window, _posts(center, window=window))


def hall_state(center: Center, at: dt.datetime | None = None) -> list[WindowState]:
    """Every window of the center at ``at`` (default now), in the hall's order; a constant number of queries."""
    day = _read(center, at)
    by_window: dict[int, list[Post]] = defaultdict(list)
    for post in _posts(center):
        by_window[post.window_id].append(post)
    return [_window_state(day, w, by_window.get(w.pk, [])) for w in Window.objects.filter(center=center)]


def board_posts(hall: list[WindowState]) -> list[PostState]:
    """The hall board's tiles: one per post, in post order."""
    return sorted((p for w in hall for p in w.posts), key=lambda p: p.post.code)


def staff_whereabouts(center: Center, at: dt.datetime | None = None) -> list[Whereabouts]:
    """去向公示 (ORG-6): where each A and B of the center's posts is at ``at`` (default now)."""
    day = _read(center, at)
    facts = day.facts
    if facts is None:
        return []
    minute = day.minute
    ids = {i for asg in facts.assignments.values() for i in (asg.a_id, asg.b_id)}
    people = [s for s in day.staff_by_id.values() if s.pk in ids and s.active]
    out = []
    for staff in people:
        person, _anomalies = engine.person_day(facts, staff)
        present = next((s for s, e in person.present if s <= minute < e), None)
        absent = [(a, ev) for a, ev in facts.absences.get(staff.pk, []) if a.start <= minute < a.end]
        pause = next((s for s, e in person.pauses if s <= minute < e), None)
        if absent:
            absence, ev = absent[0]
            if ev.type == EventType.AWAY:
                place = ev.kind if ev.kind in AwayKind.values else "away"
            else:
                place = "leave"
            out.append(Whereabouts(staff, place, day.when(absence.start), False))
        elif pause is not None:
            out.append(Whereabouts(staff, "paused", day.when(pause), present is not None))
        elif present is not None:
            out.append(Whereabouts(staff, "window", day.when(present), True))
        else:
            out.append(Whereabouts(staff, "absent", None, False))
    out.sort(key=lambda w: (w.staff.department.sort, w.staff.code))
    return out


def covering(clerk: Staff, at: dt.datetime | None = None) -> list[Post]:
    """The posts this clerk backs up and covers at ``at``: B serving while A is not (NV-2, ORG-4).

    The same state as the board's ``b``, judged over the whole day rather than the regular sessions:
    the queue decides when it is open (extended sessions, ATT-4); presence decides who holds the post.
    """
    at = at or timezone.now()
    center = Center.objects.select_related("policy").get(pk=clerk.center_id)
    # the posts this clerk is B of on that day (ORG-3)
    posts = list(Post.objects.filter(pk__in=assignments.posts_backed_by(clerk, clock.local_date(center, at)))
                 .select_related("a", "b", "department", "window", "center", "center__policy").order_by("code"))
    if not posts:
        return []
    try:
        facts = engine.gather(center, clock.local_date(center, at), at)
    except LookupError:
        return []
    stand_in_ids = {sid for p in posts for sid, _s, _e in facts.stand_ins.get(p.pk, [])}
    staff_by_id = Staff.objects.in_bulk(stand_in_ids) if stand_in_ids else {}
    minute = engine.minute_of(facts.start_of_day, at)
    whole_day = [(0, facts.horizon if facts.horizon is not None else 24 * 60)]
    out = []
    for post in posts:
        state, sid, _since = _state_at(facts, post, staff_by_id, minute, whole_day, judge=False)
        if state == State.B and sid == clerk.pk:
            out.append(post)
    return out


@dataclass(frozen=True)
class Standing:
    """How a clerk stands at a window at a moment (ORG-5): ``role`` is ``a`` (A of one of its posts), ``stand_in``
    (assigned by the office for that moment, NV-7) or ``b`` (B covering, NV-2), with the post; ``role`` is ``""``
    when the clerk may not serve there, and ``post`` then names a post the clerk is B of but does not cover now."""

    role: str
    post: Post | None

    def __bool__(self) -> bool:
        return bool(self.role)


def removed_from(clerk: Staff, held: dict, day: dt.date) -> set[int]:
    """ASM-3: the posts (of ``held``: post id → the assignment in force on ``day``) the clerk was removed from by
    a recorded decision in force on ``day`` — as the duty engines judge it (``engine.removed``): a removal dated
    on or before the day, not voided, against an assignment that began before it."""
    if not held:
        return set()
    rows = (Event.objects.filter(center_id=clerk.center_id, type=EventType.REMOVAL, staff=clerk, date__lte=day,
                                 post_id__in=list(held))
            .exclude(followups__type=EventType.VOID).values_list("post_id", "date"))
    return {pid for pid, since in rows if since is not None and held[pid].valid_from < since}


def standing_at(clerk: Staff, window: Window, at: dt.datetime | None = None) -> Standing:
    """May this clerk call and serve at this window at ``at`` (default now)? (ORG-5, NV-2, NV-7, EVAL-1)

    The person at the window must be the one the board shows for it: A of one of its posts, B of one while
    covering, or a stand-in the office assigned for the moment. The queue asks this before every call.
    """
    at = at or timezone.now()
    posts = _posts(window.center, window=window)
    held = assignments.on(window.center, clock.local_date(window.center, at), [p.pk for p in posts])
    posts = [p for p in posts if p.pk in held]  # the posts of the window on that day, with that day's A and B (ORG-3)
    gone = removed_from(clerk, {p.pk: held[p.pk] for p in posts}, clock.local_date(window.center, at))
    for post in posts:
        if held[post.pk].a_id == clerk.pk and post.pk not in gone:
            return Standing(State.A, post)
    assigned = (Event.objects.filter(center=window.center, type=EventType.STAND_IN, staff=clerk,
                                     post__in=posts, start__lte=at, end__gt=at)
                .exclude(followups__type=EventType.VOID).values_list("post_id", flat=True).first())
    if assigned is not None:
        return Standing(State.STAND_IN, next(p for p in posts if p.pk == assigned))
    backed = [p for p in posts if held[p.pk].b_id == clerk.pk and p.pk not in gone]
    if backed:
        covered = {p.pk for p in covering(clerk, at)}
        for post in backed:
            if post.pk in covered:
                return Standing(State.B, post)
        return Standing("", backed[0])
    return Standing("", None)
