"""Service items and their guides — 事项 / 办事指南 (RULES.md CASE-1, PUB-1).

Every item publishes the "九公开": 审批单位 (department), 审批内容 (content),
办事程序 (procedure), 审批依据 (legal basis), 申报材料 (materials), 承诺时限
(promised limit), 审批结果 (result), 收费依据 and 收费标准 (fee basis and standard).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.org.models import Center, Department


class ServiceItem(models.Model):
    """A service item — 政务服务事项, with everything its public guide shows (CASE-1)."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="items")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="items")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=30, blank=True)
    content = models.TextField(_("content"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    procedure = models.JSONField(_("procedure steps"), default=list, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    promised_days = models.PositiveSmallIntegerField(_("promised limit (working days)"), default=0)
    statutory_days = models.PositiveSmallIntegerField(_("statutory limit (working days)"), default=0)
    instant = models.BooleanField(_("finished on the spot"), default=False)
    result = models.CharField(_("result"), max_length=150, blank=True)
    fee_basis = models.TextField(_("fee basis"), blank=True)
    fee_standard = models.CharField(_("fee standard"), max_length=200, blank=True)
    consult_phone = models.CharField(_("consultation phone"), max_length=30, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=30, blank=True)
    location = models.CharField(_("where to apply"), max_length=150, blank=True)
    active = models.BooleanField(_("published"), default=True)
    # Guide search (CASE-1, PUB-2): common words people type (社保卡, 身份证…) and one precomputed text of the
    # name, content fields, department and materials, so a search is one column scan, no joins.
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["center", "department__sort", "code"]
        constraints = [
            models.UniqueConstraint(fields=["center", "code"], name="item_code_unique"),
            models.CheckConstraint(
                condition=models.Q(statutory_days=0) | models.Q(promised_days__lte=models.F("statutory_days")),
                name="item_promised_within_statutory",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    BOTH = "both", _("Original and copy")
    ELECTRONIC = "electronic", _("Electronic")


class Material(models.Model):
    """A material the applicant brings — 申报材料 (CASE-1, CASE-2)."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    sort = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=150)
    required = models.BooleanField(_("required"), default=True)
    form = models.CharField(_("form"), max_length=12, choices=MaterialForm.choices, default=MaterialForm.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    # PUB-1: a filled-in sample (样表) and a blank form (空白表格), checked by content and served by a view.
    sample_file = models.FileField(_("sample form"), upload_to="forms/", blank=True)
    blank_file = models.FileField(_("blank form"), upload_to="forms/", blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["item", "sort", "id"]

    def __str__(self) -> str:
        return self.name


class SpecialProcedure(models.Model):
    """A statutory special procedure of an item — 特别程序 (CASE-13): hearing, expert review, testing,
    inspection, quarantine, public notice, with its usual length and whether it counts toward the limit."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="special_procedures")
    sort = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=100)
    usual_days = models.PositiveSmallIntegerField(_("usual length (working days)"), default=0)
    counts_toward_limit = models.BooleanField(_("counts toward the time limit"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("special procedure")
        verbose_name_plural = _("special procedures")
        ordering = ["item", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "name"], name="special_procedure_once")]

    def __str__(self) -> str:
        return self.name


class GuideVersion(models.Model):
    """A published version of an item's guide — 办事指南版本 (CASE-1, PUB-1): a frozen copy of every 九公开 field,
    the materials and the special procedures, in force from its effective date. Earlier versions stay readable;
    a case keeps the version in force on the day it was received."""

    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="guide_versions")
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    published_at = models.DateTimeField(_("published at"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    guide = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("guide version")
        verbose_name_plural = _("guide versions")
        ordering = ["item", "-number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="guide_version_once")]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.number}"
