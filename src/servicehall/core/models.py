"""The base app's records: the one-time tokens of forms that were sent (SEC-2), the daily counters, the in-app
alerts, the registered devices and their tokens (SEC-5)."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormSubmission(models.Model):
    """A create form that was sent once — 表单提交记录: the key of its one-time token and the record it made.

    ``token`` is a hash of the form's token and of who sent it, never the token itself; the database's unique
    constraint on it is what makes a second, identical submission (even one racing the first on another
    connection) find the first instead of creating a second record. Rows are cleaned after a few days
    (:func:`servicehall.core.once.clean`).
    """

    token = models.CharField(_("token"), max_length=64)
    created_at = models.DateTimeField(_("sent at"), db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=60, blank=True)

    class Meta:
        db_table = "web_formsubmission"  # made by the web app's first migration; the model moved here (issue 11)
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [models.UniqueConstraint(fields=["token"], name="form_submission_once")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.object_type} {self.object_id}"


class DailyCounter(models.Model):
    """Numbers allocated in the database, per center, series and day — never in memory (ARCHITECTURE: Scale).

    Allocated by :func:`servicehall.core.counters.next_number`.
    """

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=20)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "cases_dailycounter"  # made by the cases app's first migration; the model moved here (issue 11)
        constraints = [models.UniqueConstraint(fields=["center", "series", "day"], name="counter_once")]

    def __str__(self) -> str:
        return f"{self.series} {self.day} #{self.last}"


class CacheGeneration(models.Model):
    """The generation of the settings the hot paths cache per process (:mod:`servicehall.core.hot`): every save
    of a watched record sets a new random value in the writer's transaction, so every process sees on its next
    check that its copies are stale — the same moment the change is committed."""

    value = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.value


class NotificationState(models.TextChoices):
    """What became of an alert after it was sent (issue 17 item 3): it stays true as its matter changes."""

    SENT = "sent", _("sent")
    UPDATED = "updated", _("updated")  # its matter changed (a vacancy ended): the same row, the new text
    WITHDRAWN = "withdrawn", _("withdrawn")  # its matter no longer holds (a late event healed the vacancy)


class Notification(models.Model):
    """An alert in the in-app list (the default notifier); the SMS backend receives the same text.

    ``kind`` is the key's first part (:data:`servicehall.core.notify.KINDS`). ``muted``: the recipient muted the
    kind — the row is kept for the daily digest but arrives read and is not pushed. ``state``/``why``: an alert
    updated or withdrawn after it was sent (a vacancy that ended, or that a late event healed)."""

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=120)
    text = models.CharField(_("text"), max_length=1000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read = models.BooleanField(_("read"), default=False)
    muted = models.BooleanField(_("muted"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=NotificationState.choices,
                             default=NotificationState.SENT)
    why = models.CharField(_("why withdrawn"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        db_table = "duty_notification"  # made by the duty app's first migration; the model moved here (issue 11)
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once")]
        indexes = [models.Index(fields=["center", "key"], name="notification_center_key")]  # an alert's rows

    def __str__(self) -> str:
        return self.text

    @property
    def link(self) -> str:
        """Where the alert's matter is handled, read from its key; empty when the key names no page."""
        from django.urls import reverse

        kind, _, rest = self.key.partition(":")
        stamp = rest.rsplit(":", 1)[-1]  # vacancy:<post>:<YYYYMMDDHHMM> (one post) or vacancy:<YYYYMMDDHHMM>
        if kind == "vacancy" and len(stamp) == 12 and stamp.isdigit():
            day = stamp[:8]
            iso = f"{day[:4]}-{day[4:6]}-{day[6:8]}"
            return f"{reverse('duty:vacancies')}?from={iso}&to={iso}"
        if kind == "inquiry-overdue":
            return reverse("feedback:inquiries")
        if kind.startswith("complaint-") and rest:
            return reverse("feedback:detail", args=[rest.split(":")[0]])
        return ""

    @property
    def kind(self) -> str:
        return self.key.partition(":")[0]

    @property
    def kind_name(self) -> str:
        from .notify import kind_name

        return kind_name(self.kind)


class MutedKind(models.Model):
    """A kind of alert a person only needs in the daily digest (issue 17 item 3): not pushed, not shown as new."""

    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="muted_kinds")
    kind = models.CharField(_("alert kind"), max_length=40)

    class Meta:
        verbose_name = _("muted alert kind")
        verbose_name_plural = _("muted alert kinds")
        constraints = [models.UniqueConstraint(fields=["staff", "kind"], name="muted_kind_once")]

    def __str__(self) -> str:
        return f"{self.staff_id}:{self.kind}"


class DeviceKind(models.TextChoices):
    """What a registered device is (SEC-5): each device endpoint accepts only its kind."""

    CLOCK = "clock", _("Clock terminal")
    KIOSK = "kiosk", _("Kiosk")
    CALLER = "caller", _("Hardware caller")
    PAD = "pad", _("Rating pad")
    WORKSTATION = "workstation", _("Window workstation")


# Kinds that belong to one window: they act only for it (SEC-5).
WINDOW_DEVICES = {DeviceKind.CALLER, DeviceKind.PAD, DeviceKind.WORKSTATION}


class Device(models.Model):
    """A registered device — 终端 (clock terminal, workstation caller, kiosk): authenticated by token."""

    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, related_name="devices")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=DeviceKind.choices, default=DeviceKind.CLOCK)
    # Callers, rating pads and workstations belong to one window and act only for it (SEC-5).
    window = models.ForeignKey("org.Window", verbose_name=_("window"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="devices")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    # Set by the device endpoints, not by people (issue 13): when it last called, and its last refused call.
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True, default="")
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        db_table = "duty_device"  # made by the duty app's first migration; the model moved here (issue 11)
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="device_code_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class Heartbeat(models.Model):
    """When a process last showed it was alive — 心跳: the worker writes its own every minute, and whenever it
    runs the queue's ping; ``/healthz`` reads it (issue 14). One row per name, updated in place."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"


class OutboxChannel(models.TextChoices):
    """What an outgoing message is: an SMS to a phone, or a document pushed to the provincial platform."""

    SMS = "sms", _("SMS")
    PUSH = "push", _("Provincial push")


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Dead letter")


class OutboxMessage(models.Model):
    """An outgoing message — 发件箱: written in the transaction of the write that caused it, sent by the worker
    (:mod:`servicehall.core.outbox`) with retries and backoff; after the last attempt it is a dead letter the
    office sees and can send again. ``doc_id`` is the message's stable identity: a resend carries the same one,
    so the receiving side can drop a duplicate."""

    center = models.ForeignKey("org.Center", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=8, choices=OutboxChannel.choices)
    doc_id = models.CharField(_("document id"), max_length=80, unique=True)
    key = models.CharField(_("message key"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    text = models.TextField(_("text"), blank=True)  # a template (at most 300) with its values: never cut
    payload = models.JSONField(_("document"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
                   models.Index(fields=["channel", "phone", "sent_at"], name="outbox_phone_sent")]

    def __str__(self) -> str:
        return f"{self.channel} {self.doc_id} {self.status}"


class SmsTemplate(models.Model):
    """A center's wording of one SMS — 短信模板, edited by the office; placeholders such as ``{number}`` are
    filled when the message is sent and checked when the template is saved (:mod:`servicehall.core.sms`)."""

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("message key"), max_length=60)
    text = models.CharField(_("template text"), max_length=300)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SMS template")
        verbose_name_plural = _("SMS templates")
        constraints = [models.UniqueConstraint(fields=["center", "key"], name="sms_template_once")]

    def __str__(self) -> str:
        return self.key
