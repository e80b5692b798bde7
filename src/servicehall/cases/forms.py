"""The public progress lookup's form (PUB-2): the case number and the last four digits of the phone."""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Case

NUMBER_LENGTH = Case._meta.get_field("number").max_length or 30
FOUR_DIGITS = re.compile(r"[0-9]{4}")  # ASCII digits only: ``\d`` would take digits no phone number has


def case_number(text: str | None) -> str:
    """A case number as typed (a kiosk's IME may give full-width letters and digits, or lower case): trimmed,
    folded (NFKC) and in capitals; '' when it cannot be a case number (too long, or not printable)."""
    number = unicodedata.normalize("NFKC", text or "").strip().upper()
    if len(number) > NUMBER_LENGTH or not number.isprintable():
        return ""
    return number


class ProgressForm(forms.Form):
    """A lookup is well formed when it has a case number and exactly four digits of the phone; only a well-formed
    lookup is looked up, and only a well-formed one that finds nothing counts toward the limit (PUB-2). A
    malformed one is an error next to its field."""

    number = forms.CharField(label=_("Case number on your receipt"), error_messages={
        "required": _("Case number: please enter the number printed on your receipt.")})
    phone4 = forms.CharField(label=_("Last 4 digits of phone"), error_messages={
        "required": _("Last 4 digits of phone: please enter the last 4 digits of the phone number you gave.")})

    def clean_number(self) -> str:
        number = case_number(self.cleaned_data["number"])
        if not number:
            raise forms.ValidationError(
                _("Case number: this is not a case number; please enter the number printed on your receipt."),
                code="invalid")
        return number

    def clean_phone4(self) -> str:
        digits = unicodedata.normalize("NFKC", self.cleaned_data["phone4"]).strip()
        if not FOUR_DIGITS.fullmatch(digits):
            raise forms.ValidationError(
                _("Last 4 digits of phone: please enter exactly 4 digits, the last 4 of the phone number you gave."),
                code="invalid")
        return digits
