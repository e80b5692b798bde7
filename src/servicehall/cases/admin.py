from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Case, CaseStep


class StepInline(ReadOnlyInline):
    model = CaseStep


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("number", "item", "applicant_name", "status", "due_date", "card")
    list_filter = ("center", "status", "card", "department")
    search_fields = ("number", "applicant_name")
    exclude = ("id_number", "phone")
    inlines = [StepInline]
