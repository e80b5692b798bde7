from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("complaints/new/", views.new_complaint, name="new"),
    path("complaints/status/", views.status, name="status"),
    path("manage/complaints/", views.desk, name="desk"),
    path("manage/complaints/<str:code>/", views.detail, name="detail"),
]
