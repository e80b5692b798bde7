"""Alerts about vacancies to the window head and the center office (NV-1), through pluggable notifiers.

``SERVICEHALL_NOTIFIERS`` lists dotted paths of classes with ``send(center, recipients, key, text)``.
The default is the in-app list; ``ConsoleSms`` is the SMS backend's console implementation, a real
SMS gateway implements the same ``SmsBackend.send_sms``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from servicehall.org.choices import Role
from servicehall.org.models import Staff

from .models import Notification


class InAppNotifier:
    """The default: a row per recipient in the in-app list, once per key."""

    def send(self, center, recipients: Iterable[Staff], key: str, text: str) -> None:
        for person in recipients:
            try:
                with transaction.atomic():
                    Notification.objects.create(center=center, recipient=person, key=key, text=text[:300])
            except IntegrityError:
                pass  # already told


class SmsBackend:
    """Interface of an SMS gateway: one message to one phone number."""

    def send_sms(self, phone: str, text: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def send(self, center, recipients: Iterable[Staff], key: str, text: str) -> None:
        for person in recipients:
            if person.phone:
                self.send_sms(person.phone, text)


class ConsoleSms(SmsBackend):
    """Writes the SMS that would be sent to standard error (development, demo)."""

    def send_sms(self, phone: str, text: str) -> None:
        sys.stderr.write(f"[sms to {phone[:3]}****{phone[-4:]}] {text}\n")


def notifiers() -> list:
    paths = getattr(settings, "SERVICEHALL_NOTIFIERS", ["servicehall.duty.notify.InAppNotifier"])
    return [import_string(p)() for p in paths]


def send(center, people: Iterable[Staff], key: str, text: str) -> None:
    """Tell each person once per key, through every configured notifier — after the write that caused it has
    committed (ARCHITECTURE: side effects with ``transaction.on_commit``): a rolled-back write tells nobody."""
    people = list({p.pk: p for p in people}.values())
    chosen = notifiers()

    def deliver() -> None:
        for n in chosen:
            n.send(center, people, key, text)

    transaction.on_commit(deliver)


def sms_to(phone: str, text: str) -> bool:
    """A message to a member of the public through every configured SMS backend, sent once the write commits;
    True when a backend will take it (there is a phone and an SMS backend is configured)."""
    backends = [n for n in notifiers() if isinstance(n, SmsBackend)] if phone else []

    def deliver() -> None:
        for n in backends:
            n.send_sms(phone, text)

    if backends:
        transaction.on_commit(deliver)
    return bool(backends)


def office_of(center) -> list[Staff]:
    return list(Staff.objects.filter(center=center, roles__role=Role.OFFICE, active=True))


def recipients_for(post) -> list[Staff]:
    heads = Staff.objects.filter(center=post.center, department=post.department, roles__role=Role.WINDOW_HEAD,
                                 active=True)
    office = Staff.objects.filter(center=post.center, roles__role=Role.OFFICE, active=True)
    return list({s.pk: s for s in list(heads) + list(office)}.values())


def notify_vacancies(center, vacancies) -> None:
    for v in vacancies:
        local = v.start.astimezone(__import__("zoneinfo").ZoneInfo(center.timezone))
        text = (f"{v.post.window.name}（{v.post.code}）自 {local:%m-%d %H:%M} 起无人在岗"
                f"{'，仍在继续' if v.open else f'，共 {v.minutes} 分钟'}：{v.reason}")
        key = f"vacancy:{v.post.code}:{local:%Y%m%d%H%M}"
        send(center, recipients_for(v.post), key, text)
