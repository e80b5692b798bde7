from django.urls import path

from . import views

app_name = "tickets"
urlpatterns = [
    path("kiosk/", views.kiosk, name="kiosk"),
    path("devices/activate/", views.activate, name="activate"),
    path("queue/", views.caller, name="caller"),
    path("display/", views.display, name="display"),
    path("pad/", views.pad, name="pad"),
]
