from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("cases/", views.workstation, name="workstation"),
    path("cases/new/", views.new_case, name="new"),
    path("cases/joint/new/", views.joint_new, name="joint_new"),
    path("cases/<str:number>/", views.detail, name="detail"),
    path("cases/<str:number>/receipt/", views.receipt, name="receipt"),
    path("cases/<str:number>/result/", views.result, name="result"),
    path("cases/<str:number>/notice/<int:step>/", views.notice, name="notice"),
    path("cases/<str:number>/refusal/", views.refusal, name="refusal"),
    path("manage/cases/warnings/", views.warnings, name="warnings"),
    path("manage/courier/", views.courier, name="courier"),
    path("manage/proxy/", views.proxy, name="proxy"),
    path("manage/assist/", views.assist, name="assist"),
    path("cases/joint/<str:number>/notice/", views.joint_notice, name="joint_notice"),
    path("progress/", views.progress, name="progress"),
]
