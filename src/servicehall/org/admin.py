from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdmin

from .models import CalendarDay, CalendarYear, Center, Department, Policy, Post, Staff, Window


@admin.register(Center)
class CenterAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "timezone")


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ("center", "pause_grace_minutes", "pause_daily_minutes", "handover_lead_days", "ladder_window")


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "center")
    list_filter = ("center",)


@admin.register(Window)
class WindowAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "department", "location")
    list_filter = ("center", "department")


@admin.register(Staff)
class StaffAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "department", "title", "active")
    list_filter = ("center", "department", "active")
    search_fields = ("code", "name")
    exclude = ("phone", "id_number")


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "window", "a", "b")
    list_filter = ("center", "department")


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("center", "year", "source")


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("center", "date", "workday", "note")
    list_filter = ("center", "workday")
