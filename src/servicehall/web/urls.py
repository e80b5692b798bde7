from django.urls import path

from . import orgpages, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("guides/", views.guides, name="guides"),
    path("guides/<str:code>/", views.guide_detail, name="guide"),
    path("photos/<str:center>/<str:code>/", views.staff_photo, name="staff_photo"),
    path("manage/", views.dashboard, name="dashboard"),
    path("manage/ab-check/", views.ab_check, name="ab_check"),
    path("manage/staff/", views.staff_list, name="staff"),
    path("manage/staff/new/", orgpages.staff_edit, name="staff_new"),
    path("manage/staff/<str:code>/edit/", orgpages.staff_edit, name="staff_edit"),
    path("manage/posts/new/", orgpages.post_edit, name="post_new"),
    path("manage/posts/<str:code>/edit/", orgpages.post_edit, name="post_edit"),
    path("manage/calendar/", views.calendar_page, name="calendar"),
    path("manage/settings/", views.settings_page, name="settings"),
]
