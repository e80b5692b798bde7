"""AB posts — AB岗 (RULES.md ORG-3, ORG-4).

Every post has an A (主办, the day's primary) and a B (替补, the backup); B
must be qualified for every service item of the post, because while covering
B holds A's authority and answers for the results. These functions judge a
proposed assignment and produce the manager's daily "AB岗检查".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["PostAB", "ABFindings", "MissingB", "assignment_problem_texts", "assignment_problems", "ab_findings"]


@dataclass(frozen=True)
class PostAB:
    """The AB facts of one post — 岗位: its code, A, B and item codes."""

    code: str
    a: str | None
    b: str | None
    items: frozenset[str] = frozenset()


def missing_items(items: Iterable[str], qualified: Iterable[str]) -> list[str]:
    """Items of the post the person is not qualified for (ORG-4), sorted."""
    return sorted(set(items) - set(qualified))


def N_(text: str) -> str:
    """Marks a text for the translation catalog (pages translate it; the rules stay free of Django)."""
    return text


def assignment_problem_texts(
    a: str | None,
    b: str | None,
    items: Iterable[str],
    b_qualified: Iterable[str],
) -> list[tuple[str, str, dict[str, str]]]:
    """Why an A/B assignment is refused, as (field, text with ``%(name)s`` places, values) (ORG-3, ORG-4), so
    a page can translate the text and keep the values. Empty when the assignment is valid."""
    problems: list[tuple[str, str, dict[str, str]]] = []
    if not a:
        problems.append(("a", N_("a post needs an A (ORG-3)"), {}))
    if not b:
        problems.append(("b", N_("a post needs a B (ORG-3)"), {}))
    if a and b and a == b:
        problems.append(("b", N_("A and B must be two different people, both are %(staff)s (ORG-3)"), {"staff": a}))
    if b:
        missing = missing_items(items, b_qualified)
        if missing:
            problems.append(("b", N_("B %(staff)s is not qualified for items %(items)s (ORG-4)"),
                             {"staff": b, "items": ", ".join(missing)}))
    return problems


def assignment_problems(
    a: str | None,
    b: str | None,
    items: Iterable[str],
    b_qualified: Iterable[str],
) -> list[tuple[str, str]]:
    """Why an A/B assignment is refused, as (field, message) pairs (ORG-3, ORG-4).

    Empty when the assignment is valid.
    """
    return [(field, text % values) for field, text, values in assignment_problem_texts(a, b, items, b_qualified)]


@dataclass(frozen=True)
class MissingB:
    """Why a post lacks a valid B: ``kind`` is ``no_b``, ``same_as_a``, ``inactive`` or ``unqualified``."""

    kind: str
    staff: str | None = None
    items: tuple[str, ...] = ()

    def __str__(self) -> str:
        return {
            "no_b": "no B assigned (ORG-3)",
            "same_as_a": "A and B are the same person (ORG-3)",
            "inactive": f"B {self.staff} is no longer active staff (ORG-3)",
            "unqualified": f"B {self.staff} is not qualified for {', '.join(self.items)} (ORG-4)",
        }[self.kind]


@dataclass
class ABFindings:
    """What the daily AB check finds (ORG-3, ORG-4)."""

    # post code -> reasons the post lacks a valid B
    posts_without_valid_b: dict[str, list[MissingB]] = field(default_factory=dict)
    # staff code -> post codes where that person is B, for people over the limit
    overloaded_b: dict[str, list[str]] = field(default_factory=dict)
    # pools: (staff codes, post codes) where few people back each other on many posts
    small_pools: list[tuple[list[str], list[str]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.posts_without_valid_b) + len(self.overloaded_b) + len(self.small_pools)


def ab_findings(
    posts: Iterable[PostAB],
    qualified: Mapping[str, Iterable[str]],
    active: Iterable[str],
    *,
    b_max_posts: int = 2,
    small_pool: int = 2,
) -> ABFindings:
    """The manager's daily check.

    - posts lacking a valid B: no B, B = A, B inactive, or B not qualified for
      every item of the post (qualifications can be withdrawn after assignment);
    - people who are B of more than ``b_max_posts`` posts: if they are out, all
      those posts depend on one person;
    - small pools: groups of at most ``small_pool`` people who are each other's
      only A and B across more posts than people — when they are out together,
      every one of those posts is empty at once.
    """
    posts = list(posts)
    active_set = set(active)
    quals = {k: set(v) for k, v in qualified.items()}
    findings = ABFindings()

    b_of: dict[str, list[str]] = defaultdict(list)
    for post in posts:
        reasons: list[MissingB] = []
        if not post.b:
            reasons.append(MissingB("no_b"))
        else:
            b_of[post.b].append(post.code)
            if post.b == post.a:
                reasons.append(MissingB("same_as_a", post.b))
            if post.b not in active_set:
                reasons.append(MissingB("inactive", post.b))
            missing = missing_items(post.items, quals.get(post.b, ()))
            if missing:
                reasons.append(MissingB("unqualified", post.b, tuple(missing)))
        if reasons:
            findings.posts_without_valid_b[post.code] = reasons

    for person, codes in sorted(b_of.items()):
        if len(codes) > b_max_posts:
            findings.overloaded_b[person] = sorted(codes)

    # Connected components of the A–B graph (union-find over people).
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for post in posts:
        if post.a and post.b:
            ra, rb = find(post.a), find(post.b)
            if ra != rb:
                parent[ra] = rb
    members: dict[str, set[str]] = defaultdict(set)
    pool_posts: dict[str, list[str]] = defaultdict(list)
    for post in posts:
        if post.a and post.b:
            root = find(post.a)
            members[root].update((post.a, post.b))
            pool_posts[root].append(post.code)
    for root, people in members.items():
        codes = pool_posts[root]
        if len(people) <= small_pool and len(codes) > len(people) - 1 and len(codes) >= 2:
            findings.small_pools.append((sorted(people), sorted(codes)))
    findings.small_pools.sort()
    return findings
