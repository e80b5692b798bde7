"""Second factor (TOTP, django-otp) for the three administrators (三员分立, SEC-6), when required.

Required by the installation (``SERVICEHALL_OTP_FOR_ADMINS``) or by the person's center policy
(``otp_for_admins``, when the policy has it). The security administrator enrols a person's device
(``servicehall otp enrol USERNAME`` prints the otpauth URL to scan).
"""

from __future__ import annotations

from django.conf import settings

from servicehall.org.access import roles_of
from servicehall.org.choices import ADMIN_DUTIES


def required_for(user) -> bool:
    """Whether this person must confirm a second factor: one of the three administrators (or a superuser)
    where the installation or their center's policy requires it."""
    from servicehall.org.models import Policy

    policy_may_require = any(f.name == "otp_for_admins" for f in Policy._meta.concrete_fields)
    if user is None or not user.is_authenticated or not (settings.OTP_REQUIRED_FOR_ADMINS or policy_may_require):
        return False
    if not (user.is_superuser or roles_of(user) & set(ADMIN_DUTIES)):
        return False
    if settings.OTP_REQUIRED_FOR_ADMINS:
        return True
    staff = getattr(user, "staff", None)
    policy = getattr(getattr(staff, "center", None), "policy", None) if staff is not None else None
    return bool(getattr(policy, "otp_for_admins", False))


def needs_second_factor(request, user) -> bool:
    """True while a person who must use a second factor has not confirmed it in this session."""
    if not required_for(user):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified() if callable(is_verified) else False)
