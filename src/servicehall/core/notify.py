"""Alerts to staff and messages to the public, through pluggable notifiers, sent after the write commits.

The apps decide who is told what (duty: vacancies to the window head and the center office, NV-1; feedback:
overdue matters); this module only delivers.

``SERVICEHALL_NOTIFIERS`` lists dotted paths of classes with ``send(center, recipients, key, text)``. The
default is the in-app list; ``SmsNotifier`` sends the alerts by SMS as well. Every SMS goes through one
component, :mod:`servicehall.core.sms` (backends, templates, rate limit, retries).
"""

from __future__ import annotations

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


class SmsNotifier:
    """Staff alerts by SMS as well: each recipient with a phone gets the alert through the SMS component
    (:mod:`servicehall.core.sms`, template ``staff-alert``), sent by the worker with its retries."""

    def send(self, center, recipients: Iterable[Any], key: str, text: str) -> None:
        from . import sms

        for person in recipients:
            if getattr(person, "phone", ""):
                sms.send_template(center, person.phone, "staff-alert", text=text)


ConsoleSms = SmsNotifier  # the former name; which backend sends is ``SERVICEHALL_SMS_BACKEND`` now


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


def sms_to(phone: str, text: str, center: Any = None, key: str = "") -> bool:
    """A message to a member of the public through the SMS component (:func:`servicehall.core.sms.queue`):
    recorded in the caller's transaction and sent by the worker — a rolled-back write texts nobody. True when
    a message was recorded (there is a phone and SMS is on). New code sends by template key with
    :func:`servicehall.core.sms.send_template`."""
    from . import sms

    return sms.queue(phone, text, center=center, key=key) is not None
