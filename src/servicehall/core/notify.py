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
from django.utils.translation import gettext_lazy as _

from .models import MutedKind, Notification, NotificationState

# The kinds of alert the system sends — the first part of an alert's key — with the names people read
# (issue 17 item 3). A person may mute any but the digest: a muted kind reaches them only in the daily digest.
KINDS: dict[str, Any] = {
    "vacancy": _("Vacancies"),  # NV-1, duty.alerts
    "queue-alarm": _("Queue alarms"),
    "inquiry-overdue": _("Overdue transferred inquiries"),  # FIR-4
    "complaint-overdue": _("Overdue supervision orders"),  # CMP-4
    "complaint-order": _("Supervision orders"),  # CMP-4
    "complaint-withdrawn": _("Complaints withdrawn after explanation"),  # CMP-3
    "replacement": _("Replacement requests"),  # ASM-2
    "backup-off": _("Backup not configured"),  # SEC-4
    "backup-failed": _("Backup failed"),  # SEC-4
    "digest": _("Daily digest"),
}
UNMUTABLE = frozenset({"digest"})
IN_APP_ONLY = frozenset({"digest"})  # the digest is read in the list (too long for a text message)


def kind_of(key: str) -> str:
    return key.partition(":")[0]


def kind_name(kind: str) -> Any:
    return KINDS.get(kind, kind)


def mutable_kinds() -> list[str]:
    return [k for k in KINDS if k not in UNMUTABLE]


def muted_among(people: Iterable[Any], kind: str) -> set[int]:
    """The pks of ``people`` who muted ``kind`` (one query)."""
    if kind in UNMUTABLE:
        return set()
    pks = [p.pk for p in people]
    return set(MutedKind.objects.filter(staff_id__in=pks, kind=kind).values_list("staff_id", flat=True)) if pks else set()


class InAppNotifier:
    """The default: a row per recipient in the in-app list, once per key. A recipient who muted the kind gets
    the row already read (not shown as new) and marked muted; the daily digest lists it."""

    def send(self, center, recipients: Iterable[Any], key: str, text: str) -> None:
        recipients = list(recipients)
        muted = muted_among(recipients, kind_of(key))
        for person in recipients:
            quiet = person.pk in muted
            try:
                with transaction.atomic():
                    Notification.objects.create(center=center, recipient=person, key=key, text=text[:1000],
                                                muted=quiet, read=quiet)
            except IntegrityError:
                pass  # already told


class SmsNotifier:
    """Staff alerts by SMS as well: each recipient with a phone gets the alert through the SMS component
    (:mod:`servicehall.core.sms`, template ``staff-alert``), sent by the worker with its retries."""

    def send(self, center, recipients: Iterable[Any], key: str, text: str) -> None:
        from . import sms

        if kind_of(key) in IN_APP_ONLY:
            return
        recipients = list(recipients)
        muted = muted_among(recipients, kind_of(key))  # a muted kind is not pushed (issue 17 item 3)
        for person in recipients:
            if getattr(person, "phone", "") and person.pk not in muted:
                sms.send_template(center, person.phone, "staff-alert", text=text)


ConsoleSms = SmsNotifier  # the former name; which backend sends is ``SERVICEHALL_SMS_BACKEND`` now


def notifiers() -> list:
    paths = getattr(settings, "SERVICEHALL_NOTIFIERS", ["servicehall.core.notify.InAppNotifier"])
    return [import_string(p)() for p in paths]


def unread(recipient: Any) -> int:
    """How many alerts ``recipient`` has not read, as every badge counts them (issue 17 item 3): alerts of a kind
    they muted (those go to the daily digest) and withdrawn alerts are not counted as unread."""
    from django.db.models import Q

    if recipient is None:
        return 0
    rows = Notification.objects.filter(recipient=recipient, read=False, muted=False).exclude(
        state=NotificationState.WITHDRAWN)
    muted = [k for k in MutedKind.objects.filter(staff=recipient).values_list("kind", flat=True) if k not in UNMUTABLE]
    if muted:
        not_muted = Q()
        for kind in muted:
            not_muted |= Q(key__startswith=f"{kind}:") | Q(key=kind)
        rows = rows.exclude(not_muted)
    return rows.count()


def send(center, people: Iterable[Any], key: str, text: str) -> None:
    """Tell each person once per key, through every configured notifier — after the write that caused it has
    committed (ARCHITECTURE: side effects with ``transaction.on_commit``): a rolled-back write tells nobody."""
    people = list({p.pk: p for p in people}.values())
    chosen = notifiers()

    def deliver() -> None:
        for n in chosen:
            n.send(center, people, key, text)

    transaction.on_commit(deliver)


def revise(center, recipient: Any, key: str, text: str, now: Any = None, news: bool = False) -> bool:
    """The alert ``key`` already sent to ``recipient`` now says ``text`` (its matter changed: a vacancy ended):
    the same row, marked updated — or back from withdrawn when its matter holds again. ``news``: it tells of
    something new (another post empty in its minute, a vacancy back): unread again, unless its kind is muted.
    True when changed."""
    from django.db.models import F
    from django.utils import timezone

    from .models import NotificationState

    fields: dict[str, Any] = {"text": text[:1000], "state": NotificationState.UPDATED, "why": "",
                              "changed_at": now or timezone.now()}
    if news:
        fields["read"] = F("muted")
    return bool(Notification.objects.filter(center=center, recipient=recipient, key=key).exclude(
        text=text[:1000], state__in=[NotificationState.SENT, NotificationState.UPDATED]).update(**fields))


def withdraw(center, recipient: Any, key: str, why: str, now: Any = None) -> bool:
    """The alert ``key`` sent to ``recipient`` no longer holds (a late event healed the vacancy): marked
    withdrawn with ``why``, read (not counted as new), kept in the list struck through. True when changed."""
    from django.utils import timezone

    from .models import NotificationState

    return bool(Notification.objects.filter(center=center, recipient=recipient, key=key).exclude(
        state=NotificationState.WITHDRAWN).update(state=NotificationState.WITHDRAWN, why=why[:200], read=True,
                                                  changed_at=now or timezone.now()))


def sms_to(phone: str, text: str, center: Any = None, key: str = "") -> bool:
    """A message to a member of the public through the SMS component (:func:`servicehall.core.sms.queue`):
    recorded in the caller's transaction and sent by the worker — a rolled-back write texts nobody. True when
    a message was recorded (there is a phone and SMS is on). New code sends by template key with
    :func:`servicehall.core.sms.send_template`."""
    from . import sms

    return sms.queue(phone, text, center=center, key=key) is not None
