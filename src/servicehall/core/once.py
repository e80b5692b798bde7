"""One-time form tokens: a form that creates a record makes it once, however often it is sent (SEC-2).

A double click, a reload that sends the form again, or two identical submissions racing each other on two
connections must not leave two cases, two complaints or two tickets. Each create form carries a random token
drawn when the page is rendered (``{% load once %}{% form_token %}``); the view claims it in the same
transaction as the write::

    try:
        with transaction.atomic():
            sent = once.claim(request)
            case = services.receive_case(...)
            sent.made(case)
    except once.AlreadySent as first:
        ...answer with first.record, the case the first submission made...

Claiming inserts a row whose key — the token, who sent it and what was sent — is unique in the database,
so the database decides which of two racing submissions is first: the other waits for it, fails on the key
and is answered with what the first made — never a second record and never an error page. A refused
submission rolls its claim back with everything else, so the corrected form can be sent again. A form sent
without a token (a page from before the tokens, a script, the API) is served as before, without the guard.
Claims are kept a few days (:func:`clean`, run daily by the worker).

A page brought back by the browser's Back button still holds the token it was drawn with: sent again
unchanged, it is the same submission and is answered with the first record. On a shared device (the kiosk)
the next person therefore starts from a freshly drawn page, as the kiosk's Done link gives.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.contrib import messages
from django.db import IntegrityError, models, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import FormSubmission

FIELD = "form_token"
KEEP = dt.timedelta(days=3)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_NOT_CONTENT = {FIELD, "csrfmiddlewaretoken"}


def new_token() -> str:
    """A fresh random token for one rendering of a form."""
    return secrets.token_urlsafe(24)


def _key(request, token: str) -> str:
    """The stored key: the token bound to who sent it and to what was sent, hashed so the table holds no
    token a page could reuse. The same form sent again as it was is the same key; a token copied into another
    account's form, or a form changed after going back in the browser and sent again, is another submission."""
    user = getattr(request, "user", None)
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else "anonymous"
    fields = sorted((k, v) for k in request.POST if k not in _NOT_CONTENT for v in request.POST.getlist(k))
    files = sorted((k, f.name, f.size) for k in request.FILES for f in request.FILES.getlist(k))
    sent = json.dumps([who, token, fields, files], ensure_ascii=False)
    return hashlib.sha256(sent.encode("utf-8", "surrogatepass")).hexdigest()


class AlreadySent(Exception):  # noqa: N818 - a state, not a failure: the form was sent before
    """This form's token was claimed before: the first submission made the record, this one makes nothing.

    Raised by :func:`claim` inside the view's transaction; catch it outside that transaction, where
    :attr:`record` reads what the first submission committed."""

    def __init__(self, key: str):
        super().__init__("form already sent")
        self.key = key

    @cached_property
    def record(self) -> models.Model | None:
        """The record the first submission made, or None when it named none (or it no longer exists)."""
        row = FormSubmission.objects.filter(token=self.key).first()
        if row is None or not row.object_type:
            return None
        try:
            model = apps.get_model(row.object_type)
        except (LookupError, ValueError):
            return None
        return model._default_manager.filter(pk=row.object_id).first()


@dataclass
class Claim:
    """A claimed token (or none, for a form sent without one): tell it what the submission made."""

    row: FormSubmission | None = None

    def made(self, obj: models.Model | None):
        """Remember the record this submission made, so a second submission is answered with it; returns it."""
        if self.row is not None and isinstance(obj, models.Model):
            self.row.object_type, self.row.object_id = obj._meta.label_lower, str(obj.pk)
            self.row.save(update_fields=["object_type", "object_id"])
        return obj


def claim(request) -> Claim:
    """Claim the form's one-time token, inside the transaction that writes the record.

    Raises :class:`AlreadySent` when the token was claimed before (by a submission that committed; one still
    running is waited for by the database). A missing or malformed token claims nothing."""
    token = request.POST.get(FIELD, "") if request.method == "POST" else ""
    if not _TOKEN.fullmatch(token):
        return Claim()
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("once.claim() belongs inside the transaction.atomic() block that writes the record")
    key = _key(request, token)
    try:
        with transaction.atomic():
            row = FormSubmission.objects.create(token=key, created_at=timezone.now())
    except IntegrityError:
        raise AlreadySent(key) from None
    return Claim(row)


def sent_before(request, to: str, *args, **kwargs):
    """The answer when the first submission's record cannot be shown: say the form was already sent (it was
    recorded once) and go to ``to`` (a URL name or path)."""
    messages.info(request, _("This form was already sent; it was recorded once."))
    return redirect(to, *args, **kwargs)


def answer(request, first: AlreadySent, found, to: str):
    """Answer a second submission: ``found(record)`` with what the first made, else :func:`sent_before`."""
    record = first.record
    return found(record) if record is not None else sent_before(request, to)


def clean(now: dt.datetime | None = None, keep: dt.timedelta = KEEP) -> int:
    """Forget claims older than ``keep`` (a form is not sent again days later); returns how many went."""
    cutoff = (now or timezone.now()) - keep
    deleted, _rows = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def guard(request, write):
    """``write`` made safe to send twice, for views that answer every submission the same way (a list page):
    run in one transaction with the form's token claimed; a second submission writes nothing. ``write`` may
    return the record it made."""

    def run():
        try:
            with transaction.atomic():
                sent = claim(request)
                sent.made(write())
        except AlreadySent:
            pass  # the first submission made it

    return run
