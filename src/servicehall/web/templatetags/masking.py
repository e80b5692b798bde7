"""Template tags for personal data (SEC-3): ``{% load masking %}``.

- ``{% shown_phone case %}``, ``{% shown_id_number case %}`` — the record's phone or ID number as the viewer
  (``request.user``) may see it: in full when their role and scope cover the record, masked otherwise
  (:mod:`servicehall.web.masking`). A second argument names another value of the same record:
  ``{% shown_phone pkg pkg.contact %}``.
- ``{{ case.phone|masked_phone }}``, ``{{ value|masked_id_number }}`` — always masked: for printouts handed to
  applicants and for the public pages.
"""

from __future__ import annotations

from django import template

from servicehall.rules.identity import mask_id_number, mask_phone
from servicehall.web import masking

register = template.Library()


def _viewer(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def shown_phone(context, record, value=None) -> str:
    return masking.shown_phone(_viewer(context), record, value)


@register.simple_tag(takes_context=True)
def shown_id_number(context, record, value=None) -> str:
    return masking.shown_id_number(_viewer(context), record, value)


@register.filter
def masked_phone(value) -> str:
    return mask_phone(value)


@register.filter
def masked_id_number(value) -> str:
    return mask_id_number(value)
