from django.urls import path

from . import rankpages, views

app_name = "assessment"
urlpatterns = [
    path("assessment/scores/", views.scores_page, name="scores"),
    path("assessment/scores/<str:code>/", views.person_page, name="person"),
    path("assessment/rankings/", rankpages.rankings_page, name="rankings"),
    path("assessment/replacements/", rankpages.replacements_page, name="replacements"),
    path("assessment/director/", rankpages.director_page, name="director"),
]
urlpatterns += [
    path("assessment/reports/", views.reports_page, name="reports"),
    path("assessment/reports/<int:pk>/", views.report_page, name="report"),
    path("assessment/reports/<int:pk>/docx/", views.report_docx, name="report_docx"),
]
