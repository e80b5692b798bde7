"""Audit of logins, logouts, failed logins and lockouts, with the address (SEC-7)."""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from servicehall.audit.context import address_of
from servicehall.audit.services import record_event

from .middleware import LAST_SEEN, LOGIN_AT, PASSWORD_OK_UNTIL
from .services import password_problem, remember_session


def _account(username):
    if not username:
        return None
    return get_user_model().objects.filter(username=str(username)[:150]).first()


@receiver(user_logged_in, dispatch_uid="servicehall.accounts.login")
def on_login(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[LOGIN_AT] = now
        session[LAST_SEEN] = now
        problem, expires = password_problem(user)
        if problem is None:
            session[PASSWORD_OK_UNTIL] = expires.timestamp()
        if session.session_key is None:
            session.save()
        remember_session(user, session.session_key)
    record_event(user, "auth.login", object_type="auth.user", object_id=user.pk, object_repr=user.get_username(),
                 address=address_of(request))


@receiver(user_logged_out, dispatch_uid="servicehall.accounts.logout")
def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    record_event(user, "auth.logout", object_type="auth.user", object_id=user.pk, object_repr=user.get_username(),
                 address=address_of(request))


@receiver(user_login_failed, dispatch_uid="servicehall.accounts.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or "")[:150]
    account = _account(username)
    record_event(account or username or None, "auth.login_failed", object_type="auth.user",
                 object_id=account.pk if account else "", object_repr=username,
                 address=address_of(request))


@receiver(user_locked_out, dispatch_uid="servicehall.accounts.locked_out")
def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    username = str(username or "")[:150]
    account = _account(username)
    record_event(account or username or None, "auth.lockout", object_type="auth.user",
                 object_id=account.pk if account else "", object_repr=username,
                 address=address_of(request) if request is not None else (ip_address or ""))
