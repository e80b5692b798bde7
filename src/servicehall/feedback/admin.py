from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdmin

from .models import Accountability, Complaint


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("code", "received_at", "ground", "status", "department", "due")
    list_filter = ("center", "status", "ground")
    exclude = ("phone",)


@admin.register(Accountability)
class AccountabilityAdmin(ReadOnlyAdmin):
    list_display = ("date", "staff", "outcome", "complaint")
