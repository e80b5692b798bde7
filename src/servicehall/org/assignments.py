"""Which A, B and items held a post on a day (ORG-3, NV-6; SCENARIO.md ``posts[].from``).

A post's assignment holds from its ``valid_from`` until the next one. Every
judgement of a day — coverage, the answerable party, the ladder, who holds the
post at a moment — asks here for the assignment in force ON THAT DAY, never the
post's current A and B, so that a late event on an earlier day is judged with
that day's people. Reads only; writes go through ``org.services.save_post``.

    on(center, day)        -> {post id: PostAssignment}   (one query for a center-day)
    for_post(post, day)    -> PostAssignment | None
    timeline(center, ...)  -> {post id: [PostAssignment, ...]} oldest first, with ``pick(history, day)``
    windows_of(staff, day) -> [(Window, "a" | "b"), ...]       (where a person holds a post that day)
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import Q
from django.dispatch import Signal

from .models import BEGINNING, Center, Post, PostAssignment, Staff, Window

# Sent by ``org.services.save_post`` when a post's assignment changes from ``day`` (<= the center's today), with
# ``center``, ``post``, ``day`` and ``now``: the derived record of the days judged from ``day`` on must follow
# (duty re-derives them: ``duty.services.rederive_from``).
changed = Signal()

__all__ = ["BEGINNING", "changed", "on", "for_post", "timeline", "pick", "history", "posts_backed_by", "staff_ids_on",
           "windows_of"]


def _query(post_ids: Iterable[int] | None = None, center: Center | None = None, items: bool = False):
    qs = PostAssignment.objects.select_related("a", "b")
    if center is not None:
        qs = qs.filter(post__center=center)
    if post_ids is not None:
        qs = qs.filter(post_id__in=list(post_ids))
    if items:
        qs = qs.prefetch_related("items")
    return qs.order_by("post_id", "valid_from")


def on(center: Center, day: dt.date, post_ids: Iterable[int] | None = None,
       items: bool = False) -> dict[int, PostAssignment]:
    """The assignment in force on ``day`` for every post of ``center`` (or of ``post_ids``) that has one.

    A post whose first assignment starts after ``day`` is absent: it did not exist yet that day.
    """
    out: dict[int, PostAssignment] = {}
    for asg in _query(post_ids, center, items).filter(valid_from__lte=day):
        out[asg.post_id] = asg  # ordered by valid_from: the last one before or on the day wins
    return out


def for_post(post: Post, day: dt.date, items: bool = False) -> PostAssignment | None:
    """The assignment of one post in force on ``day``, or None before its first one."""
    qs = PostAssignment.objects.select_related("a", "b").filter(post=post, valid_from__lte=day)
    if items:
        qs = qs.prefetch_related("items")
    return qs.order_by("-valid_from").first()


def timeline(center: Center, post_ids: Iterable[int] | None = None,
             items: bool = False) -> dict[int, list[PostAssignment]]:
    """Every assignment of the center's posts, oldest first — for reading many days at once with :func:`pick`."""
    out: dict[int, list[PostAssignment]] = defaultdict(list)
    for asg in _query(post_ids, center, items):
        out[asg.post_id].append(asg)
    return dict(out)


def pick(assignments: list[PostAssignment], day: dt.date) -> PostAssignment | None:
    """The one of a post's assignments (oldest first) in force on ``day``."""
    i = bisect.bisect_right([a.valid_from for a in assignments], day)
    return assignments[i - 1] if i else None


def history(post: Post) -> list[PostAssignment]:
    """A post's assignments, newest first, with their items — for the post page."""
    return list(PostAssignment.objects.filter(post=post).select_related("a", "b").prefetch_related("items")
                .order_by("-valid_from"))


def posts_backed_by(staff: Staff, day: dt.date) -> list[int]:
    """Ids of the posts whose B on ``day`` is ``staff`` (NV-2)."""
    return [pid for pid, asg in on(staff.center, day).items() if asg.b_id == staff.pk]


def staff_ids_on(center: Center, day: dt.date) -> set[int]:
    """Everyone who is an A or B of a post of the center on ``day`` (ATT-1: expected at the windows)."""
    return {i for asg in on(center, day).values() for i in (asg.a_id, asg.b_id)}


def windows_of(staff: Staff, day: dt.date, center: Center | None = None,
               removed: Callable[[Staff, dict[int, PostAssignment], dt.date], set[int]] | None = None,
               ) -> list[tuple[Window, str]]:
    """The windows of the posts ``staff`` holds on ``day``, with how: ``"a"`` (主办) or ``"b"`` (替补) — where to
    find a person a first inquiry is passed to (FIR-2; ORG-3). Each window once (as A if A of any of its posts),
    A's windows first, in the hall's order; empty when they hold no post that day — nothing is guessed.
    ``removed`` (duty's reading of ASM-3: the posts of those held the person was removed from by a recorded
    decision) leaves those posts out."""
    post_ids = set(PostAssignment.objects.filter(Q(a=staff) | Q(b=staff)).values_list("post_id", flat=True))
    if not post_ids:
        return []
    in_force = {pid: asg for pid, asg in on(center or staff.center, day, post_ids).items()
                if staff.pk in (asg.a_id, asg.b_id)}
    gone = removed(staff, in_force, day) if removed is not None and in_force else set()
    held = {pid: ("a" if asg.a_id == staff.pk else "b") for pid, asg in in_force.items() if pid not in gone}
    out: dict[int, tuple[Window, str]] = {}
    for post in Post.objects.filter(pk__in=held).select_related("window"):
        if post.window_id not in out or held[post.pk] == "a":
            out[post.window_id] = (post.window, held[post.pk])
    return sorted(out.values(), key=lambda w: (w[1], w[0].sort, w[0].code))
