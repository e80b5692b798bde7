from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdmin

from .models import BadRatingCase, Rating, Ticket


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("display", "day", "item", "priority", "status", "window", "staff")
    list_filter = ("center", "status", "queue")
    exclude = ("phone", "token")  # SEC-3: the holder's mobile; the remote page's token opens the ticket


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "staff", "window", "level", "at")


@admin.register(BadRatingCase)
class BadRatingCaseAdmin(ReadOnlyAdmin):
    list_display = ("rating", "department", "due", "closed_at")
