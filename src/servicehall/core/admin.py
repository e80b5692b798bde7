"""Admin pages are the office's read-only view of records: writes go through the services (SEC-2)."""

from django.contrib import admin

from .models import Device, Notification


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "text", "read")


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "active")
    exclude = ("token_hash",)
