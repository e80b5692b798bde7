"""Account security state (SEC-6): when a password was set, whether it must be changed, the last ones."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountState(models.Model):
    """An account's password state — 账户安全状态 (SEC-6).

    ``must_change_password`` is set when someone else (an administrator) set the password: the person
    changes it before anything else at their next login.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="account_state")
    password_changed_at = models.DateTimeField(_("password changed at"), default=timezone.now)
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("account state")
        verbose_name_plural = _("account states")

    def __str__(self) -> str:
        return str(self.user)


class PasswordHistory(models.Model):
    """One password an account had (its hash only) — 历史密码; the last few may not be reused (SEC-6)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("password hash"), max_length=128)
    at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("old password")
        verbose_name_plural = _("old passwords")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d}"


class UserSession(models.Model):
    """A session a person logged in with, so that deactivating them ends it (SEC-6)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d %H:%M}"
