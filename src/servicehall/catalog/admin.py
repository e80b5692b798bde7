from django.contrib import admin

from servicehall.web.admin_base import ReadOnlyAdmin

from .models import Material, ServiceItem


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "department", "promised_days", "instant")
    list_filter = ("center", "department", "instant")
    search_fields = ("code", "name")
    inlines = [MaterialInline]
