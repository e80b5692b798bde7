"""The one door for queue writes (Q-1..3, EVAL-1..2): tickets, calls, service, ratings, bad-rating cases."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from servicehall.audit.services import Actor, ActorLike, record
from servicehall.catalog.models import ServiceItem
from servicehall.core import clock, counters
from servicehall.core import hot as core_hot
from servicehall.errors import Problem, RuleViolation
from servicehall.org.calendar import get_calendar
from servicehall.org.models import Center, ExtendedSession, Post, Staff, Window
from servicehall.org.permissions import Forbidden, Target, authorize
from servicehall.rules.identity import IdNumberError, age_on, mask_phone, validate_id_number, validate_mobile
from servicehall.rules.queue import PRIORITY_GROUPS, Waiting, pick_next

from . import hot
from .models import (
    AppealGround,
    BadRatingCase,
    CaseRatingLink,
    QueueLimit,
    Rating,
    RatingAppeal,
    RatingReason,
    Ticket,
    TicketChannel,
    TicketStatus,
)
from .push import push_rating

BAD_LEVELS = (1, 2)  # 不满意, 非常不满意 (EVAL-2)


def _hm(text: str) -> int:
    hours, minutes = map(int, text.split(":"))
    return hours * 60 + minutes


def _minute(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def regular_sessions(center: Center, day: dt.date) -> list[tuple[int, int]]:
    """The center's sessions of ``day`` in minutes of the local day; none on a day that is not a working day or in a
    year without a calendar (ATT-1)."""
    cal = get_calendar(center)
    if not (cal.covers(day.year) and cal.is_workday(day)):
        return []
    return [(_hm(a), _hm(b)) for a, b in center.policy.sessions]


def window_opening(center: Center, window: Window, day: dt.date) -> list[tuple[int, int]]:
    """A window's opening time on ``day``, in minutes of the local day: the sessions of a working day and the
    extended sessions (lunch, weekend) that name this window — and only those (ATT-1, ATT-4)."""
    spans = regular_sessions(center, day)
    spans += [(_minute(e.start), _minute(e.end))
              for e in ExtendedSession.objects.filter(center=center, date=day, windows=window)]
    return sorted(spans)


def issuing_now(center: Center, item: ServiceItem, now: dt.datetime) -> bool:
    """Ticket hours (Q-1, Q-7, NV-9): an item's tickets are issued while a window serving it is open — in the
    sessions of a working day, or in an extended session naming such a window (ATT-4); never after closing."""
    local = clock.local(center, now)
    minute = local.hour * 60 + local.minute
    if any(a <= minute < b for a, b in regular_sessions(center, local.date())):
        return True
    return ExtendedSession.objects.filter(center=center, date=local.date(), start__lte=local.time(),
                                          end__gt=local.time(), windows__posts__items=item).exists()


def ticket_hours(center: Center, items: Iterable[ServiceItem], now: dt.datetime,
                 look_ahead_days: int = 14) -> dict[int, dt.datetime | None]:
    """Ticket hours for the kiosk (Q-1, Q-7, NV-9), as ``issuing_now`` decides them, for many items at once:
    item pk -> ``now`` while its tickets are issued, else the local moment they are next issued (within
    ``look_ahead_days``), else ``None``."""
    local = clock.local(center, now)
    minute = local.hour * 60 + local.minute
    first = local.date()
    extended: dict[tuple[int, dt.date], list[tuple[int, int]]] = {}
    for day, start, end, item_pk in ExtendedSession.objects.filter(
            center=center, date__gte=first, date__lte=first + dt.timedelta(days=look_ahead_days),
            windows__posts__items__isnull=False).values_list("date", "start", "end", "windows__posts__items"):
        extended.setdefault((item_pk, day), []).append((_minute(start), _minute(end)))
    regular = {first + dt.timedelta(days=k): regular_sessions(center, first + dt.timedelta(days=k))
               for k in range(look_ahead_days + 1)}
    out: dict[int, dt.datetime | None] = {}
    for item in items:
        out[item.pk] = None
        for day, spans in regular.items():
            spans = spans + extended.get((item.pk, day), [])
            if day == first and any(a <= minute < b for a, b in spans):
                out[item.pk] = now
                break
            later = [a for a, _b in spans if day != first or a > minute]
            if later:
                opens = min(later)
                out[item.pk] = dt.datetime.combine(day, dt.time(opens // 60, opens % 60), tzinfo=clock.zone(center))
                break
    return out


def waiting_ahead(ticket: Ticket) -> int:
    return Ticket.objects.filter(center=ticket.center, day=ticket.day, item__in=_items_sharing_windows(ticket.item),
                                 status=TicketStatus.WAITING, issued_at__lt=ticket.issued_at).count()


def _items_sharing_windows(item: ServiceItem) -> list[int]:
    windows = Post.objects.filter(items=item).values_list("window_id", flat=True)
    return list(ServiceItem.objects.filter(posts__window__in=windows).values_list("pk", flat=True).distinct()) or [item.pk]


def issue_ticket(actor: Actor, center: Center, item_code: str, *, id_number: str = "", priority: str = "",
                 device_request_id: str | None = None, now: dt.datetime | None = None, booked: bool = False,
                 channel: str = TicketChannel.KIOSK, phone: str = "") -> Ticket:
    """取号 (Q-1): a ticket for a service item; 60+ from the ID number joins the green channel (Q-2).

    The ID number only decides the green channel here: the ticket keeps whether its holder is 60 or over,
    never the number (SEC-3). Tickets are issued in ticket hours only (``issuing_now``); ``booked``: a booking
    checked in within its slot's check-in time (Q-3), which may start before the window opens.

    A device's request is issued once (``device_request_id``): the same request again — even one racing the first,
    or one sent after the hall closed — returns the first ticket. The returned ticket carries ``ahead``, the
    number of tickets waiting before it for its windows.

    Issue 14: in the steady state this is six statements — the settings' generation read together with the count
    ahead, the number (one upsert), the ticket, the audit record (three) — everything else is kept per process by
    :mod:`servicehall.tickets.hot` until it changes."""
    try:
        return _issue(actor, center, item_code, id_number=id_number, priority=priority,
                      device_request_id=device_request_id, now=now, booked=booked, channel=channel, phone=phone)
    except (IntegrityError, RuleViolation):
        if device_request_id:  # the same device request again, or racing itself: the first ticket
            existing = Ticket.objects.filter(center=center, device_request_id=device_request_id).first()
            if existing is not None:
                setattr(existing, "ahead", waiting_ahead(existing))  # noqa: B010  (the API and kiosk show it)
                return existing
        raise


DEVICE_CHANGED = gettext_noop("This device was retired or given a new token: its old token is refused (SEC-5).")


def _count_ahead_sql(center: Center, day: dt.date, now: dt.datetime, items: Iterable[int]) -> tuple[str, list[Any]]:
    """``waiting_ahead`` of a ticket issued ``now`` for one of ``items``, as SQL to read beside the settings'
    generation (built by hand: the ORM's query building costs more than the statement on the hot path)."""
    items = list(items) or [0]
    ops = connection.ops
    col = {f: ops.quote_name(f"{f}_id" if f in ("center", "item") else f)  # the model's columns
           for f in ("center", "day", "status", "issued_at", "item")}
    sql = (f"SELECT COUNT(*) FROM {ops.quote_name(Ticket._meta.db_table)} WHERE {col['center']} = %s AND "
           f"{col['day']} = %s AND {col['status']} = %s AND {col['issued_at']} < %s AND "
           f"{col['item']} IN ({', '.join(['%s'] * len(items))})")
    return sql, [center.pk, ops.adapt_datefield_value(day), TicketStatus.WAITING.value,
                 ops.adapt_datetimefield_value(now), *items]


def _issued_sql(center: Center, day: dt.date, item: int) -> tuple[str, list[Any]]:
    """Q-7, read beside the settings' generation for an early refusal: an item's tickets of ``day`` not cancelled
    (the daily cap; counted again under the counter's lock before a ticket is made)."""
    ops = connection.ops
    col = {f: ops.quote_name(f"{f}_id" if f in ("center", "item") else f) for f in ("center", "day", "status", "item")}
    sql = (f"SELECT COUNT(*) FROM {ops.quote_name(Ticket._meta.db_table)} WHERE {col['center']} = %s AND "
           f"{col['day']} = %s AND {col['item']} = %s AND {col['status']} <> %s")
    return sql, [center.pk, ops.adapt_datefield_value(day), item, TicketStatus.CANCELLED.value]


def _limit_reads(center: Center, day: dt.date, info: hot.ItemInfo | None) -> dict[str, tuple[str, list[Any]]]:
    return {"issued": _issued_sql(center, day, info.item.pk)} if info is not None and info.daily_cap else {}


CAP_REACHED = gettext_noop("%(item_name)s: today's %(cap)s tickets are all taken — please come on another working "
                           "day or book an appointment (Q-7)")


def _issue(actor: Actor, center: Center, item_code: str, *, id_number: str, priority: str,
           device_request_id: str | None, now: dt.datetime | None, booked: bool, channel: str = TicketChannel.KIOSK,
           phone: str = "") -> Ticket:
    authorize(actor, "ticket.issue", Target(center))
    now = now or timezone.now()
    today = clock.local(center, now).date()
    info = hot.item_info(center, item_code)
    ahead_of = info.sharing if info is not None else ()
    # One statement: are the kept settings current (else they are dropped and read again), and who is ahead.
    waiting = Ticket.objects.filter(center=center, day=today, status=TicketStatus.WAITING, issued_at__lt=now)
    read = core_hot.check(ahead=_count_ahead_sql(center, today, now, ahead_of), **_limit_reads(center, today, info))
    ahead = read["ahead"] or 0
    if actor.device is not None and not hot.device_still_valid(actor.device):
        raise Forbidden("ticket.issue", gettext(DEVICE_CHANGED))  # SEC-5: at once, whatever this process kept
    fresh = hot.item_info(center, item_code)
    if fresh is not info:  # the settings moved and were read again: so is who is ahead
        info = fresh
        ahead = waiting.filter(item__in=info.sharing).count() if info is not None else 0
        read = {}
    if info is not None and info.daily_cap and "issued" not in read:  # the settings were read again
        read["issued"] = Ticket.objects.filter(center=center, day=today, item=info.item).exclude(
            status=TicketStatus.CANCELLED).count()
    problems = []
    if info is None:
        problems.append(Problem.of("item", "unknown service item %(item_code)s", item_code=f"{item_code!r}"))
    elif not info.served:
        problems.append(Problem.of("item", "no window serves %(item_name)s (Q-1)", item_name=info.item.name))
    if id_number:
        try:
            id_number = validate_id_number(id_number)
        except IdNumberError as exc:
            problems.append(Problem.of("id_number", "%(exc)s (SEC-3)", exc=exc))
    if priority and priority not in PRIORITY_GROUPS:
        problems.append(Problem.of("priority", "green channel groups are %(priority)s (Q-2)", priority=', '.join(PRIORITY_GROUPS)))
    if (info is not None and not problems and not booked
            and not hot.hours(center, info.item, today).issuing(clock.local(center, now))):
        problems.append(Problem.of("item", "%(item_name)s: tickets are issued only while a window serving it is open; no new tickets after closing (Q-1, NV-9, ATT-4)", item_name=info.item.name))
    if (info is not None and not problems and not booked and info.daily_cap
            and (read.get("issued") or 0) >= info.daily_cap):
        problems.append(Problem.of("item", CAP_REACHED, item_name=info.item.name, cap=info.daily_cap))
    if problems:
        raise RuleViolation(problems)
    assert info is not None  # refused above otherwise
    item = info.item
    elderly = bool(id_number) and age_on(id_number, today) >= 60
    del id_number  # SEC-3: nothing below keeps it
    if not priority and elderly:
        priority = "elderly"
    # A device request that repeats one already issued fails on the ticket's unique request id and rolls back
    # (its number too); ``issue_ticket`` then returns the first ticket. Nested in a caller's transaction, only a
    # request id needs the savepoint that keeps the caller's transaction usable after that.
    with transaction.atomic(savepoint=device_request_id is not None):
        seq = counters.next_number(center, f"q-{item.department.code}", today)
        if info.daily_cap or info.alarm_at:
            # counted again under the counter's row lock (one per department and day), so kiosks and phones
            # taking the last place together never overshoot the cap, and the alarm fires once at its count.
            read = Ticket.objects.filter(center=center, day=today, item=item).aggregate(
                issued=Count("pk", filter=~Q(status=TicketStatus.CANCELLED)),
                item_waiting=Count("pk", filter=Q(status=TicketStatus.WAITING)))
            if not booked and info.daily_cap and read["issued"] >= info.daily_cap:
                raise RuleViolation(Problem.of("item", CAP_REACHED, item_name=item.name, cap=info.daily_cap))
        remote = channel == TicketChannel.REMOTE
        ticket = Ticket.objects.create(center=center, queue=item.department, day=today, seq=seq,
                                       display=f"{item.department.code}{seq:03d}", item=item, elderly=elderly,
                                       priority=priority, issued_at=now, device_request_id=device_request_id,
                                       channel=channel, phone=phone if remote else "",
                                       token=secrets.token_urlsafe(18) if remote else None,
                                       # already near when taken — the page says so, no SMS
                                       near_at=now if remote and ahead <= center.policy.notify_ahead else None)
        record(actor, "ticket.issue", ticket, None, {"ticket": ticket.display, "item": item.code, "priority": priority,
                                                     **({"channel": channel, "phone": mask_phone(phone)} if remote
                                                        else {})})
        if info.alarm_at and read["item_waiting"] + 1 == info.alarm_at:  # counted under the lock above
            _waiting_alarm(center, item, info.alarm_at, ticket)
    setattr(ticket, "ahead", ahead)  # noqa: B010  (the API and kiosk show it)
    return ticket


def _waiting_alarm(center: Center, item: ServiceItem, count: int, ticket: Ticket) -> None:
    """Q-7: the item's waiting count has just risen to its alarm threshold — the office is told once, after the
    ticket commits; it is told again only when the count fell below and rises to it again (this is the ticket that
    crossed)."""
    from servicehall.core.notify import send
    from servicehall.duty.alerts import office_of

    send(center, office_of(center), f"queue-alarm:{item.pk}:{ticket.pk}",
         f"排队预警：{item.name} 等候人数已达 {count} 人（{ticket.display} 取号时），请增开窗口或引导分流")


def _clerk(actor: Actor, center: Center) -> Staff:
    staff: Staff | None = actor.staff or getattr(actor.user, "staff", None)
    if staff is None or staff.center_id != center.pk:
        raise RuleViolation(Problem("clerk", "calls are made by a clerk of this center (SEC-1)"))
    return staff


def _authorize_serve(actor: Actor, window: Window | None, at: dt.datetime, center: Center | None = None) -> None:
    """SEC-5 for ``ticket.serve``: the table reaches the windows where a person is A or B; a stand-in the office
    assigned (NV-7) reaches the window of the post for the span of the assignment — duty adds them."""
    center = center or (window.center if window is not None else None)
    assert center is not None
    try:
        authorize(actor, "ticket.serve", Target(center, window=window))
    except Forbidden as refused:
        from servicehall.duty import presence

        person = actor.staff or getattr(actor.user, "staff", None)
        if person is None or window is None or actor.device is not None:
            raise
        # The role must allow serving at a window at all (the person's own standing); then ORG-5 decides.
        authorize(actor, "ticket.serve", Target(center, window=window, person=person))
        if presence.standing_at(person, window, at).role != presence.State.STAND_IN:
            raise Forbidden("ticket.serve", gettext(NOT_AT_THIS_WINDOW) % {
                "staff_name": person.name, "window_name": window.name}) from refused


NOT_AT_THIS_WINDOW = gettext_noop("%(staff_name)s is not the A, the covering B or an assigned stand-in of a post at "
                                  "%(window_name)s: the office assigns a stand-in first (ORG-5, NV-7)")


def _check_standing(clerk: Staff, window: Window, at: dt.datetime) -> None:
    """ORG-5, EVAL-1: only the post's A, its B while covering, or a stand-in the office assigned serves here."""
    from servicehall.duty import presence

    standing = presence.standing_at(clerk, window, at)
    if standing:
        return
    if standing.post is not None:
        raise RuleViolation(Problem.of("clerk", "%(staff_name)s is B of %(post)s and serves at %(window_name)s only while covering its A (NV-2, ORG-5)", staff_name=clerk.name, post=standing.post.code, window_name=window.name))
    raise RuleViolation(Problem.of("clerk", NOT_AT_THIS_WINDOW, staff_name=clerk.name, window_name=window.name))


def covering_items(clerk: Staff, now: dt.datetime) -> list[int]:
    """Items of the posts this clerk covers now as B — the board's "B covering": B calls them too (NV-2, ORG-4)."""
    from servicehall.duty import presence

    posts = presence.covering(clerk, now)
    if not posts:
        return []
    return [i for i in Post.objects.filter(pk__in=[p.pk for p in posts]).values_list("items", flat=True)
            if i is not None]


@transaction.atomic
def call_next(actor: ActorLike, window: Window, now: dt.datetime | None = None) -> Ticket:
    """叫号: the next ticket among the items this window's posts serve, green channel first (Q-1, Q-2)."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    center = window.center
    _authorize_serve(actor, window, now)
    if actor.device is not None and actor.staff is not None:
        # A hardware caller calls for the clerk signed in at its window: that clerk serves this window (SEC-5).
        _authorize_serve(Actor(user=None, label=actor.label, staff=actor.staff), window, now)
    clerk = _clerk(actor, center)
    local = clock.local(center, now)
    minute = local.hour * 60 + local.minute
    opening = window_opening(center, window, local.date())
    open_now = any(a <= minute < b for a, b in opening)
    # NV-9: at and after closing, the tickets already issued are still called and served until none is left.
    late = not open_now and any(a <= minute for a, _b in opening)
    if not (open_now or late):
        raise RuleViolation(Problem.of("window", "%(window_name)s is closed now: not within its opening hours — the sessions of a working day or an extended session naming this window (ATT-1, ATT-4)", window_name=window.name))
    _check_standing(clerk, window, now)
    # one ticket at a window at a time. The window's row is locked first, so two presses of "call next"
    # (a key pressed twice, two tabs) are taken one after the other and the second sees the first's ticket.
    Window.objects.select_for_update().filter(pk=window.pk).first()
    current = (Ticket.objects.filter(window=window, day=local.date(),
                                     status__in=[TicketStatus.CALLED, TicketStatus.SERVING]).order_by("called_at").first())
    if current is not None:
        raise RuleViolation(Problem.of(
            "window", "%(window_name)s is still on %(number)s: finish it, mark it as not come or transfer it before "
                      "calling the next (Q-1)", window_name=window.name, number=current.display))
    items = list(Post.objects.filter(window=window).values_list("items", flat=True)) + covering_items(clerk, now)
    waiting = Ticket.objects.select_for_update().filter(center=center, day=local.date(), item__in=items,
                                                         status=TicketStatus.WAITING)
    if late:  # NV-9: only those who took their ticket before this window closed; the window itself stays closed
        closed = max(b for _a, b in opening if b <= minute)
        waiting = waiting.filter(issued_at__lt=local.replace(hour=0, minute=0, second=0, microsecond=0)
                                 + dt.timedelta(minutes=closed))
    candidates = list(waiting)
    chosen = pick_next([Waiting(t.pk, t.issued_at, t.priority, t.front_at) for t in candidates], now,
                       center.policy.starve_minutes)
    if chosen is None:
        if late:
            raise RuleViolation(Problem.of("window", "%(window_name)s has closed and nobody issued a ticket before closing is waiting (NV-9)", window_name=window.name))
        raise RuleViolation(Problem.of("queue", "nobody is waiting for %(window_name)s", window_name=window.name))
    ticket = next(t for t in candidates if t.pk == chosen.key)
    ticket.status, ticket.window, ticket.staff, ticket.called_at = TicketStatus.CALLED, window, clerk, now
    ticket.save(update_fields=["status", "window", "staff", "called_at"])
    record(actor, "ticket.call", ticket, None, {"window": window.code, "staff": clerk.code})
    tell_near(center, ticket.item, now)
    return ticket


def _move(actor: ActorLike, ticket: Ticket, allowed: tuple[str, ...], status: str, field: str | None, now: dt.datetime | None, action: str,
          **extra: Any) -> Ticket:
    actor = Actor.of(actor)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _authorize_serve(actor, ticket.window, now or timezone.now(), ticket.center)
    person = actor.staff or getattr(actor.user, "staff", None)
    if person is not None and ticket.window is not None and person.pk != ticket.staff_id:
        # ORG-5, EVAL-1: someone other than the clerk who called serves only as one who may serve at this window,
        # and from the start of the service the service and its rating are theirs.
        _check_standing(person, ticket.window, now or timezone.now())
        if status == TicketStatus.SERVING:
            extra = {**extra, "staff": person}
    if ticket.status not in allowed:
        raise RuleViolation(Problem.of("status", "ticket %(ticket_display)s is %(status_label)s: %(action)s is not possible (step out of order)", ticket_display=ticket.display, status_label=TicketStatus(ticket.status).label, action=action))
    before = {"status": ticket.status}  # SEC-7: the state it moved from
    ticket.status = status
    if field:
        setattr(ticket, field, now or timezone.now())
    for k, v in extra.items():
        setattr(ticket, k, v)
    ticket.save()
    record(actor, f"ticket.{action}", ticket, before, {"status": status})
    return ticket


@transaction.atomic
def recall(actor: ActorLike, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    return _move(actor, ticket, (TicketStatus.CALLED,), TicketStatus.CALLED, "called_at", now, "recall",
                 recalls=ticket.recalls + 1)


@transaction.atomic
def no_show(actor: ActorLike, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    return _move(actor, ticket, (TicketStatus.CALLED,), TicketStatus.NO_SHOW, None, now, "no_show")


@transaction.atomic
def start(actor: ActorLike, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    return _move(actor, ticket, (TicketStatus.CALLED,), TicketStatus.SERVING, "started_at", now, "start")


@transaction.atomic
def finish(actor: ActorLike, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    return _move(actor, ticket, (TicketStatus.SERVING,), TicketStatus.DONE, "finished_at", now, "finish")


@transaction.atomic
def transfer(actor: ActorLike, ticket: Ticket, to_window: Window, now: dt.datetime | None = None) -> Ticket:
    """Send a called ticket to another window: it waits there again with its original time."""
    if not Post.objects.filter(window=to_window, items=ticket.item).exists():
        raise RuleViolation(Problem.of("window", "%(window_name)s does not serve %(item_name)s", window_name=to_window.name, item_name=ticket.item.name))
    return _move(actor, ticket, (TicketStatus.CALLED, TicketStatus.SERVING), TicketStatus.WAITING, None, now,
                 "transfer", window=None, staff=None)


@transaction.atomic
def rate(actor: ActorLike, ticket: Ticket, level: int, comment: str = "", now: dt.datetime | None = None,
         device_request_id: str | None = None, *, reasons: Iterable[object] = (),
         indicators: Mapping[str, object] | None = None) -> Rating:
    """一次一评 (EVAL-1, EVAL-4): one rating per finished service, bound to the ticket and the clerk who served, with
    the reasons ticked from the level's checklist, a comment and the four offline indicators.

    A poor rating opens a case for the department, due in ``bad_rating_days`` working days (EVAL-2).
    """
    actor = Actor.of(actor)
    now = now or timezone.now()
    if device_request_id:
        existing = Rating.objects.filter(device_request_id=device_request_id).first()
        if existing is not None:
            return existing
    ticket = (Ticket.objects.select_for_update(of=("self",)).select_related("center", "center__policy", "staff")
              .get(pk=ticket.pk))
    # EVAL-1, SEC-5: the rating pad of the window that served, nobody else.
    authorize(actor, "ticket.rate", Target(ticket.center, window=ticket.window))
    problems = []
    if ticket.status != TicketStatus.DONE:
        problems.append(Problem.of("ticket", "%(ticket_display)s has no finished service to rate (EVAL-1)", ticket_display=ticket.display))
    if Rating.objects.filter(ticket=ticket).exists():
        problems.append(Problem.of("ticket", "%(ticket_display)s is already rated: one service, one rating (Q-4)", ticket_display=ticket.display))
    texts, scale, content_problems = rating_content(ticket.center, level, reasons, comment, indicators)
    problems += content_problems
    if problems:
        raise RuleViolation(problems)
    assert ticket.staff is not None and ticket.window is not None  # a finished service had both
    rating = Rating.objects.create(ticket=ticket, staff=ticket.staff, window=ticket.window, level=level,
                                   reasons=texts, comment=comment.strip(), at=now,
                                   device_request_id=device_request_id, **scale)
    record(actor, "rating.create", rating, None, {"ticket": ticket.display, "level": level, "reasons": texts})
    push_rating(rating)  # issue 16: the provincial push, in the rating's own transaction
    _open_bad_case(rating, ticket.center, ticket.queue, now)
    return rating


def _open_bad_case(rating: Rating, center: Center, department: Any, now: dt.datetime) -> None:
    """EVAL-2: a poor rating opens a case for the department, due in ``bad_rating_days`` working days."""
    if rating.level in BAD_LEVELS:
        day = clock.local(center, now).date()
        due = get_calendar(center).add_workdays(day, center.policy.bad_rating_days)
        BadRatingCase.objects.create(rating=rating, department=department, due=due)


# EVAL-4: the national 好差评 reason checklists (国办发〔2019〕51号 practice), loaded for a center on first use.
NATIONAL_REASONS: dict[int, tuple[str, ...]] = {
    5: ("服务热情", "业务熟练", "办事快捷", "一次办好", "办事指南清晰准确", "申报材料精简", "主动告知办理进度",
        "服务环境舒适便利"),
    4: ("服务热情", "业务熟练", "办事快捷", "一次办好", "办事指南清晰准确", "申报材料精简", "主动告知办理进度",
        "服务环境舒适便利"),
    3: ("服务态度一般", "业务熟练程度一般", "排队等候时间较长", "办事指南不够清晰", "办理环节较多",
        "需补充材料", "其他"),
    2: ("窗口人员业务不熟练", "服务态度生硬", "未在承诺时间内办结", "需提供办事指南之外的申报材料", "多次往返",
        "排队等候时间过长", "办事指南不清晰", "未一次性告知所需材料", "推诿扯皮", "其他"),
    1: ("窗口人员业务不熟练", "服务态度生硬", "未在承诺时间内办结", "需提供办事指南之外的申报材料", "多次往返",
        "排队等候时间过长", "办事指南不清晰", "未一次性告知所需材料", "推诿扯皮", "乱收费或变相收费", "吃拿卡要",
        "其他"),
}
LEVEL_NUMBERS = (5, 4, 3, 2, 1)
INDICATOR_FIELDS = tuple(code for code, _label in Rating.INDICATORS)


def load_national_reasons(center: Center) -> int:
    """Load the national checklists for a center that has none yet (EVAL-4); returns how many were added."""
    if RatingReason.objects.filter(center=center).exists():
        return 0
    rows = [RatingReason(center=center, level=level, text=text, sort=n)
            for level, texts in NATIONAL_REASONS.items() for n, text in enumerate(texts, start=1)]
    with transaction.atomic():
        made = RatingReason.objects.bulk_create(rows, ignore_conflicts=True)
    return len(made)


def reasons_of(center: Center) -> dict[int, list[RatingReason]]:
    """The offered reasons per level, best level first (EVAL-4); the national lists on first use."""
    load_national_reasons(center)
    out: dict[int, list[RatingReason]] = {level: [] for level in LEVEL_NUMBERS}
    for reason in RatingReason.objects.filter(center=center, active=True).order_by("-level", "sort", "id"):
        out.setdefault(reason.level, []).append(reason)
    return out


def rating_content(center: Center, level: object, reasons: Iterable[object], comment: str,
                   indicators: Mapping[str, object] | None) -> tuple[list[str], dict[str, int | None], list[Problem]]:
    """Check a rating's national content (EVAL-4): a level of five, reasons only from that level's checklist of
    this center (several may be ticked), a comment within its length (refused when longer, never cut), and each
    of the four offline indicators on the five levels or not given. Returns the reasons' texts, the indicators
    and the problems."""
    problems: list[Problem] = []
    if level not in LEVEL_NUMBERS:
        problems.append(Problem("level", "a rating is one of the five levels, 1 to 5 (EVAL-1)"))
    offered = {r.pk: r for r in reasons_of(center).get(level, [])} if level in LEVEL_NUMBERS else {}
    texts: list[str] = []
    for raw in reasons:
        try:
            pk = int(str(raw))
        except ValueError:
            pk = -1
        if pk not in offered:
            problems.append(Problem.of("reasons", "%(reason)s is not a reason offered for the chosen level (EVAL-4)",
                                       reason=str(raw)[:40]))
        elif offered[pk].text not in texts:
            texts.append(offered[pk].text)
    if len(comment.strip()) > Rating.COMMENT_MAX:
        problems.append(Problem.of("comment", "a comment has at most %(limit)s characters; this one has %(length)s (EVAL-4)",
                                   limit=Rating.COMMENT_MAX, length=len(comment.strip())))
    scale: dict[str, int | None] = {}
    for key, value in (indicators or {}).items():
        if key not in INDICATOR_FIELDS:
            problems.append(Problem.of("indicators", "unknown indicator %(key)s (EVAL-4)", key=str(key)[:40]))
            continue
        if value in (None, ""):
            scale[key] = None
            continue
        try:
            number = int(str(value))
        except ValueError:
            number = 0
        if number not in LEVEL_NUMBERS:
            problems.append(Problem.of(key, "an indicator is one of the five levels, 1 to 5 (EVAL-4)"))
        else:
            scale[key] = number
    return texts, scale, problems


# -- 一事一评: a case rated through its link (EVAL-4) ------------------------------------------------------------
PUBLIC_RATER = gettext_noop("case rating link")


def case_link(case: Any) -> CaseRatingLink:
    """The case's unguessable rating token (EVAL-4), made once; the receipt, result notice and SMS carry it."""
    link = CaseRatingLink.objects.filter(case=case).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            return CaseRatingLink.objects.create(case=case, token=secrets.token_urlsafe(18))
    except IntegrityError:  # made at the same moment by another request
        return CaseRatingLink.objects.get(case=case)


def case_rating_url(case: Any, base: str | None = None) -> str:
    """The full address of the case's rating page (EVAL-4): ``base`` (a page's own address) or the public address
    of the site (``SERVICEHALL_PUBLIC_URL``) before the path."""
    from django.urls import reverse

    from servicehall.core.printouts import site_url

    return site_url(reverse("tickets:rate_case", args=[case_link(case).token]), base)


def case_of_token(token: str) -> Any | None:
    """The case a rating token names, or None."""
    if not token or len(token) > 40:
        return None
    link = CaseRatingLink.objects.filter(token=token).select_related(
        "case__center__policy", "case__clerk", "case__item", "case__department", "case__ticket").first()
    return link.case if link is not None else None


def case_finished(case: Any) -> bool:
    """A case is finished when it is no longer open: decided, delivered, finished on the spot or refused."""
    from servicehall.cases.models import OPEN_STATUSES

    return case.status not in OPEN_STATUSES


@transaction.atomic
def rate_case(case: Any, level: int, comment: str = "", *, reasons: Iterable[object] = (),
              indicators: Mapping[str, object] | None = None, now: dt.datetime | None = None) -> Rating:
    """一事一评 (EVAL-4): the applicant rates a finished case once, from its link, without logging in (PUB-2). The
    rating belongs to the case's accepting clerk; a poor one opens the department's case (EVAL-2)."""
    from servicehall.cases.models import Case

    now = now or timezone.now()
    case = (Case.objects.select_for_update(of=("self",))  # PostgreSQL: not the nullable side of the ticket's join
            .select_related("center__policy", "clerk", "ticket", "department").get(pk=case.pk))
    problems = []
    if not case_finished(case):
        problems.append(Problem.of("case", "case %(number)s is not finished yet: it is rated once it is finished (EVAL-4)",
                                   number=case.number))
    if Rating.objects.filter(rated_case=case).exists():
        problems.append(Problem.of("case", "case %(number)s is already rated: one case, one rating (EVAL-4)",
                                   number=case.number))
    texts, scale, content_problems = rating_content(case.center, level, reasons, comment, indicators)
    problems += content_problems
    if problems:
        raise RuleViolation(problems)
    rating = Rating.objects.create(rated_case=case, staff=case.clerk, window=case.ticket.window if case.ticket else None,
                                   level=level, reasons=texts, comment=comment.strip(), at=now, **scale)
    record(Actor(user=None, label=PUBLIC_RATER, system=True), "rating.create", rating, None,
           {"case": case.number, "level": level, "reasons": texts})
    push_rating(rating)  # issue 16: the provincial push, in the rating's own transaction
    _open_bad_case(rating, case.center, case.department, now)
    return rating


def rectification_open(rating: Rating) -> bool:
    """EVAL-5: the rater may score the rectification of a poor rating once it was verified, held and rectified."""
    bad = BadRatingCase.objects.filter(rating=rating).first()
    return bool(bad is not None and bad.verified and bad.rectification and bad.rectification_score is None)


@transaction.atomic
def score_rectification(rating: Rating, score: object, now: dt.datetime | None = None) -> BadRatingCase:
    """EVAL-5: the rater scores the rectification of their poor rating (满意 / 基本满意 / 不满意), once."""
    now = now or timezone.now()
    bad = BadRatingCase.objects.select_for_update().filter(rating=rating).first()
    if bad is None or not (bad.verified and bad.rectification):
        raise RuleViolation(Problem("rectification_score", "there is no rectification to score yet (EVAL-5)"))
    if bad.rectification_score is not None:
        raise RuleViolation(Problem("rectification_score", "the rectification has been scored: once (EVAL-5)"))
    try:
        value = int(str(score))
    except ValueError:
        value = 0
    if value not in dict(BadRatingCase.RECTIFICATION_SCORES):
        raise RuleViolation(Problem("rectification_score", "the rectification is scored 满意, 基本满意 or 不满意 (EVAL-5)"))
    bad.rectification_score, bad.rectification_scored_at = value, now
    bad.save(update_fields=["rectification_score", "rectification_scored_at"])
    record(Actor(user=None, label=PUBLIC_RATER, system=True), "rating.rectification_score", bad, None,
           {"score": value})
    return bad


# -- 申诉复核 (EVAL-5) ------------------------------------------------------------------------------------------
def _center_of(rating: Rating) -> Center:
    if rating.ticket_id is not None:
        assert rating.ticket is not None
        return rating.ticket.center
    center: Center = rating.rated_case.center  # type: ignore[union-attr]
    return center


@transaction.atomic
def appeal_rating(actor: ActorLike, rating: Rating, ground: str, reason: str,
                  now: dt.datetime | None = None) -> RatingAppeal:
    """申诉 (EVAL-5): the rated clerk appeals a rating as mistaken or malicious, with a reason, once."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    rating = Rating.objects.select_for_update(of=("self",)).select_related("ticket__center", "rated_case__center",
                                                                            "staff").get(pk=rating.pk)
    authorize(actor, "rating.appeal", Target(_center_of(rating), person=rating.staff))
    problems = []
    if RatingAppeal.objects.filter(rating=rating).exists():
        problems.append(Problem("rating", "this rating has been appealed: once (EVAL-5)"))
    if ground not in AppealGround.values:
        problems.append(Problem("ground", "an appeal is for a mistaken or a malicious rating (EVAL-5)"))
    if not reason.strip():
        problems.append(Problem("reason", "an appeal needs a reason (EVAL-5)"))
    elif len(reason.strip()) > 300:
        problems.append(Problem.of("reason", "a reason has at most %(limit)s characters; this one has %(length)s",
                                   limit=300, length=len(reason.strip())))
    if problems:
        raise RuleViolation(problems)
    appeal = RatingAppeal.objects.create(rating=rating, staff=rating.staff, ground=ground, reason=reason.strip(),
                                         filed_at=now)
    record(actor, "rating.appeal", appeal, None, {"rating": rating.pk, "ground": ground, "reason": appeal.reason})
    return appeal


@transaction.atomic
def decide_rating_appeal(actor: ActorLike, appeal: RatingAppeal, upheld: bool, note: str,
                         now: dt.datetime | None = None) -> RatingAppeal:
    """The office upholds or rejects an appeal with a note (EVAL-5). Upheld: the rating leaves assessment and
    stays on record (申诉成立)."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    appeal = RatingAppeal.objects.select_for_update(of=("self",)).select_related(
        "rating__ticket__center", "rating__rated_case__center").get(pk=appeal.pk)
    authorize(actor, "rating.appeal.decide", Target(_center_of(appeal.rating)))
    problems = []
    if appeal.decided_at is not None:
        problems.append(Problem("appeal", "this appeal has been decided (EVAL-5)"))
    if actor.staff is not None and actor.staff.pk == appeal.staff_id:
        problems.append(Problem("appeal", "nobody decides their own appeal (EVAL-5)"))
    if not note.strip():
        problems.append(Problem("note", "a decision gives its note (EVAL-5)"))
    elif len(note.strip()) > 300:
        problems.append(Problem.of("note", "a note has at most %(limit)s characters; this one has %(length)s",
                                   limit=300, length=len(note.strip())))
    if problems:
        raise RuleViolation(problems)
    before = {"upheld": appeal.upheld}
    appeal.upheld, appeal.note, appeal.decided_at = upheld, note.strip(), now
    appeal.decided_by = actor.staff or getattr(actor.user, "staff", None)
    appeal.save()
    record(actor, "rating.appeal.decide", appeal, before, {"upheld": upheld, "note": appeal.note})
    return appeal


# -- the reason lists as data (EVAL-4) --------------------------------------------------------------------------
@transaction.atomic
def save_reason(actor: ActorLike, center: Center, level: object, text: str, *, sort: object = 0,
                active: bool = True, reason: RatingReason | None = None) -> RatingReason:
    """The office adds or changes an entry of a level's checklist (EVAL-4); an entry is retired (not offered),
    never deleted, so ratings keep their words."""
    actor = Actor.of(actor)
    authorize(actor, "rating.reasons", Target(center))
    load_national_reasons(center)
    problems = []
    if level not in LEVEL_NUMBERS:
        problems.append(Problem("level", "a rating is one of the five levels, 1 to 5 (EVAL-1)"))
    text = text.strip()
    if not text:
        problems.append(Problem("text", "a reason has its words (EVAL-4)"))
    elif len(text) > 40:
        problems.append(Problem.of("text", "a reason has at most %(limit)s characters; this one has %(length)s",
                                   limit=40, length=len(text)))
    try:
        order = int(str(sort or 0))
    except ValueError:
        order = -1
    if not 0 <= order <= 999:
        problems.append(Problem("sort", "the order is a number from 0 to 999"))
    if reason is not None and reason.center_id != center.pk:
        problems.append(Problem("reason", "not a reason of this center"))
    clash = RatingReason.objects.filter(center=center, level=int(str(level)) if level in LEVEL_NUMBERS else 0,
                                        text=text)
    if reason is not None:
        clash = clash.exclude(pk=reason.pk)
    if text and clash.exists():
        problems.append(Problem.of("text", "%(text)s is already on this level's list", text=text))
    if problems:
        raise RuleViolation(problems)
    before = None if reason is None else {"level": reason.level, "text": reason.text, "sort": reason.sort,
                                          "active": reason.active}
    row = reason or RatingReason(center=center)
    row.level, row.text, row.sort, row.active = int(str(level)), text, order, active
    row.save()
    record(actor, "rating.reasons", row, before, {"level": row.level, "text": row.text, "sort": row.sort,
                                                  "active": row.active})
    return row


@transaction.atomic
def handle_bad_rating(actor: ActorLike, case: BadRatingCase, *, verified: bool, rectification: str = "", answer: str = "",
                      visited: bool = False, now: dt.datetime | None = None) -> BadRatingCase:
    """The department's loop for a poor rating (EVAL-2): verify; if it holds, rectify; answer the rater; follow-up
    visit. The case closes once answered and visited."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    case = BadRatingCase.objects.select_for_update(of=("self",)).select_related("department__center").get(pk=case.pk)
    authorize(actor, "rating.handle", Target(case.department.center, department=case.department))
    if case.closed_at:
        raise RuleViolation(Problem("case", "this bad rating has been closed"))
    problems = []
    if verified and not rectification.strip():
        problems.append(Problem("rectification", "a rating that holds needs its rectification (EVAL-2)"))
    if visited and not answer.strip():
        problems.append(Problem("answer", "the rater is answered before the follow-up visit is recorded (EVAL-2)"))
    if problems:
        raise RuleViolation(problems)
    case.verified = verified
    case.rectification = rectification.strip()[:300]
    case.answer = answer.strip()[:300]
    if visited:
        case.visited_at = now
        case.closed_at = now
    case.save()
    record(actor, "rating.bad_case", case, None, {"verified": verified, "answered": bool(case.answer),
                                                  "closed": bool(case.closed_at)})
    return case


def satisfaction(ratings: Iterable[Rating]) -> dict[str, float | int]:
    """Share of 满意 and 非常满意 among ratings, and the count (EVAL-3)."""
    levels = [r.level for r in ratings]
    good = sum(1 for x in levels if x >= 4)
    return {"count": len(levels), "satisfied": round(100 * good / len(levels), 1) if levels else 0.0,
            "bad": sum(1 for x in levels if x in BAD_LEVELS)}


# -- tickets from a phone, the queue's limits, moving a ticket to the front -------------------------------
REMOTE_PER_PHONE = 3  # remote tickets one mobile number takes a day: a family's errands, never a tout's
REMOTE_TAKER = gettext_noop("phone ticket page")


def remote_actor() -> Actor:
    """Who takes and cancels a ticket on the public phone page (Q-7, PUB-2): nobody signed in."""
    return Actor(user=None, label=REMOTE_TAKER, system=True)


def take_remote_ticket(center: Center, item_code: str, phone: str, now: dt.datetime | None = None) -> Ticket:
    """取号 from a phone (Q-7): a ticket for today for an item within its ticket hours and daily cap — the same
    issue path as the kiosk (``issue_ticket``), recorded with the channel ``remote``, the holder's mainland
    mobile number (masked everywhere it is shown, SEC-3) and the token of its page. One number takes at most
    ``REMOTE_PER_PHONE`` tickets a day."""
    now = now or timezone.now()
    try:
        phone = validate_mobile(phone)
    except ValueError:
        raise RuleViolation(Problem("phone", "a mainland mobile number: 11 digits starting with 1 (Q-7)")) from None
    today = clock.local(center, now).date()
    if Ticket.objects.filter(center=center, day=today, channel=TicketChannel.REMOTE, phone=phone).count() \
            >= REMOTE_PER_PHONE:
        raise RuleViolation(Problem.of("phone", "this mobile number has taken %(limit)s tickets today, the most one "
                                       "number may take (Q-7)", limit=REMOTE_PER_PHONE))
    with transaction.atomic():
        return issue_ticket(remote_actor(), center, item_code, channel=TicketChannel.REMOTE, phone=phone, now=now)


def remote_ticket(token: str) -> Ticket | None:
    """The remote ticket a page token names (Q-7), or None."""
    if not token or len(token) > 40:
        return None
    return Ticket.objects.filter(token=token, channel=TicketChannel.REMOTE).select_related(
        "center__policy", "item", "queue", "window", "front_by").first()


def remote_ticket_url(ticket: Ticket, base: str | None = None) -> str:
    """The full address of a remote ticket's page (Q-7): ``base`` or ``SERVICEHALL_PUBLIC_URL`` before the path."""
    from django.urls import reverse

    from servicehall.core.printouts import site_url

    return site_url(reverse("tickets:remote_ticket", args=[ticket.token]), base)


def tell_near(center: Center, called_item: ServiceItem, now: dt.datetime) -> int:
    """Q-7, after a call: every remote ticket sharing windows with the called item that now has ``notify_ahead``
    people ahead (or fewer, when a cancellation skipped the number) and was not told yet is told once — the
    ``ticket-near`` SMS, recorded in this transaction and sent by the worker after it commits (a rolled-back call
    texts nobody); its page says so from then on. Returns how many were told."""
    from servicehall.core import sms

    from . import estimate

    day = clock.local(center, now).date()
    told = 0
    for ticket in (Ticket.objects.select_for_update(of=("self",)).select_related("item", "queue")
                   .filter(center=center, day=day, status=TicketStatus.WAITING, channel=TicketChannel.REMOTE,
                           near_at__isnull=True, item__in=_items_sharing_windows(called_item))):
        ahead = estimate.ahead_of(ticket)
        if ahead > center.policy.notify_ahead:
            continue  # still far back: no estimate worked out for it (this runs inside every call)
        _ahead, minutes = estimate.for_ticket(ticket, now, ahead)
        ticket.near_at = now
        ticket.save(update_fields=["near_at"])
        record(remote_actor(), "ticket.near", ticket, None, {"ahead": ahead, "phone": mask_phone(ticket.phone)})
        sms.send_template(center, ticket.phone, "ticket-near", now=now, number=ticket.display, ahead=ahead,
                          minutes=minutes, department=ticket.queue.name, item=ticket.item.name,
                          link=remote_ticket_url(ticket))
        told += 1
    return told


@transaction.atomic
def cancel_remote_ticket(ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    """The holder cancels their remote ticket from its page (Q-7): it leaves the queue (and gives its place of the
    daily cap back); audited. Only a waiting ticket is cancelled."""
    now = now or timezone.now()
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.channel != TicketChannel.REMOTE:
        raise RuleViolation(Problem("ticket", "only a ticket taken from a phone is cancelled on its page (Q-7)"))
    if ticket.status != TicketStatus.WAITING:
        raise RuleViolation(Problem.of("status", "ticket %(ticket_display)s is %(status_label)s: only a waiting ticket "
                                       "can be cancelled (Q-7)", ticket_display=ticket.display,
                                       status_label=TicketStatus(ticket.status).label))
    before = {"status": ticket.status}
    ticket.status, ticket.cancelled_at = TicketStatus.CANCELLED, now
    ticket.save(update_fields=["status", "cancelled_at"])
    record(remote_actor(), "ticket.cancel", ticket, before, {"status": ticket.status})
    return ticket


@transaction.atomic
def move_to_front(actor: ActorLike, ticket: Ticket, reason: str, now: dt.datetime | None = None) -> Ticket:
    """Q-7: the office or the guide desk moves a waiting ticket to the front of its queue — only with a reason
    (required, at most ``Ticket.FRONT_REASON_MAX`` characters), audited and shown on the ticket. A moved ticket
    is called before every other (the earliest moved first)."""
    actor = Actor.of(actor)
    now = now or timezone.now()
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("center").get(pk=ticket.pk)
    authorize(actor, "ticket.front", Target(ticket.center))
    problems = []
    if ticket.status != TicketStatus.WAITING:
        problems.append(Problem.of("status", "ticket %(ticket_display)s is %(status_label)s: only a waiting ticket "
                                   "is moved to the front (Q-7)", ticket_display=ticket.display,
                                   status_label=TicketStatus(ticket.status).label))
    elif ticket.day != clock.local_date(ticket.center, now):
        problems.append(Problem.of("ticket", "ticket %(ticket_display)s is of %(day)s, not of today: only today's "
                                   "queue is moved (Q-7)", ticket_display=ticket.display, day=ticket.day.isoformat()))
    elif ticket.front_at is not None:
        problems.append(Problem.of("ticket", "ticket %(ticket_display)s is already at the front (Q-7)",
                                   ticket_display=ticket.display))
    text = (reason or "").strip()
    if not text:
        problems.append(Problem("front_reason", "a ticket is moved to the front only with a reason (Q-7)"))
    elif len(text) > Ticket.FRONT_REASON_MAX:
        problems.append(Problem.of("front_reason", "a reason has at most %(limit)s characters; this one has "
                                   "%(length)s", limit=Ticket.FRONT_REASON_MAX, length=len(text)))
    if problems:
        raise RuleViolation(problems)
    ticket.front_at, ticket.front_reason = now, text
    ticket.front_by = actor.staff or getattr(actor.user, "staff", None)
    ticket.save(update_fields=["front_at", "front_reason", "front_by"])
    record(actor, "ticket.front", ticket, {"front_at": None}, {"ticket": ticket.display, "reason": text})
    return ticket


def _limit_number(raw: object, field: str, problems: list[Problem]) -> int:
    try:
        value = int(str(raw).strip() or 0)
    except ValueError:
        value = -1
    if not 0 <= value <= 9999:
        problems.append(Problem(field, "a whole number from 0 (none) to 9999 (Q-7)"))
    return value


@transaction.atomic
def save_queue_limit(actor: ActorLike, center: Center, item: ServiceItem, daily_cap: object,
                     alarm_at: object) -> QueueLimit:
    """The office sets an item's daily cap and waiting alarm (Q-7); 0 is none. Audited."""
    actor = Actor.of(actor)
    authorize(actor, "queue.limits", Target(center))
    problems: list[Problem] = []
    if item.center_id != center.pk:
        problems.append(Problem("item", "not a service item of this center"))
    cap = _limit_number(daily_cap, "daily_cap", problems)
    alarm = _limit_number(alarm_at, "alarm_at", problems)
    if problems:
        raise RuleViolation(problems)
    row = QueueLimit.objects.select_for_update().filter(item=item).first() or QueueLimit(item=item)
    before = None if row.pk is None else {"daily_cap": row.daily_cap, "alarm_at": row.alarm_at}
    row.daily_cap, row.alarm_at = cap, alarm
    row.save()
    record(actor, "queue.limits", row, before, {"item": item.code, "daily_cap": cap, "alarm_at": alarm})
    return row


def full_items(center: Center, item_ids: Iterable[int], day: dt.date) -> set[int]:
    """The items whose daily cap is reached on ``day`` (Q-7): shown as full at the kiosk and on the phone page."""
    from django.db.models import Count

    caps = dict(QueueLimit.objects.filter(item__in=list(item_ids), daily_cap__gt=0).values_list("item", "daily_cap"))
    if not caps:
        return set()
    taken = dict(Ticket.objects.filter(center=center, day=day, item__in=list(caps))
                 .exclude(status=TicketStatus.CANCELLED).values("item").annotate(n=Count("id")).values_list("item", "n"))
    return {pk for pk, cap in caps.items() if taken.get(pk, 0) >= cap}
