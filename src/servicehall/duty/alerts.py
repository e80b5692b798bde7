"""Who is told about a vacancy (NV-1): the window head of the post's department and the center office — and
alerts that stay true (issue 17 item 3).

Vacancies are derived rows, replaced whenever their events change; an alert is tied to what it is about by the
minute the vacancies start: one alert per person per minute (``vacancy:<YYYYMMDDHHMM>``) lists every vacancy
of that minute the person is told of (their department's posts; all posts for the office). After a re-derive
commits, the alerts of the day it touched are worked out again from the rows: a vacancy that ended updates the
alert's text (marked updated), a vacancy a late event or correction healed leaves it (or, all gone, the alert is
withdrawn, with why). New alerts are sent only where vacancies are new (a punch, the worker's tick, NV-1); every
other re-derive (an import, a correction, an appeal's waiver, an approval) only keeps the alerts already sent
true. The alert of a minute is a function of the vacancy rows, so working it out again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from servicehall.core import clock, notify
from servicehall.core.models import Notification, NotificationState
from servicehall.org.choices import Role
from servicehall.org.models import Center, Staff

from .models import Vacancy

HEALED = "重新核定后该时段不再计为缺位（后补或更正的记录、申诉裁定），提醒撤回"


def office_of(center) -> list[Staff]:
    return list(Staff.objects.filter(center=center, roles__role=Role.OFFICE, active=True))


def recipients_for(post) -> list[Staff]:
    """The window heads of the post's department and the office, each once (one query)."""
    found = (Staff.objects.filter(center_id=post.center_id, active=True)
             .filter(Q(roles__role=Role.WINDOW_HEAD, department_id=post.department_id) | Q(roles__role=Role.OFFICE))
             .order_by("code"))
    return list({s.pk: s for s in found}.values())


def minute_key(center: Center, start: dt.datetime) -> str:
    return f"vacancy:{clock.local(center, start):%Y%m%d%H%M}"


def describe(center: Center, rows: list[Vacancy]) -> str:
    """The alert of one minute's vacancies (one, or several listed by window)."""
    first = clock.local(center, rows[0].start)

    def state(v: Vacancy) -> str:
        return "，仍在继续" if v.open else f"，已于 {clock.local(center, v.end):%H:%M} 结束，共 {v.minutes} 分钟"

    if len(rows) == 1:
        v = rows[0]
        return f"{v.post.window.name}（{v.post.code}）自 {first:%m-%d %H:%M} 起无人在岗{state(v)}：{v.reason}"
    items = "；".join(f"{v.post.window.name}（{v.post.code}）{state(v)[1:]}：{v.reason}" for v in rows)
    return f"{first:%m-%d %H:%M} 起 {len(rows)} 个岗位无人在岗：{items}"


def reconcile_day(center: Center, day: dt.date, new_minutes: Iterable[str] = (), now: Any = None) -> None:
    """Make the vacancy alerts of ``center``'s ``day`` say what the vacancy rows say (after a re-derive
    committed): send the alerts of ``new_minutes`` (keys from :func:`minute_key`) not sent yet, update the ones
    whose vacancies changed, withdraw the ones whose vacancies are gone. Idempotent."""
    fresh = set(new_minutes)
    stamp = f"vacancy:{day:%Y%m%d}"
    sent: dict[str, dict[int, Notification]] = defaultdict(dict)
    for n in Notification.objects.filter(center=center, key__startswith=stamp).select_related("recipient"):
        if len(n.key) == len(stamp) + 4:  # one alert per minute (older per-post keys are left as they were)
            sent[n.key][n.recipient_id] = n
    wanted = fresh | set(sent)
    if not wanted:
        return
    by_minute: dict[str, list[Vacancy]] = defaultdict(list)
    for v in (Vacancy.objects.filter(center=center, date=day).select_related("post__window")
              .order_by("post__window__sort", "post__window__code", "post__code", "start")):
        by_minute[minute_key(center, v.start)].append(v)
    healed: list[str] = []
    office: list[int] = []
    heads: dict[int, list[int]] = defaultdict(list)
    for pk, department_id, role in (Staff.objects.filter(center=center, active=True,
                                                         roles__role__in=[Role.OFFICE, Role.WINDOW_HEAD])
                                    .order_by("code").values_list("pk", "department_id", "roles__role")):
        if role == Role.OFFICE:
            office.append(pk)
        elif department_id is not None:
            heads[department_id].append(pk)
    people = {p.pk: p for p in Staff.objects.filter(pk__in={*office, *(i for ids in heads.values() for i in ids)})}
    for key in sorted(wanted):
        rows = by_minute.get(key, [])
        told: dict[int, list[Vacancy]] = defaultdict(list)
        for v in rows:
            for pk in dict.fromkeys([*heads.get(v.department_id, []), *office]):
                told[pk].append(v)
        audiences: dict[str, list[Staff]] = defaultdict(list)  # people told the same text: one send
        for pk, mine in told.items():
            text = describe(center, mine)
            already = sent[key].get(pk)
            if already is not None:
                if already.text != text or already.state == NotificationState.WITHDRAWN:  # else: still true
                    # another post empty in the minute, or the vacancy back: unread again
                    news = key in fresh or already.state == NotificationState.WITHDRAWN
                    notify.revise(center, already.recipient, key, text, now, news=news)
            elif key in fresh and pk in people:
                audiences[text].append(people[pk])
        for text, them in audiences.items():
            notify.send(center, them, key, text)
        if not rows:  # healed: withdrawn, with why (someone who left the audience keeps what they were told)
            for n in sent[key].values():
                if n.state == NotificationState.WITHDRAWN:
                    continue  # withdrawn already: no statement for it on every later re-derive of the day
                if notify.withdraw(center, n.recipient, key, HEALED, now):
                    healed.append(key)
    # A vacancy that moved (a late punch covers its first minutes): the minute it starts now was never told.
    moved = {k for k in by_minute if k not in sent and k not in fresh and healed and k > min(healed)}
    if moved:
        reconcile_day(center, day, moved, now)


def alerted_days(center: Center, days: Iterable[dt.date]) -> set[dt.date]:
    """Which of ``days`` have vacancy alerts of ``center`` (one query over the range of their keys)."""
    days = sorted(set(days))
    if not days:
        return set()
    keys = (Notification.objects.filter(center=center, key__gte=f"vacancy:{days[0]:%Y%m%d}",
                                        key__lt=f"vacancy:{days[-1] + dt.timedelta(days=1):%Y%m%d}")
            .values_list("key", flat=True).distinct())
    return {d for d in days if any(k.startswith(f"vacancy:{d:%Y%m%d}") for k in keys)}


class _Pending:
    """The alert work of one center, run once after the transaction that re-derived its days commits: the days
    re-derived and, per day, the minutes whose new vacancies are to be told."""

    def __init__(self, center: Center) -> None:
        self.center, self.done = center, False
        self.days: dict[dt.date, set[str]] = defaultdict(set)

    def add(self, day: dt.date, minutes: Iterable[str]) -> _Pending:
        self.days[day] |= set(minutes)
        return self

    def __call__(self) -> None:
        self.done = True
        quiet = [d for d, minutes in self.days.items() if not minutes]
        have = alerted_days(self.center, quiet) if quiet else set()  # a big import's days: one query
        for day, minutes in sorted(self.days.items()):
            if minutes or day in have:
                reconcile_day(self.center, day, minutes)


def _pending(center: Center, day: dt.date, minutes: Iterable[str] = ()) -> None:
    """Work out ``center``'s ``day``'s alerts once the transaction commits, sending those of ``minutes``: one
    job per center registered with ``transaction.on_commit`` (no statement inside the writer's transaction); a
    rolled-back write leaves none behind. Outside a transaction it runs at once."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _Pending(center).add(day, minutes)()
        return
    # The jobs of this transaction, kept beside its list of callbacks: Django starts a new list at every commit
    # and rollback (of a savepoint too), so a job kept with the list it was registered in is still pending.
    kept: tuple[list[Any], dict[int, _Pending]] | None = getattr(conn, "_servicehall_alert_jobs", None)
    if kept is None or kept[0] is not conn.run_on_commit:
        kept = (conn.run_on_commit, {})
        setattr(conn, "_servicehall_alert_jobs", kept)  # noqa: B010
    jobs = kept[1]
    job = jobs.get(center.pk)
    if job is None or job.done:
        job = jobs[center.pk] = _Pending(center)
        transaction.on_commit(job, robust=True)  # the write is committed: a failing alert never turns it into a 500
    job.add(day, minutes)


def rederived(center: Center, day: dt.date) -> None:
    """Called wherever vacancy rows of a post-day were replaced (``engine._replace_posts``): every path that
    re-derives (a punch, the tick, an import, a correction, an appeal's waiver, an approval) — the day's alerts
    are worked out again after commit."""
    _pending(center, day)


def notify_vacancies(center, vacancies) -> None:
    """Tell of new vacancies (NV-1): their minutes' alerts are sent after commit, grouped per person and minute."""
    by_day: dict[dt.date, set[str]] = defaultdict(set)
    for v in vacancies:
        by_day[v.date].add(minute_key(center, v.start))
    for day, minutes in by_day.items():
        _pending(center, day, minutes)
