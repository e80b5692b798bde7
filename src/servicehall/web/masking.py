"""Personal data on pages, printouts, exports and in logs — who sees a phone or an ID number in full (SEC-3).

One rule for every page, printout and export: a phone or ID number is shown in full only to someone whose
role and scope cover the record it belongs to (SEC-5, the ``personal.read`` row of
:mod:`servicehall.org.permissions`): the center office and inspectors across their center, a county office
across the centers under it, a department's leaders, window heads, clerks and approvers for their own
department's records — and the clerk who received or now handles a case. Some records narrow this:

- a complaint's complainant is shown in full only to the center office, inspectors and the county office
  (CMP-4): the department complained about sees the contact masked;
- a staff member's own phone and ID number are shown to that person and to whoever may read their record
  (their department's leader and window heads, the office and inspectors), not to every colleague;
- a first inquiry's asker to the person first-responsible and the one it was passed to, and the oversight.

Everyone else, the public pages and every paper handed to an applicant see masked values
(``138****5678``, ``1101**********1234``; :func:`servicehall.rules.identity.mask_phone`).
Pages use the template tags in ``servicehall/web/templatetags/masking.py``; code uses
:func:`shown_phone` and :func:`shown_id_number`.

The log filter :class:`PersonalDataFilter` masks 18-character ID numbers and mainland mobile numbers in
every log record, whoever logged it; ``settings.LOGGING`` attaches it to every handler. This module imports
no models at import time, so that logging can be configured before the apps are loaded.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from servicehall.rules.identity import mask_id_number, mask_phone

__all__ = ["PersonalDataFilter", "mask_text", "sees_personal", "shown_id_number", "shown_phone"]


# -- who sees a record's personal data in full -------------------------------------------------------------

def _ref(model_label: str, pk: int | None):
    """An unsaved stand-in carrying only a primary key: the permission table reads nothing else from it."""
    if pk is None:
        return None
    from django.apps import apps

    return apps.get_model(model_label)(pk=pk)


def _center(record):
    return _ref("org.Center", record.center_id)


def _case(record) -> tuple[Any, set[int | None]]:
    from servicehall.org.permissions import Target

    return (Target(_center(record), department=_ref("org.Department", record.department_id)),
            {record.clerk_id, record.handler_id})


def _complaint(record) -> tuple[Any, set[int | None]]:
    from servicehall.org.permissions import Target

    return Target(_center(record)), set()  # center-wide oversight only: never the department complained about


def _inquiry(record) -> tuple[Any, set[int | None]]:
    from servicehall.org.permissions import Target

    return Target(_center(record)), {record.responsible_id, record.to_staff_id, record.recorded_by_id}


def _assist(record) -> tuple[Any, set[int | None]]:
    from servicehall.org.permissions import Target

    return Target(_center(record)), {record.assignee_id}


def _proxy(record) -> tuple[Any, set[int | None]]:
    from servicehall.org.permissions import Target

    return Target(_center(record)), {record.agent_id}


def _appointment(record) -> tuple[Any, set[int | None]]:
    from servicehall.org.permissions import Target

    slot = record.slot
    return Target(_ref("org.Center", slot.center_id), department=slot.item.department), set()


# Records that carry a phone or an ID number → (the permission target, people who always see it).
_SCOPES = {
    "cases.case": _case,
    "cases.assistrequest": _assist,
    "cases.proxypackage": _proxy,
    "feedback.complaint": _complaint,
    "feedback.inquiry": _inquiry,
    "tickets.appointment": _appointment,
}


def sees_personal(user, record) -> bool:
    """Whether ``user`` may see ``record``'s phone and ID number in full (SEC-3 by role and scope, SEC-5).

    ``user`` is a logged-in user, an :class:`~servicehall.audit.services.Actor`, or None (the public: never).
    """
    if user is None or record is None:
        return False
    from servicehall.org.permissions import Target, allowed, is_unlimited, person_of

    if is_unlimited(user):
        return True
    me = person_of(user)
    if me is None:
        return False
    label = record._meta.label_lower
    if label == "org.staff":
        # Colleagues see each other masked; the person, their department's heads and the oversight in full.
        return record.pk == me.pk or allowed(user, "record.read", Target(_center(record), person=record))
    scope = _SCOPES.get(label)
    if scope is None:
        raise KeyError(f"no masking scope for {label}: add it to servicehall.web.masking._SCOPES (SEC-3)")
    target, people = scope(record)
    return me.pk in people or allowed(user, "personal.read", target)


def shown_phone(user, record, value: str | None = None) -> str:
    """``record``'s phone (or ``value``, a phone belonging to it) as ``user`` may see it (SEC-3)."""
    phone = getattr(record, "phone", "") if value is None else value
    if not phone:
        return ""
    return phone if sees_personal(user, record) else mask_phone(phone)


def shown_id_number(user, record, value: str | None = None) -> str:
    """``record``'s ID number (or ``value``) as ``user`` may see it (SEC-3)."""
    number = getattr(record, "id_number", "") if value is None else value
    if not number:
        return ""
    return number if sees_personal(user, record) else mask_id_number(number)


# -- logs ----------------------------------------------------------------------------------------------------

# 18-character GB 11643 ID numbers and mainland mobile numbers, not inside a longer run of digits or letters.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")


def _mask_mobile(match: re.Match) -> str:
    text = match.group(0)
    return text[:-11] + mask_phone(text[-11:])


def mask_text(text: str) -> str:
    """Mask every ID number and mobile number found in free text (SEC-3): for logs and messages."""
    if not text:
        return text
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE_IN_TEXT.sub(_mask_mobile, text)


class PersonalDataFilter(logging.Filter):
    """Masks ID numbers and mobile numbers in a log record's message, arguments, exception and stack (SEC-3).

    The record is changed in place — message formatted and masked, arguments dropped — so that every handler
    after this one sees the masked text too. It never drops a record.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what there is, masked
            message = f"{record.msg} {record.args!r}"
        record.msg = mask_text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
