"""``{% load once %}{% form_token %}`` inside a create form: the hidden one-time token (SEC-2)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from servicehall.core import once

register = template.Library()


@register.simple_tag
def form_token() -> str:
    """A fresh token each time the form is drawn; the view claims it when the form comes back."""
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD, once.new_token())
