"""Authentication backends (SEC-6): the lockout check first, then the account and its staff record."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from .services import is_login_allowed


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins through a page (the staff login, the admin login).

    ``authenticate`` without a request (a script or a test client checking a password) is not a login
    from the network, so it is not counted; every page that logs people in passes its request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class StaffBackend(ModelBackend):
    """Django's user and password check, refusing an inactive account or an inactive staff record.

    Also asked for the user on every request (``get_user``): a person deactivated while logged in is
    logged out at their next request.
    """

    def user_can_authenticate(self, user):
        return is_login_allowed(user)
