from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("complaints/new/", views.new_complaint, name="new"),
    path("complaints/status/", views.status, name="status"),
    path("manage/complaints/", views.desk, name="desk"),
    path("manage/complaints/inbox/", views.inbox, name="inbox"),
    path("manage/complaints/summary/", views.monthly_summary, name="summary"),
    path("manage/complaints/<str:code>/", views.detail, name="detail"),
    path("manage/complaints/<str:code>/files/<int:pk>/", views.attachment, name="attachment"),
    path("manage/staff/<str:code>/record/", views.record, name="record"),
    path("manage/inquiries/", views.inquiries, name="inquiries"),
    path("manage/inquiries/<int:pk>/slip/", views.inquiry_slip, name="inquiry_slip"),
]
