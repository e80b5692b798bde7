from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from servicehall.errors import RuleViolation

from . import services


class OwnPasswordForm(PasswordChangeForm):
    """A person changes their own password (SEC-6): through :func:`services.set_password`, audited."""

    def save(self, commit=True):
        try:
            services.set_password(self.user, self.user, self.cleaned_data["new_password1"], by_admin=False)
        except RuleViolation as exc:  # validated already by the form; kept for a race with another change
            raise forms.ValidationError([p.message for p in exc.problems]) from None
        return self.user


class TokenForm(forms.Form):
    token = forms.CharField(label=_("Code from your authenticator"), max_length=8,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
