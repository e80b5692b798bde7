from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .api import api
from .pages import guard_pages
from .web.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("servicehall.accounts.urls")),
    path("", include("servicehall.web.auditurls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("servicehall.duty.urls")),
    path("", include("servicehall.cases.urls")),
    path("", include("servicehall.tickets.urls")),
    path("", include("servicehall.feedback.urls")),
    path("", include("servicehall.assessment.urls")),
    path("", include("servicehall.web.urls")),
]
# Every page refuses NUL characters and over-long values before a view reads them (issue 10, item 7).
guard_pages(urlpatterns)

handler403 = "servicehall.web.errors.forbidden"
handler404 = "servicehall.web.errors.not_found"
handler500 = "servicehall.web.errors.server_error"
