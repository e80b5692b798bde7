"""The one door for account security (SEC-6): passwords, sessions, the second factor.

Every function audits what it did (SEC-7).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from servicehall.audit.services import Actor, ActorLike, record
from servicehall.errors import Problem, RuleViolation

from .models import AccountState, UserSession

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def set_password(actor: ActorLike, user: User, raw: str, *, by_admin: bool) -> None:
    """Set ``user``'s password after the SEC-6 checks (length, 3 of 4 classes, not one of the last 5).

    ``by_admin``: set or reset by someone else, so the person must change it at their next login.
    Refused with :class:`RuleViolation` (field ``password``), writing nothing.
    """
    actor = Actor.of(actor)
    try:
        password_validation.validate_password(raw, user)
    except ValidationError as exc:
        raise RuleViolation([Problem("password", m) for m in exc.messages]) from None
    user.set_password(raw)
    user.save()  # Django then tells the validators: history and change date (validators.py)
    AccountState.objects.update_or_create(user=user, defaults={"must_change_password": by_admin})
    record(actor, "account.password_reset" if by_admin else "account.password_change", user,
           None, {"username": user.get_username(), "must_change": by_admin})


def state_of(user: User) -> AccountState:
    state = AccountState.objects.filter(user=user).first()
    if state is None:  # an account from before SEC-6: its password's age starts now
        state, _ = AccountState.objects.get_or_create(user=user)
    return state


def password_max_age_days(user: User) -> int:
    """The days a password lasts: the center's policy if it sets one, else the installation's setting."""
    from servicehall.org.models import Policy

    days = None
    if any(f.name == "password_max_age_days" for f in Policy._meta.concrete_fields):
        field = "password_max_age_days"  # a name, not a literal: the field may not exist (checked above)
        days = Policy.objects.filter(center__staff__user=user).values_list(field, flat=True).first()
    return days or settings.PASSWORD_MAX_AGE_DAYS


def password_problem(user: User) -> tuple[str | None, dt.datetime]:
    """Why this person must change their password before anything else ('must_change', 'expired' or None),
    and when it expires."""
    state = state_of(user)
    expires = state.password_changed_at + dt.timedelta(days=password_max_age_days(user))
    if state.must_change_password:
        return "must_change", expires
    if timezone.now() > expires:
        return "expired", expires
    return None, expires


def _session_store(key: str) -> SessionBase:
    store: SessionBase = import_string(settings.SESSION_ENGINE).SessionStore(session_key=key)
    return store


def remember_session(user: User, session_key: str | None) -> None:
    """Note the session a person logged in with (for :func:`end_sessions`); forget their ones that are over."""
    if session_key:
        UserSession.objects.filter(user=user, at__lt=timezone.now() - dt.timedelta(
            hours=settings.SESSION_MAX_HOURS)).delete()
        UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user,
                                                                              "at": timezone.now()})


def end_sessions(user: User) -> int:
    """End every session ``user`` is logged in with (SEC-6: deactivating a person ends their sessions).

    Returns how many were ended. Pages also log out an inactive person on their next request.
    """
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        _session_store(key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        # Sessions from before this record existed: find them by their content.
        from django.contrib.sessions.models import Session

        uid = str(user.pk)
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if str(session.get_decoded().get("_auth_user_id")) == uid:
                session.delete()
                keys.append(session.session_key)
    return len(set(keys))


def is_login_allowed(user: User | None) -> bool:
    """An account logs in only while it and its staff record are active (SEC-6)."""
    if user is None or not user.is_active:
        return False
    staff = getattr(user, "staff", None)
    return staff is None or staff.active
