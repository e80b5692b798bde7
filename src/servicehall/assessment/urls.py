from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("assessment/scores/", views.scores_page, name="scores"),
    path("assessment/scores/<str:code>/", views.person_page, name="person"),
]
