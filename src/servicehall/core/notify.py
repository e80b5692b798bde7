"""Alerts to staff and messages to the public, through pluggable notifiers, sent after the write commits.

The apps decide who is told what (duty: vacancies to the window head and the center office, NV-1; feedback:
overdue matters); this module only delivers.

``SERVICEHALL_NOTIFIERS`` lists dotted paths of classes with ``send(center, recipients, key, text)``. The
default is the in-app list; ``ConsoleSms`` is the SMS backend's console implementation, a real SMS gateway
implements the same ``SmsBackend.send_sms``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from .models import Notification


class InAppNotifier:
    """The default: a row per recipient in the in-app list, once per key."""

    def send(self, center, recipients: Iterable[Any], key: str, text: str) -> None:
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

    def send(self, center, recipients: Iterable[Any], key: str, text: str) -> None:
        for person in recipients:
            if person.phone:
                self.send_sms(person.phone, text)


class ConsoleSms(SmsBackend):
    """Writes the SMS that would be sent to standard error (development, demo)."""

    def send_sms(self, phone: str, text: str) -> None:
        sys.stderr.write(f"[sms to {phone[:3]}****{phone[-4:]}] {text}\n")


def notifiers() -> list:
    paths = getattr(settings, "SERVICEHALL_NOTIFIERS", ["servicehall.core.notify.InAppNotifier"])
    return [import_string(p)() for p in paths]


def send(center, people: Iterable[Any], key: str, text: str) -> None:
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
