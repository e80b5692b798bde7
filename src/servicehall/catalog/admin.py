from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Material, ServiceItem


class MaterialInline(ReadOnlyInline):
    model = Material


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "department", "promised_days", "instant")
    list_filter = ("center", "department", "instant")
    search_fields = ("code", "name")
    inlines = [MaterialInline]
