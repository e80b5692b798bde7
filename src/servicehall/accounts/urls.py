from django.urls import path

from . import views

urlpatterns = [
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/password/done/", views.password_change_done, name="password_change_done"),
    path("accounts/second-factor/", views.otp_verify, name="otp_verify"),
]
