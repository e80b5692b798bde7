"""Alerts the worker sends (FIR-4, CMP-4): overdue transfers to both people and the office; overdue supervision
orders escalate to the department's leaders and window heads and to the office. Each is sent once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from servicehall.core import clock
from servicehall.core.notify import send
from servicehall.duty.alerts import office_of
from servicehall.org.calendar import get_calendar
from servicehall.org.choices import Role
from servicehall.org.models import Center, Staff

from . import services
from .inquiries import overdue_transfers


def department_heads(center: Center, department_id: int | None) -> list[Staff]:
    if department_id is None:
        return []
    return list(Staff.objects.filter(center=center, department_id=department_id, active=True,
                                     roles__role__in=[Role.DEPT_LEADER, Role.WINDOW_HEAD]).distinct())


@transaction.atomic
def alert_overdue_inquiries(center: Center, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    rows = (overdue_transfers(center, clock.today(center, now)).filter(overdue_alerted_at__isnull=True)
            .select_related("responsible", "to_staff", "to_window").select_for_update(of=("self",)))
    office = office_of(center)
    n = 0
    for inq in rows:
        to = inq.to_staff.name if inq.to_staff else inq.to_window.name if inq.to_window else "—"
        text = (f"首问转办逾期：{inq.asker}「{inq.matter[:40]}」由 {inq.responsible.name} 转 {to}，"
                f"应于 {inq.due:%m-%d} 前办结，仍未办结")
        receivers = ([inq.to_staff] if inq.to_staff else
                     department_heads(center, inq.to_window.department_id) if inq.to_window else [])
        people = [inq.responsible, *receivers, *office]
        send(center, people, f"inquiry-overdue:{inq.pk}:{inq.due:%Y%m%d}", text)
        inq.overdue_alerted_at = now
        inq.save(update_fields=["overdue_alerted_at"])
        n += 1
    return n


def alert_overdue_orders(center: Center, now: dt.datetime | None = None) -> int:
    escalated = services.escalate_overdue(center, now)
    office = office_of(center)
    for c in escalated:
        text = (f"投诉督办逾期：{c.code}（{c.department.name if c.department else '—'}）应于 {c.due:%m-%d} 前"
                f"书面答复，尚未答复，已升级督办")
        send(center, [*department_heads(center, c.department_id), *office], f"complaint-overdue:{c.code}", text)
    return len(escalated)


def tick(now: dt.datetime | None = None) -> tuple[int, int]:
    """One pass over every center whose calendar covers today."""
    now = now or timezone.now()
    inquiries = orders = 0
    for center in Center.objects.select_related("policy"):
        if not get_calendar(center).covers(clock.today(center, now).year):
            continue
        inquiries += alert_overdue_inquiries(center, now)
        orders += alert_overdue_orders(center, now)
    return inquiries, orders
