from django.urls import path

from . import bookingviews, ratingviews, remoteviews, views

app_name = "tickets"
urlpatterns = [
    path("kiosk/", views.kiosk, name="kiosk"),
    path("devices/activate/", views.activate, name="activate"),
    path("queue/", views.caller, name="caller"),
    path("queue/tickets/<int:pk>/back/", views.ticket_back, name="ticket_back"),
    path("display/", views.display, name="display"),
    path("pad/", views.pad, name="pad"),
    path("satisfaction/", views.public_satisfaction, name="satisfaction"),
    path("appointments/", views.appointments, name="appointments"),
    path("appointments/cancel/<str:token>/", bookingviews.cancel, name="appointment_cancel"),
    path("manage/appointments/no-shows/", bookingviews.no_shows, name="no_shows"),
    path("manage/queue/stats/", views.stats_page, name="stats"),
    path("manage/queue/stats.xlsx", views.stats_xlsx, name="stats_xlsx"),
    path("manage/ratings/", views.bad_ratings, name="bad_ratings"),
    path("t/", remoteviews.remote, name="remote"),
    path("t/qr.svg", remoteviews.remote_qr, name="remote_qr"),
    path("t/poster/", remoteviews.poster, name="remote_poster"),
    path("t/<str:token>/", remoteviews.remote_ticket, name="remote_ticket"),
    path("manage/queue/settings/", remoteviews.queue_settings, name="queue_settings"),
    path("rate/<str:token>/", ratingviews.rate_case, name="rate_case"),
    path("rate/<str:token>/qr.svg", ratingviews.case_qr, name="rate_case_qr"),
    path("ratings/mine/", ratingviews.my_ratings, name="my_ratings"),
    path("manage/ratings/appeals/", ratingviews.appeals, name="appeals"),
    path("manage/ratings/reasons/", ratingviews.reasons, name="rating_reasons"),
]
