"""Cases from acceptance to result — 办件 (RULES.md CASE-2..7, CASE-11, CASE-13).

A case's steps (acceptance, one-time notices, corrections, pauses,
extensions, transfers, decision, delivery) are appended and never edited;
its status, due date and card are derived from them by the clock in
``rules/deadlines.py`` and stored only to list and sort quickly.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.catalog.models import ServiceItem
from servicehall.org.models import Center, Department, Staff


class CaseStatus(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted, in progress")
    AWAITING = "awaiting", _("Waiting for the applicant's corrections")
    PAUSED = "paused", _("Paused for a statutory procedure")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    REFUSED = "refused", _("Not accepted")
    DELIVERED = "delivered", _("Result delivered")
    FINISHED = "finished", _("Finished on the spot")


OPEN_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.AWAITING, CaseStatus.PAUSED)


class Card(models.TextChoices):
    GREEN = "green", _("On time")
    YELLOW = "yellow", _("Yellow card")
    RED = "red", _("Red card: overdue")
    NONE = "", _("Closed")


class StepKind(models.TextChoices):
    RECEIVE = "receive", _("Materials received")
    ACCEPT = "accept", _("Accepted")
    FINISH = "finish", _("Finished on the spot")
    NOTICE = "notice", _("One-time notice")
    CORRECTION = "correction", _("Corrections received")
    REFUSAL = "refusal", _("Not accepted (written refusal)")
    TRANSFER = "transfer", _("Transferred")
    PAUSE = "pause", _("Statutory procedure started")
    RESUME = "resume", _("Statutory procedure ended")
    EXTENSION_REQUEST = "extension_request", _("Extension requested")
    EXTENSION_DECISION = "extension_decision", _("Extension decided")
    DECISION = "decision", _("Decision")
    DELIVERY = "delivery", _("Result delivered")


class Case(models.Model):
    """One application for one service item — 办件, numbered per center and day."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("case number"), max_length=30, unique=True)
    item = models.ForeignKey(ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT,
                             related_name="cases")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="cases")
    applicant_kind = models.CharField(_("applicant kind"), max_length=12, default="person")
    applicant_name = models.CharField(_("applicant"), max_length=100)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    org_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=30)
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("queue ticket"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="cases")
    address = models.CharField(_("address"), max_length=200, blank=True)
    clerk = models.ForeignKey(Staff, verbose_name=_("accepting clerk"), on_delete=models.PROTECT,
                              related_name="accepted_cases")
    handler = models.ForeignKey(Staff, verbose_name=_("handling now"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="handled_cases")
    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("received on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("promised working days"))
    # CASE-1: the guide version in force on the day the case was received; later versions do not change it.
    guide_version = models.ForeignKey("catalog.GuideVersion", verbose_name=_("guide version"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="cases")
    client_request_id = models.CharField(max_length=80, null=True, blank=True)
    joint_number = models.CharField(_("joint case number"), max_length=30, blank=True, db_index=True)
    # Derived from the steps (CASE-5, CASE-11): kept for lists and boards.
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, db_index=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    card = models.CharField(_("card"), max_length=6, choices=Card.choices, blank=True, db_index=True)
    notice_late = models.BooleanField(_("notice later than allowed"), default=False)
    notice_breach = models.BooleanField(_("second notice asked for more"), default=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["center", "client_request_id"], name="case_client_request_once"),
                       # CASE-8: one case per item under one joint number (the number comes from core.DailyCounter).
                       models.UniqueConstraint(fields=["joint_number", "item"], condition=~models.Q(joint_number=""),
                                               name="case_joint_item_once")]

    def __str__(self) -> str:
        return f"{self.number} {self.item.name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseViolation(models.Model):
    """A red case (overdue) as a violation of its handling clerk and department — 超期办件 (CASE-11, ASM-2).

    Derived from the case's steps like a vacancy, never entered: recomputed whenever the case is re-derived
    (every step and the daily card tick). The clerk and department are those handling the case on the day it
    turned red. A later extension or correction that puts the case on time again withdraws it (``active``
    false, ``withdrawn_on`` set); the row stays so assessment sees what happened.
    """

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+")
    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="violation")
    staff = models.ForeignKey(Staff, verbose_name=_("handling clerk"), on_delete=models.PROTECT,
                              related_name="case_violations")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="case_violations")
    due_date = models.DateField(_("due"))
    red_on = models.DateField(_("turned red on"), db_index=True)
    active = models.BooleanField(_("active"), default=True, db_index=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        verbose_name = _("red-case violation")
        verbose_name_plural = _("red-case violations")
        ordering = ["-red_on", "case"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.red_on}"


class CaseMaterial(models.Model):
    """A material as received — 收件材料: which one, how many, original or copy."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("material"), max_length=150)
    count = models.PositiveSmallIntegerField(_("count"), default=1)
    form = models.CharField(_("form"), max_length=12)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("received material")
        verbose_name_plural = _("received materials")
        ordering = ["case", "received_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ×{self.count}"


class CaseStep(models.Model):
    """One step of a case — 办理环节, appended and never edited (ARCHITECTURE: events are the truth)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    at = models.DateTimeField(_("time"))
    on = models.DateField(_("date"))
    staff = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="case_steps")
    to_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_kind_display()}"


class CourierSchedule(models.Model):
    """A department's designated courier and fixed pickup times — 取送件 (CASE-10)."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="courier_schedules")
    department = models.OneToOneField(Department, on_delete=models.CASCADE, related_name="courier_schedule")
    courier = models.ForeignKey(Staff, verbose_name=_("courier"), on_delete=models.PROTECT, related_name="+")
    pickups = models.JSONField(_("pickup times"), default=list)

    class Meta:
        verbose_name = _("courier schedule")
        verbose_name_plural = _("courier schedules")

    def __str__(self) -> str:
        return f"{self.department} {self.courier.name}"


class FileHandover(models.Model):
    """One hand-over of case files between window and department — 交接记录 (CASE-10): who, when, which cases."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="file_handovers")
    at = models.DateTimeField(_("time"))
    from_staff = models.ForeignKey(Staff, verbose_name=_("handed by"), on_delete=models.PROTECT, related_name="+")
    to_staff = models.ForeignKey(Staff, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+")
    urgent = models.BooleanField(_("urgent"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    cases = models.ManyToManyField(Case, related_name="file_handovers")

    class Meta:
        verbose_name = _("file hand-over")
        verbose_name_plural = _("file hand-overs")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.from_staff.name} → {self.to_staff.name}"


class ProxyPackage(models.Model):
    """全程代办 (CASE-8): a designated agent handles a package of items for one applicant; the sum of the
    actual working days may not exceed the sum of the promised limits."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="proxy_packages")
    number = models.CharField(_("package number"), max_length=30, unique=True)
    agent = models.ForeignKey(Staff, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField(_("applicant"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30)
    created_at = models.DateTimeField(_("created at"))
    cases = models.ManyToManyField(Case, related_name="proxy_packages")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("proxy package")
        verbose_name_plural = _("proxy packages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.number


class AssistGroup(models.TextChoices):
    ELDERLY = "elderly", _("Elderly (60 or over)")
    DISABLED = "disabled", _("Disabled (grade 2 or above)")
    IMMOBILE = "immobile", _("Unable to move")
    KEY_PROJECT = "key_project", _("Key enterprise or project")
    OTHER = "other", _("Other special group")


class AssistRequest(models.Model):
    """帮办代办 (CASE-9): free assisted service for eligible groups, registered with place and item, followed up."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="assist_requests")
    applicant_name = models.CharField(_("applicant"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    group = models.CharField(_("group"), max_length=12, choices=AssistGroup.choices)
    place = models.CharField(_("place"), max_length=200)
    item = models.ForeignKey(ServiceItem, verbose_name=_("service item"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(Staff, verbose_name=_("assigned to"), on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    follow_up_by = models.DateField(_("follow up by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("assisted service request")
        verbose_name_plural = _("assisted service requests")
        ordering = ["closed_at", "follow_up_by"]

    def __str__(self) -> str:
        return f"{self.applicant_name} {self.place}"


class AssistVisit(models.Model):
    """A visit or help given on an assisted service request (home visit, on-site help, mailing)."""

    request = models.ForeignKey(AssistRequest, on_delete=models.CASCADE, related_name="visits")
    at = models.DateTimeField(_("time"))
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20)
    note = models.CharField(_("note"), max_length=300)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["request", "at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.kind}"
