"""Account pages (SEC-6): change one's own password, the locked-out page, the second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from .forms import OwnPasswordForm, TokenForm


class PasswordChangeView(auth_views.PasswordChangeView):
    """Everyone logged in changes their own password here; people whose password must change are sent here."""

    form_class = OwnPasswordForm
    template_name = "registration/own_password_change.html"
    success_url = reverse_lazy("password_change_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason = self.request.GET.get("reason", "")
        context["reason"] = {
            "must_change": _("Your password was set by an administrator: choose your own before you go on."),
            "expired": _("Your password is older than %(n)d days: choose a new one before you go on.")
            % {"n": settings.PASSWORD_MAX_AGE_DAYS},
        }.get(reason, "")
        return context


password_change = PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="registration/own_password_changed.html")


def locked_out(request, original_response=None, credentials=None):
    """The page shown to a locked-out name (django-axes' AXES_LOCKOUT_CALLABLE), in Chinese."""
    return render(request, "registration/locked_out.html", {
        "failures": settings.LOGIN_FAILURE_LIMIT, "window": settings.LOGIN_FAILURE_WINDOW_MINUTES,
        "minutes": settings.LOCKOUT_MINUTES,
    }, status=429)


@login_required
def otp_verify(request):
    """The second factor for administrators who must use one (django-otp TOTP)."""
    from django_otp import devices_for_user
    from django_otp import login as otp_login

    form = TokenForm(request.POST or None)
    devices = list(devices_for_user(request.user, confirmed=True))
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        for device in devices:
            if device.verify_token(token):
                otp_login(request, device)
                return redirect("web:dashboard")
        form.add_error("token", _("The code is not right; try the current one."))
    return render(request, "registration/otp_verify.html", {"form": form, "has_device": bool(devices)})
