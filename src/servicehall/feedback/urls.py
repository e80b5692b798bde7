from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("complaints/new/", views.new_complaint, name="new"),
    path("complaints/status/", views.status, name="status"),
    path("manage/complaints/", views.desk, name="desk"),
    path("manage/inquiries/", views.inquiries, name="inquiries"),
    path("manage/inquiries/<int:pk>/slip/", views.inquiry_slip, name="inquiry_slip"),
    path("manage/complaints/<str:code>/", views.detail, name="detail"),
]
