"""Per-request account checks (SEC-6): idle and absolute session age, deactivation, password to change,
second factor."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from servicehall.audit.services import record_event

from .services import is_login_allowed, password_problem

LAST_SEEN = "_servicehall_last_seen"
LOGIN_AT = "_servicehall_login_at"
PASSWORD_OK_UNTIL = "_servicehall_password_ok_until"
# The stamp is written at most this often (seconds), so that reading a page does not write the session.
STAMP_EVERY = 60


def api_refusal(message: str) -> JsonResponse:
    """A 403 in the API's error shape: ``{"detail": [{"field": "__all__", "message": ...}]}``."""
    return JsonResponse({"detail": [{"field": "__all__", "message": message}]}, status=403)


def _end(request, reason: str, message: str):
    user = request.user
    record_event(user, "auth.session_end", object_type="auth.user", object_id=user.pk,
                 object_repr=user.get_username(), reason=reason)
    logout(request)
    if not request.path.startswith("/api/"):
        messages.info(request, message)


class AccountMiddleware:
    """Ends a session that was idle too long, is older than a working day, or whose person was deactivated;
    sends a person whose password must change (set by an administrator, or expired) to the change page,
    and an administrator without the required second factor to its page, before anything else."""

    # Pages a person may open while their password must change.
    ALLOWED = ("password_change", "password_change_done", "logout", "otp_verify")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self.check(request, user)
            if response is not None:
                return response
        elif user is not None and SESSION_KEY in request.session:
            self.end_refused(request)
        return self.get_response(request)

    @staticmethod
    def end_refused(request) -> None:
        """The session names an account the backend no longer accepts (deactivated, or its staff record):
        end it for good."""
        from django.contrib.auth import get_user_model

        account = get_user_model().objects.filter(pk=request.session.get(SESSION_KEY)).first()
        request.session.flush()
        if account is not None:
            record_event(account, "auth.session_end", object_type="auth.user", object_id=account.pk,
                         object_repr=account.get_username(), reason="inactive")
        if not request.path.startswith("/api/"):
            messages.info(request, _("Your account is no longer active."))

    def check(self, request, user):
        now = time.time()
        session = request.session
        last = session.get(LAST_SEEN)
        started = session.get(LOGIN_AT)
        if started is None:
            session[LOGIN_AT] = started = now
        if last is not None and now - last > settings.SESSION_IDLE_MINUTES * 60:
            _end(request, "idle", _("You were logged out after %(n)d minutes without activity.")
                 % {"n": settings.SESSION_IDLE_MINUTES})
            return None
        if now - started > settings.SESSION_MAX_HOURS * 3600:
            _end(request, "max_age", _("Your session ended after %(n)d hours; please log in again.")
                 % {"n": settings.SESSION_MAX_HOURS})
            return None
        if not is_login_allowed(user):
            _end(request, "inactive", _("Your account is no longer active."))
            return None
        if last is None or now - last >= STAMP_EVERY:
            session[LAST_SEEN] = now
        problem = self._password_problem(request, user, now)
        from .otp import needs_second_factor

        second_factor = problem is None and needs_second_factor(request, user)
        if problem is None and not second_factor:
            return None
        if self._url_name(request) in self.ALLOWED or request.path.startswith(settings.STATIC_URL):
            return None
        api = request.path.startswith("/api/")
        if problem is not None:
            return api_refusal(_("Change your password first.")) if api else redirect(
                f"{reverse('password_change')}?reason={problem}")
        return api_refusal(_("Confirm your second factor first.")) if api else redirect(reverse("otp_verify"))

    @staticmethod
    def _password_problem(request, user, now: float) -> str | None:
        """The password check, remembered in the session until the password expires: an administrator's
        reset changes the password hash, which ends this session anyway (Django's session check)."""
        ok_until = request.session.get(PASSWORD_OK_UNTIL)
        if ok_until is not None and now < ok_until:
            return None
        problem, expires = password_problem(user)
        if problem is None:
            request.session[PASSWORD_OK_UNTIL] = expires.timestamp()
        else:
            request.session.pop(PASSWORD_OK_UNTIL, None)
        return problem

    @staticmethod
    def _url_name(request) -> str | None:
        from django.urls import Resolver404, resolve

        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None
