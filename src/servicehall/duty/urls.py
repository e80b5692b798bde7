from django.urls import path

from . import devicepages, views

app_name = "duty"
urlpatterns = [
    path("board/", views.board, name="board"),
    path("board/tiles/", views.board_tiles, name="board_tiles"),
    path("manage/vacancies/", views.vacancies, name="vacancies"),
    path("manage/vacancies/<int:pk>/", views.vacancy_detail, name="vacancy"),
    path("manage/vacancies/<int:pk>/appeal/", views.appeal, name="appeal"),
    path("manage/sanctions/", views.sanctions_page, name="sanctions"),
    path("manage/sanctions/notice/", views.sanction_notice, name="notice"),
    path("manage/anomalies/", views.anomalies, name="anomalies"),
    path("manage/absences/", views.absences, name="absences"),
    path("manage/extended/", views.extended_sessions, name="extended"),
    path("manage/alerts/", views.notifications, name="notifications"),
    path("manage/devices/", devicepages.devices_page, name="devices"),
    path("workstation/", devicepages.workstation, name="workstation"),
    path("workstation/setup/", devicepages.workstation_setup, name="workstation_setup"),
]
