from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Case, CaseStep, CaseViolation


class StepInline(ReadOnlyInline):
    model = CaseStep


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "item", "applicant_name", "status", "due_date", "card")
    list_filter = ("center", "status", "card", "department")
    search_fields = ("number", "applicant_name")
    exclude = ("id_number", "phone")
    inlines = [StepInline]


@admin.register(CaseViolation)
class CaseViolationAdmin(ReadOnlyAdmin):
    """CASE-11: derived from the case's steps, never edited by hand."""

    list_display = ("case", "staff", "department", "due_date", "red_on", "active", "withdrawn_on")
    list_filter = ("center", "active", "department")
