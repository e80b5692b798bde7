"""The queue and the rating pad — 取号叫号, 一事一评 (RULES.md Q-1..4, EVAL-1..2).

Ticket numbers restart daily per queue and are allocated in the database,
never in memory, so several kiosks and app processes never share a number.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.catalog.models import ServiceItem
from servicehall.org.models import Center, Department, Staff, Window


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    SERVING = "serving", _("Being served")
    DONE = "done", _("Served")
    NO_SHOW = "no_show", _("Did not come")


class Ticket(models.Model):
    """A queue ticket — 排队号 (Q-1): a number per queue and day, for one service item."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="tickets")
    queue = models.ForeignKey(Department, verbose_name=_("queue"), on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("day"), db_index=True)
    seq = models.PositiveIntegerField(_("number"))
    display = models.CharField(_("ticket"), max_length=12)
    item = models.ForeignKey(ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT,
                             related_name="tickets")
    priority = models.CharField(_("green channel"), max_length=12, blank=True)
    # Q-2, SEC-3: what the green channel needs from an ID number shown at the kiosk, decided at issue time;
    # the number itself is never kept.
    elderly = models.BooleanField(_("60 or over"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING,
                              db_index=True)
    issued_at = models.DateTimeField(_("issued at"))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    started_at = models.DateTimeField(_("service started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("service finished"), null=True, blank=True)
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets")
    staff = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets")
    recalls = models.PositiveSmallIntegerField(_("recalls"), default=0)
    device_request_id = models.CharField(max_length=80, null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["day", "issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["center", "queue", "day", "seq"], name="ticket_number_once"),
            models.UniqueConstraint(fields=["center", "device_request_id"], name="ticket_request_once"),
        ]

    def __str__(self) -> str:
        return self.display


class Rating(models.Model):
    """One rating per service — 一事一评 (EVAL-1): bound to the ticket and the clerk who served."""

    LEVELS = [(5, _("Very satisfied")), (4, _("Satisfied")), (3, _("Basically satisfied")),
              (2, _("Dissatisfied")), (1, _("Very dissatisfied"))]

    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="rating")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="ratings")
    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(_("rating"), choices=LEVELS)
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    at = models.DateTimeField(_("rated at"))
    device_request_id = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.ticket} {self.level}"


class BadRatingCase(models.Model):
    """A poor rating (差评) handled for the department (EVAL-2): verify, rectify, answer, follow-up visit,
    within ``bad_rating_days`` working days."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="case")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="bad_ratings")
    due = models.DateField(_("due"))
    verified = models.BooleanField(_("holds after verification"), null=True, blank=True)
    rectification = models.CharField(_("rectification"), max_length=300, blank=True)
    answer = models.CharField(_("answer to the rater"), max_length=300, blank=True)
    visited_at = models.DateTimeField(_("follow-up visit"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bad rating case")
        verbose_name_plural = _("bad rating cases")
        ordering = ["closed_at", "due"]

    def __str__(self) -> str:
        return f"{self.rating} → {self.due}"


class AppointmentSlot(models.Model):
    """Bookable time for an item — 预约时段 (Q-3, ATT-4), in opening hours or in extended sessions (weekday lunch,
    weekends) for the items the office lists as 随时办 / 预约办."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="slots")
    item = models.ForeignKey(ServiceItem, verbose_name=_("service item"), on_delete=models.CASCADE,
                             related_name="slots")
    date = models.DateField(_("date"))
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    capacity = models.PositiveSmallIntegerField(_("places"), default=4)
    extended = models.BooleanField(_("extended hours"), default=False)

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["date", "start"]

    def __str__(self) -> str:
        return f"{self.item.name} {self.date} {self.start:%H:%M}-{self.end:%H:%M}"


class Appointment(models.Model):
    """A booking — 预约 (Q-3): turns into a priority ticket at check-in inside its slot."""

    slot = models.ForeignKey(AppointmentSlot, on_delete=models.PROTECT, related_name="appointments")
    code = models.CharField(_("booking code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30)
    booked_at = models.DateTimeField(_("booked at"))
    ticket = models.OneToOneField(Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="appointment")
    cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot", "booked_at"]

    def __str__(self) -> str:
        return f"{self.code} {self.slot}"
