"""Password rules of SEC-6 as Django password validators (AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.audit.context import request_user


def character_classes(password: str) -> int:
    """How many of the four classes a password uses: lower case, upper case, digits, anything else."""
    return (any(c.islower() for c in password) + any(c.isupper() for c in password)
            + any(c.isdigit() for c in password) + any(not c.isalnum() for c in password))


class CharacterClassValidator:
    """At least ``min_classes`` of lower case, upper case, digits and other characters (SEC-6)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("The password must use at least %(n)d of these: lower-case letters, upper-case letters, "
                  "digits, other characters.") % {"n": self.min_classes},
                code="password_too_simple")

    def get_help_text(self):
        return _("Use at least %(n)d of these: lower-case letters, upper-case letters, digits, "
                 "other characters.") % {"n": self.min_classes}


class PasswordHistoryValidator:
    """Not one of the account's last ``count`` passwords (SEC-6); keeps that history when a password changes.

    Django calls :meth:`password_changed` after every save of a new password (pages, admin,
    ``changepassword``), so the history and the change date cannot be bypassed.
    """

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from .models import PasswordHistory

        hashes = list(PasswordHistory.objects.filter(user=user).order_by("-at", "-id")
                      .values_list("password", flat=True)[: self.count])
        if user.password:
            hashes.append(user.password)
        if any(check_password(password, h) for h in hashes if h):
            raise ValidationError(
                _("The password must not be one of your last %(n)d passwords.") % {"n": self.count},
                code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        from .models import AccountState, PasswordHistory

        PasswordHistory.objects.create(user=user, password=user.password)
        keep = list(PasswordHistory.objects.filter(user=user).order_by("-at", "-id")
                    .values_list("id", flat=True)[: self.count])
        PasswordHistory.objects.filter(user=user).exclude(id__in=keep).delete()
        # Set by someone else (an administrator, in the admin site or a page): changed at first login.
        acting = request_user()
        by_other = acting is not None and acting.pk != user.pk
        AccountState.objects.update_or_create(
            user=user, defaults={"password_changed_at": timezone.now(), "must_change_password": by_other})

    def get_help_text(self):
        return _("Do not reuse one of your last %(n)d passwords.") % {"n": self.count}
