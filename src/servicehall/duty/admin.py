from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdmin

from .models import Anomaly, Event, Vacancy


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("ext_id", "type", "staff", "post", "at", "start", "end", "approved", "source", "recorded_at")
    list_filter = ("center", "type", "source")
    search_fields = ("ext_id", "staff__name", "staff__code")


@admin.register(Vacancy)
class VacancyAdmin(ReadOnlyAdmin):
    list_display = ("date", "post", "start", "end", "minutes", "answerable_kind", "answerable", "reason")
    list_filter = ("center", "answerable_kind", "department")


@admin.register(Anomaly)
class AnomalyAdmin(ReadOnlyAdmin):
    list_display = ("date", "staff", "kind", "minutes")
    list_filter = ("center", "kind")

