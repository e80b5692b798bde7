"""Complaints and accountability — 投诉问责 (RULES.md CMP-1..6).

Every complaint gets a tracking code and ends with an answer (件件有回音);
its steps are appended, never edited.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.catalog.models import ServiceItem
from servicehall.org.models import Center, Department, Staff, Window


class Ground(models.TextChoices):
    """Grounds of a complaint (CMP-2)."""

    IRREGULAR_APPROVAL = "irregular_approval", _("Irregular approval")
    BROKEN_PROMISE = "broken_promise", _("Service promise broken")
    CORRUPTION = "corruption", _("Asking for favours or other corruption")
    PROCEDURE = "procedure", _("Dispute about procedure or result")
    ATTITUDE = "attitude", _("Poor quality or attitude")
    FEES = "fees", _("Illegal or add-on fees")
    OTHER = "other", _("Other violation")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online form")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")
    BOX = "box", _("Complaint box")
    VISIT = "visit", _("In person")


class InquiryChannel(models.TextChoices):
    """How a first inquiry reached the person asked (FIR-1: in person, by phone, fax, letter, e-mail) — not the
    complaint channels."""

    VISIT = "visit", _("In person")
    PHONE = "phone", _("Phone")
    FAX = "fax", _("Fax")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("E-mail")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received, awaiting intake")
    REGISTERED = "registered", _("Registered")
    SUPERVISED = "supervised", _("Supervision order with the department")
    REPLIED = "replied", _("Department replied")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn after explanation")
    INVALID = "invalid", _("Not accepted")


class Complaint(models.Model):
    """A complaint — 投诉 (CMP-1..4)."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="complaints")
    code = models.CharField(_("tracking code"), max_length=16, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    ground = models.CharField(_("ground"), max_length=20, choices=Ground.choices)
    matter = models.TextField(_("matter"))
    target_text = models.CharField(_("complained about"), max_length=200, blank=True)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="complaints")
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints")
    staff = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints")
    name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    received_at = models.DateTimeField(_("received at"))
    status = models.CharField(_("status"), max_length=12, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.RECEIVED, db_index=True)
    due = models.DateField(_("department reply due"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.code


class ComplaintStepKind(models.TextChoices):
    """A step of a complaint (CMP-1..6), named on the complaint's page."""

    RECEIVED = "received", _("Received")
    INTAKE_REGISTER = "intake_register", _("Registered")
    INTAKE_WITHDRAWN = "intake_withdrawn", _("Withdrawn after explanation")
    INTAKE_INVALID = "intake_invalid", _("Not accepted")
    SUPERVISE = "supervise", _("Supervision order")
    DEPARTMENT_REPLY = "department_reply", _("Department's written result")
    ANSWER = "answer", _("Answered")
    ESCALATED = "escalated", _("Supervision order overdue, escalated")


SYSTEM_ACTORS = {
    "public-complaint (cli)": _("the public, online form"),
    "complaint-escalation (cli)": _("automatic escalation"),
}


class ComplaintStep(models.Model):
    """One step of a complaint: intake decision, coordination, supervision order, reply, answer."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=ComplaintStepKind.choices)
    at = models.DateTimeField(_("time"))
    actor_label = models.CharField(_("by"), max_length=150)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["complaint", "at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint.code} {self.kind}"

    @property
    def kind_label(self) -> str:
        return str(ComplaintStepKind(self.kind).label) if self.kind in ComplaintStepKind.values else self.kind

    @property
    def actor_display(self) -> str:
        """Who took the step, in words: the public form and the worker are not people with user names."""
        return str(SYSTEM_ACTORS.get(self.actor_label, self.actor_label))


class ComplaintAttachment(models.Model):
    """A photo or document sent with a complaint; only managers can open it (CMP-1)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="complaints/%Y/%m/")
    name = models.CharField(_("name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["complaint", "id"]

    def __str__(self) -> str:
        return self.name


class Outcome(models.TextChoices):
    """Accountability outcomes recorded against a person (CMP-5, CMP-6, FIR-5)."""

    SELF_CRITICISM = "self_criticism", _("Written self-criticism and public criticism")
    NO_AWARDS = "no_awards", _("No award eligibility this year")
    GIFT_RETURNED = "gift_returned", _("Gift or meal returned or paid for")
    ADMONITION = "admonition", _("Admonishing talk")
    POINTS = "points", _("Assessment points deducted")
    CRITICISM = "criticism", _("Public criticism")
    EFFICIENCY_ACCOUNTABILITY = "efficiency", _("Administrative efficiency accountability")


class Accountability(models.Model):
    """An upheld violation or outcome against a person (CMP-5), from a complaint or elsewhere."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="accountabilities")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="accountabilities")
    complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="accountabilities")
    inquiry = models.ForeignKey("Inquiry", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="accountabilities")
    date = models.DateField(_("date"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.staff} {self.date} {self.outcome}"

    @property
    def violation_key(self) -> str:
        """One violation may carry several outcomes; CMP-5 counts violations, not outcome rows."""
        if self.complaint_id:
            return f"complaint:{self.complaint_id}"
        if self.inquiry_id:
            return f"inquiry:{self.inquiry_id}"
        return f"record:{self.pk}"


class InquiryStatus(models.TextChoices):
    HANDLED = "handled", _("Handled by the first-responsible person")
    TRANSFERRED = "transferred", _("Transferred, followed to the end")
    RETURNED = "returned", _("Sent back to the first-responsible person")
    CLOSED = "closed", _("Closed with an outcome")


class Inquiry(models.Model):
    """A first inquiry — 首问登记 (FIR-1..4): whoever is asked first answers for it until it is done."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="inquiries")
    at = models.DateTimeField(_("time"))
    # Inquiries registered before the channels were narrowed (issue 17) keep their words; new ones are refused
    # anything but InquiryChannel (feedback.inquiries.register).
    channel = models.CharField(_("channel"), max_length=10, choices=[
        *InquiryChannel.choices, (Channel.ONLINE.value, Channel.ONLINE.label), (Channel.BOX.value, Channel.BOX.label)])
    asker = models.CharField(_("asked by"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    matter = models.TextField(_("matter"))
    materials = models.JSONField(_("materials received"), default=list, blank=True)
    item = models.ForeignKey(ServiceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    missing = models.JSONField(_("materials still needed"), default=list, blank=True)
    asked_together = models.ManyToManyField(Staff, blank=True, related_name="+")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    responsible = models.ForeignKey(Staff, verbose_name=_("first-responsible"), on_delete=models.PROTECT,
                                    related_name="first_inquiries")
    status = models.CharField(_("status"), max_length=12, choices=InquiryStatus.choices, db_index=True)
    to_staff = models.ForeignKey(Staff, null=True, blank=True, on_delete=models.PROTECT, related_name="received_inquiries")
    to_window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due = models.DateField(_("transfer due"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    sent_back_reason = models.CharField(_("reason for sending back"), max_length=300, blank=True)
    overdue_alerted_at = models.DateTimeField(_("overdue alert sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("first inquiry")
        verbose_name_plural = _("first inquiries")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.asker}"
