from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("guides/", views.guides, name="guides"),
    path("guides/<str:code>/", views.guide_detail, name="guide"),
    path("manage/", views.dashboard, name="dashboard"),
    path("manage/ab-check/", views.ab_check, name="ab_check"),
    path("manage/staff/", views.staff_list, name="staff"),
    path("manage/calendar/", views.calendar_page, name="calendar"),
    path("manage/settings/", views.settings_page, name="settings"),
]
