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
    CANCELLED = "cancelled", _("Cancelled")


class TicketChannel(models.TextChoices):
    """Where a ticket was taken (Q-1, Q-7)."""

    KIOSK = "kiosk", _("Kiosk")
    REMOTE = "remote", _("Phone")


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
    # a ticket taken from a phone: the holder's mobile number (shown masked, SEC-3), the unguessable token of
    # its page, when the holder was told their turn is near (SMS and page), when they cancelled it.
    channel = models.CharField(_("taken at"), max_length=8, choices=TicketChannel.choices,
                               default=TicketChannel.KIOSK)
    phone = models.CharField(_("phone"), max_length=11, blank=True)
    token = models.CharField(max_length=40, null=True, blank=True, unique=True)
    near_at = models.DateTimeField(_("told the turn is near"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # moved to the front of its queue by the office or the guide desk, only with a reason (audited).
    FRONT_REASON_MAX = 100
    front_at = models.DateTimeField(_("moved to the front at"), null=True, blank=True)
    front_reason = models.CharField(_("reason for moving to the front"), max_length=FRONT_REASON_MAX, blank=True)
    front_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("moved to the front by"))

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
    """One rating per service (一次一评, from the pad) or per case (一事一评, from the case's link) — EVAL-1, EVAL-4:
    bound to the clerk who served (the case's accepting clerk), with the national content: the level, the reasons
    ticked from that level's checklist, a comment and the four offline indicators."""

    LEVELS = [(5, _("Very satisfied")), (4, _("Satisfied")), (3, _("Basically satisfied")),
              (2, _("Dissatisfied")), (1, _("Very dissatisfied"))]
    # EVAL-4: the four offline indicators (整体满意度, 服务效率, 服务水平, 服务态度), each on the five levels.
    INDICATORS = [("overall", _("Overall satisfaction")), ("efficiency", _("Service efficiency")),
                  ("competence", _("Service competence")), ("attitude", _("Service attitude"))]
    COMMENT_MAX = 300

    ticket = models.OneToOneField(Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="rating")
    rated_case = models.OneToOneField("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="rating")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="ratings")
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(_("rating"), choices=LEVELS)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)  # the texts ticked, as they read then
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX, blank=True)
    overall = models.PositiveSmallIntegerField(_("Overall satisfaction"), choices=LEVELS, null=True, blank=True)
    efficiency = models.PositiveSmallIntegerField(_("Service efficiency"), choices=LEVELS, null=True, blank=True)
    competence = models.PositiveSmallIntegerField(_("Service competence"), choices=LEVELS, null=True, blank=True)
    attitude = models.PositiveSmallIntegerField(_("Service attitude"), choices=LEVELS, null=True, blank=True)
    at = models.DateTimeField(_("rated at"))
    device_request_id = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.CheckConstraint(
            condition=models.Q(ticket__isnull=False, rated_case__isnull=True) | models.Q(ticket__isnull=True,
                                                                                    rated_case__isnull=False),
            name="rating_of_a_service_or_a_case")]

    def __str__(self) -> str:
        return f"{self.ticket or self.rated_case_id} {self.level}"


class RatingReason(models.Model):
    """One entry of a level's reason checklist (EVAL-4) for a center: the national lists are loaded on first use
    (``ratings.reasons_of``); the office may add, reword, reorder or retire entries when the national list
    changes."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="rating_reasons")
    level = models.PositiveSmallIntegerField(_("rating"), choices=Rating.LEVELS)
    text = models.CharField(_("reason"), max_length=40)
    sort = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("rating reason")
        verbose_name_plural = _("rating reasons")
        ordering = ["center", "-level", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["center", "level", "text"], name="rating_reason_once")]

    def __str__(self) -> str:
        return f"{self.level} {self.text}"


class CaseRatingLink(models.Model):
    """The unguessable link that rates a case (EVAL-4 一事一评) — on its receipt, result notice and SMS; never the
    case number."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="rating_link")
    token = models.CharField(max_length=40, unique=True)

    class Meta:
        verbose_name = _("case rating link")
        verbose_name_plural = _("case rating links")

    def __str__(self) -> str:
        return str(self.case_id)


class AppealGround(models.TextChoices):
    MISTAKEN = "mistaken", _("Mistaken rating")
    MALICIOUS = "malicious", _("Malicious rating")


class RatingAppeal(models.Model):
    """申诉复核 (EVAL-5): the rated clerk appeals once with a reason; the office upholds or rejects with a note.
    An upheld appeal takes the rating out of assessment; the rating stays on record."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="appeal")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="rating_appeals")
    ground = models.CharField(_("ground"), max_length=10, choices=AppealGround.choices)
    reason = models.CharField(_("reason"), max_length=300)
    filed_at = models.DateTimeField(_("filed at"))
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    note = models.CharField(_("decision note"), max_length=300, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("rating appeal")
        verbose_name_plural = _("rating appeals")
        ordering = ["decided_at", "filed_at"]

    def __str__(self) -> str:
        return f"{self.rating} {self.ground}"


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
    # EVAL-5: the rater's score of the rectification (满意 / 基本满意 / 不满意), once, from the link they received.
    RECTIFICATION_SCORES = [(4, _("Satisfied")), (3, _("Basically satisfied")), (2, _("Dissatisfied"))]
    rectification_score = models.PositiveSmallIntegerField(_("rectification score"), choices=RECTIFICATION_SCORES,
                                                           null=True, blank=True)
    rectification_scored_at = models.DateTimeField(_("rectification scored at"), null=True, blank=True)

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
    # the booker's ID number (no-shows block by it; masked by SEC-3), the unguessable cancel link, the two
    # reminders each sent once, and the no-show derived by the worker at the slot's end (re-derived, never set).
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, db_index=True)
    cancel_token = models.CharField(max_length=40, unique=True, null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_day_at = models.DateTimeField(_("reminded the day before"), null=True, blank=True)
    reminded_soon_at = models.DateTimeField(_("reminded two hours before"), null=True, blank=True)
    no_show = models.BooleanField(_("no-show"), default=False)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot", "booked_at"]

    def __str__(self) -> str:
        return f"{self.code} {self.slot}"


class QueueLimit(models.Model):
    """An item's queue limits (Q-7), set by the office: a daily cap on tickets (cancelled ones give their place
    back) and a waiting-count alarm — the office is alerted once when the item's waiting count reaches it, and
    again only after it fell below and rose again. Zero: no cap, no alarm. Ticket hours are the opening of the
    windows serving the item (``services.issuing_now``)."""

    item = models.OneToOneField(ServiceItem, verbose_name=_("service item"), on_delete=models.CASCADE,
                                related_name="queue_limit")
    daily_cap = models.PositiveSmallIntegerField(_("tickets a day at most"), default=0)
    alarm_at = models.PositiveSmallIntegerField(_("alarm at waiting count"), default=0)

    class Meta:
        verbose_name = _("queue limit")
        verbose_name_plural = _("queue limits")

    def __str__(self) -> str:
        return f"{self.item_id} {self.daily_cap}/{self.alarm_at}"


class NoShowLift(models.Model):
    """The office lifts a no-show block on an ID number, with a reason (Q-8): no-shows before it no longer
    block. A record, never changed."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="no_show_lifts")
    id_number = models.CharField(_("ID number"), max_length=18, db_index=True)
    lifted_at = models.DateTimeField(_("lifted at"))
    reason = models.CharField(_("reason"), max_length=200)
    by = models.CharField(_("lifted by"), max_length=100)

    class Meta:
        verbose_name = _("no-show block lifted")
        verbose_name_plural = _("no-show blocks lifted")
        ordering = ["-lifted_at"]

    def __str__(self) -> str:
        return f"{self.id_number[:4]}… {self.lifted_at:%Y-%m-%d}"
