"""The manager's daily AB check (ORG-3, ORG-4), from the database into the pure rule."""

from __future__ import annotations

from dataclasses import dataclass

from servicehall.rules.abposts import ABFindings, PostAB, ab_findings

from .models import Center, Post, Staff


@dataclass
class ABReport:
    findings: ABFindings
    posts: dict[str, Post]
    staff: dict[str, Staff]
    total_posts: int


def ab_report(center: Center) -> ABReport:
    policy = center.policy
    posts = list(Post.objects.filter(center=center).select_related("a", "b", "window", "department")
                 .prefetch_related("items"))
    staff = {s.code: s for s in Staff.objects.filter(center=center).select_related("department")
             .prefetch_related("qualified_items")}
    findings = ab_findings(
        [PostAB(p.code, p.a.code, p.b.code, frozenset(i.code for i in p.items.all())) for p in posts],
        {code: [i.code for i in s.qualified_items.all()] for code, s in staff.items()},
        [code for code, s in staff.items() if s.active],
        b_max_posts=policy.b_max_posts,
        small_pool=policy.ab_small_pool,
    )
    return ABReport(findings, {p.code: p for p in posts}, staff, len(posts))
