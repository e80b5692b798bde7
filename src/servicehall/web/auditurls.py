from django.urls import path

from . import auditpages

app_name = "audit"
urlpatterns = [
    path("manage/audit/", auditpages.audit_list, name="list"),
]
