"""Personal identifiers — 身份证号码 and phones: validation and masking (SEC-3).

ID numbers follow GB 11643-1999 (公民身份号码): 17 digits then a check
character computed as ISO 7064 MOD 11-2. Masking keeps just enough for a
person to recognise their own record in a list.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = [
    "IdNumberError",
    "id_check_char",
    "validate_id_number",
    "birth_date_from_id",
    "age_on",
    "mask_id_number",
    "mask_phone",
    "validate_phone",
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# ASCII digits only: ``\d`` would also take Arabic-Indic or other scripts' digits, which no SMS gateway dials.
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE_RE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$")
_SERVICE_RE = re.compile(r"^(12345|12315|12366|12333|12320|110|119|120)$")


class IdNumberError(ValueError):
    """An ID number that is not a valid GB 11643 number; the message says why."""


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise IdNumberError("the first 17 characters of an ID number must be digits")
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def validate_id_number(value: str) -> str:
    """Return the normalised (upper-case X) ID number, or raise :class:`IdNumberError`."""
    number = (value or "").strip().upper()
    if not _ID_RE.match(number):
        raise IdNumberError("an ID number has 18 characters: 17 digits and a digit or X (GB 11643)")
    birth_date_from_id(number)
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise IdNumberError(f"check digit is {number[17]}, GB 11643 gives {expected}")
    return number


def birth_date_from_id(number: str) -> dt.date:
    """The birth date encoded in characters 7-14 of an 18-character ID number."""
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdNumberError(f"birth date {number[6:14]} in the ID number is not a real date") from exc


def age_on(number: str, day: dt.date) -> int:
    """Full years of age on ``day`` for the holder of ``number`` (Q-2 green channel: 60+)."""
    born = birth_date_from_id(number)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


_FULL_WIDTH = str.maketrans("０１２３４５６７８９－　", "0123456789- ")


def _phone_text(value: str) -> str:
    """Full-width digits and dashes as typed by a Chinese input method, read as ASCII; spaces dropped."""
    return (value or "").translate(_FULL_WIDTH).strip().replace(" ", "")


def validate_phone(value: str) -> str:
    """A mainland mobile (11 digits), a landline with area code, or a service hotline."""
    phone = _phone_text(value)
    if _MOBILE_RE.match(phone) or _LANDLINE_RE.match(phone) or _SERVICE_RE.match(phone):
        return phone
    raise ValueError("a phone is an 11-digit mobile number (1xxxxxxxxxx) or a landline with its area code")


def validate_mobile(value: str) -> str:
    """A mainland mobile number (11 digits starting with 1), the only kind an SMS reaches (Q-7, Q-8)."""
    phone = _phone_text(value).replace("-", "")
    if _MOBILE_RE.match(phone):
        return phone
    raise ValueError("a mainland mobile number: 11 digits starting with 1 — a text message reaches only a mobile")


def mask_id_number(value: str | None) -> str:
    """``360725199001011234`` → ``3607**********1234`` (SEC-3)."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``; landlines keep the area code and last 2 digits."""
    if not value:
        return ""
    if _MOBILE_RE.match(value):
        return value[:3] + "****" + value[-4:]
    if "-" in value:
        area, rest = value.split("-", 1)
        return area + "-" + "*" * max(len(rest) - 2, 0) + rest[-2:]
    if len(value) <= 4:
        return value
    return value[:3] + "*" * (len(value) - 5) + value[-2:]
