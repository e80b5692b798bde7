"""Tickets from a phone (Q-7, PUB-2): the public phone page reached by a QR code at the hall entrance and on the
home page — take a ticket for today, follow its position and estimated wait, cancel it — and the office's queue
settings page: each item's daily cap and waiting alarm, moving a waiting ticket to the front with a reason."""

from __future__ import annotations

from collections import OrderedDict

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.audit.context import address_of
from servicehall.audit.services import Actor
from servicehall.catalog.models import ServiceItem
from servicehall.core import clock, once
from servicehall.core.printouts import public_url, qr_svg
from servicehall.errors import RuleViolation, labels_of, shown
from servicehall.org.access import current_center, may
from servicehall.org.models import Post
from servicehall.org.permissions import Forbidden
from servicehall.pages import pk_of
from servicehall.rules.identity import mask_phone

from . import estimate
from . import services as q
from .models import QueueLimit, Ticket, TicketChannel, TicketStatus

# tickets taken (not attempts: a typo or a full item costs nothing) from one address in ADDRESS_WINDOW
# seconds. The hall's own Wi-Fi, where the entrance QR code is scanned, and a carrier's shared address put many
# honest phones behind one address, so the bound is a script's, not a family's; one number is held to
# ``services.REMOTE_PER_PHONE`` a day besides.
ADDRESS_TICKETS, ADDRESS_WINDOW = 300, 3600


def _address_key(request) -> str:
    return f"remote-ticket:{address_of(request)}"


def _address_limited(request) -> bool:
    return (cache.get(_address_key(request)) or 0) >= ADDRESS_TICKETS


def _address_took_one(request) -> None:
    key = _address_key(request)
    if not cache.add(key, 1, ADDRESS_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls: this is the first of a new window
            cache.add(key, 1, ADDRESS_WINDOW)


def offered(center, query: str = "", now=None) -> OrderedDict:
    """The items a ticket may be taken for — at the kiosk and from a phone — by department, each marked issuing,
    full (Q-7's daily cap) or when its ticket hours open (Q-1, Q-7); ``query`` narrows them by name."""
    now = now or timezone.now()
    served = set(Post.objects.filter(center=center).values_list("items", flat=True))
    items = ServiceItem.objects.filter(center=center, active=True, pk__in=served).select_related("department")
    if query:
        items = items.filter(name__contains=query)
    listed = list(items.order_by("department__sort", "code"))
    hours = q.ticket_hours(center, listed, now)
    full = q.full_items(center, [i.pk for i in listed], clock.local(center, now).date())
    groups: OrderedDict = OrderedDict()
    for item in listed:
        opens = hours.get(item.pk)
        at = None if opens is None or opens == now else clock.local(center, opens)
        setattr(item, "issuing", opens == now and item.pk not in full)  # noqa: B010  (read by the template)
        setattr(item, "full", item.pk in full)  # noqa: B010
        setattr(item, "opens", at)  # noqa: B010
        setattr(item, "opens_today", at is not None and at.date() == clock.local(center, now).date())  # noqa: B010
        groups.setdefault(item.department, []).append(item)
    return groups


def _labels():
    return labels_of(Ticket, phone=_("Mobile phone"))  # the field as the page names it


def remote(request):
    """取号 from a phone (Q-7): pick an item within its ticket hours, give a mobile number, get the ticket's page."""
    center = current_center(request)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if _address_limited(request):
            errors, status = [_("Too many tickets were taken from this network in the last hour; please take a number "
                                "at the kiosk in the hall.")], 429
        else:
            try:
                with transaction.atomic():
                    sent = once.claim(request)  # SEC-2: pressed twice, one ticket
                    ticket = sent.made(q.take_remote_ticket(center, request.POST.get("item", ""),
                                                            request.POST.get("phone", "")))
                _address_took_one(request)
                return redirect("tickets:remote_ticket", token=ticket.token)
            except once.AlreadySent as first:  # the first press's ticket
                if isinstance(first.record, Ticket) and first.record.token:
                    return redirect("tickets:remote_ticket", token=first.record.token)
                return once.sent_before(request, "tickets:remote")
            except RuleViolation as exc:
                errors = [shown(p, labels=_labels(), public=True) for p in exc.problems]
                status = 422
    groups = offered(center, now=timezone.now())
    every = [i for items in groups.values() for i in items]
    opens = [i.opens for i in every if i.opens is not None and not i.full]
    return render(request, "tickets/remote.html", {
        "center": center, "groups": groups, "errors": errors, "issuing": any(i.issuing for i in every),
        "next_open": min(opens) if opens else None,  # when nothing is issued now: the earliest ticket hours
        "phone": request.POST.get("phone", "") if errors else "", "chosen": request.POST.get("item", "")},
        status=status)


def remote_ticket(request, token: str):
    """A remote ticket's own page (Q-7): position, estimated wait, whether the turn is near, cancel."""
    ticket = q.remote_ticket(token)
    if ticket is None:
        raise Http404(_("No such ticket."))
    errors: list[str] = []
    if request.method == "POST" and request.POST.get("action") == "cancel":
        try:
            q.cancel_remote_ticket(ticket)
            return redirect("tickets:remote_ticket", token=token)
        except RuleViolation as exc:
            errors = [shown(p, labels=_labels(), public=True) for p in exc.problems]
    ahead = minutes = None
    if ticket.status == TicketStatus.WAITING:
        ahead, minutes = estimate.for_ticket(ticket, timezone.now())
    return render(request, "tickets/remote_ticket.html", {
        "center": ticket.center, "ticket": ticket, "ahead": ahead, "minutes": minutes, "errors": errors,
        "phone": mask_phone(ticket.phone), "waiting": ticket.status == TicketStatus.WAITING,
        "near": ticket.near_at is not None or (ahead is not None and ahead <= ticket.center.policy.notify_ahead),
        "notify_ahead": ticket.center.policy.notify_ahead, "recent": estimate.RECENT})


def _remote_url(request) -> str:
    return public_url(request, reverse("tickets:remote"))


def remote_qr(request):
    """The phone page's QR code as an SVG image (Q-7), made on this server."""
    current_center(request)
    return HttpResponse(segno.make(_remote_url(request), error="m").svg_inline(scale=4),
                        content_type="image/svg+xml")


def poster(request):
    """The printable "take a number from your phone" poster for the hall entrance (Q-7)."""
    center = current_center(request)
    url = _remote_url(request)
    return render(request, "tickets/remote_poster.html", {"center": center, "url": url, "qr": qr_svg(url, fit=True)})


def home_block(request) -> dict:
    """For the home page: the phone page's address and QR code (Q-7)."""
    url = _remote_url(request)
    return {"remote_url": url, "remote_qr": qr_svg(url, scale=3)}


@login_required
def queue_settings(request):
    """The office's queue settings (Q-7): each item's daily cap and waiting alarm (the office), and today's
    waiting tickets, each movable to the front with a reason (the office and the guide desk)."""
    center = current_center(request)
    may_limits, may_front = may(request, "queue.limits", center), may(request, "ticket.front", center)
    if not (may_limits or may_front):
        raise Forbidden("queue.limits")
    actor = Actor.of(request.user)
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "front":
                ticket = get_object_or_404(Ticket, pk=pk_of(request.POST.get("ticket")) or 0, center=center)
                q.move_to_front(actor, ticket, request.POST.get("front_reason", ""))
                messages.success(request, _("Ticket %(ticket)s moved to the front.") % {"ticket": ticket.display})
            else:
                item = get_object_or_404(ServiceItem, pk=pk_of(request.POST.get("item")) or 0, center=center)
                q.save_queue_limit(actor, center, item, request.POST.get("daily_cap", ""),
                                   request.POST.get("alarm_at", ""))
                messages.success(request, _("Queue limits of %(item)s saved.") % {"item": item.name})
            return redirect("tickets:queue_settings")
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(Ticket, QueueLimit)) for p in exc.problems]
    today = clock.today(center)
    served = set(Post.objects.filter(center=center).values_list("items", flat=True))
    items = list(ServiceItem.objects.filter(center=center, active=True, pk__in=served).select_related("department")
                 .order_by("department__sort", "code"))
    limits = {r.item_id: r for r in QueueLimit.objects.filter(item__in=items)}
    full = q.full_items(center, [i.pk for i in items], today)
    for item in items:
        setattr(item, "limit", limits.get(item.pk))  # noqa: B010  (read by the template)
        setattr(item, "full", item.pk in full)  # noqa: B010
    waiting = list(Ticket.objects.filter(center=center, day=today, status=TicketStatus.WAITING)
                   .select_related("item", "front_by").order_by("front_at", "issued_at")[:200])
    for t in waiting:
        setattr(t, "masked_phone", mask_phone(t.phone))  # noqa: B010  (SEC-3)
    return render(request, "tickets/queue_settings.html", {
        "center": center, "items": items, "waiting": waiting, "errors": errors, "may_limits": may_limits,
        "may_front": may_front, "remote": TicketChannel.REMOTE, "reason_max": Ticket.FRONT_REASON_MAX})
