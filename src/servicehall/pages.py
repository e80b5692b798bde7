"""Small pieces every manager's page uses: query parameters read through form fields (a ``?from=&to=`` date
range, a year, a month, a record id) and an xlsx download.

A bad value in the query (``?year=abc``, ``?year=99999``, ``?month=2026-13``, ``?from=0000-01-01``) never
fails the page: the page shows its default and says, in the reader's language, which field and value were
not accepted and why (issue 10, item 7).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from servicehall.core import clock

# The years a page may ask about: the center's records and calendars live here, and date arithmetic near
# the ends of Python's calendar (year 1, year 9999) overflows.
YEAR_MIN, YEAR_MAX = 2000, 2100
ID_MAX = 2_147_483_647  # the largest record id every database backend stores


# Every value a page receives, before any view reads it: no NUL characters (no record holds one and
# PostgreSQL cannot store them), and no value longer than a field may be: a line holds at most 300
# characters (the longest short field of the models); free, multi-line texts (a pasted holiday list, a
# complaint and its answer, an instruction) may be long.
LINE_MAX, TEXT_MAX = 300, 20_000
TEXT_FIELDS = frozenset({"text", "matter", "content", "answer", "result", "instruction", "remedy_text", "intro",
                         "duties", "legal_basis", "conditions", "procedure", "fee_basis", "cases", "pickups",
                         "sessions", "next"})


def _field_label(key: str) -> str:
    """A form field's name as a reader knows it (its label, never its code, issue 13 item 3); a field the
    pages do not have is "one of the fields"."""
    from servicehall.errors import field_label

    return field_label(quoted(key)) or _("one of the fields")


def bad_input(request) -> str | None:
    """What makes a request's input unacceptable as a whole, in the reader's language, or None."""
    if "\x00" in request.path:
        return _("The address contains a NUL character.")
    sources = [request.GET]
    if request.method == "POST" and not request.content_type.startswith("application/json"):
        sources.append(request.POST)
    for source in sources:
        for key, values in source.lists():
            for value in values:
                if "\x00" in key or "\x00" in value:
                    return _("%(field)s: NUL characters are not allowed.") % {"field": _field_label(key)}
                limit = TEXT_MAX if key in TEXT_FIELDS else LINE_MAX
                if len(value) > limit:
                    return _("%(field)s: at most %(limit)s characters (%(length)s given).") % {
                        "field": _field_label(key), "limit": limit, "length": len(value)}
    return None


def refusing_bad_input(view):
    """``view`` behind :func:`bad_input`: an unacceptable request gets a 400 page naming the field and
    changes nothing. A date in a year no working-day calendar covers (CASE-5) is named the same way, as
    the API does, wherever in the page's work it is met (its transaction is rolled back)."""
    from functools import wraps

    from django.shortcuts import render

    from servicehall.rules.workdays import CalendarYearMissing

    @wraps(view)
    def guarded(request, *args, **kwargs):
        problem = bad_input(request)
        if problem is not None:
            return render(request, "web/bad_input.html", {"problem": problem}, status=400)
        try:
            return view(request, *args, **kwargs)
        except CalendarYearMissing as exc:
            from servicehall.errors import shown

            problem = shown(_("There is no working-day calendar for %(year)s yet: the center office enters that "
                              "year's holiday arrangement first (CASE-5).") % {"year": exc.year})  # CASE-5 small
            return render(request, "web/bad_input.html", {"problem": problem}, status=422)

    return guarded


def guard_pages(patterns) -> None:
    """Put every page of ``patterns`` (not the JSON API, which validates by its schema) behind
    :func:`refusing_bad_input`."""
    from django.urls import URLPattern, URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            if not str(p.pattern).startswith("api/"):
                guard_pages(p.url_patterns)
        elif isinstance(p, URLPattern) and not getattr(p.callback, "refuses_bad_input", False):
            p.callback = refusing_bad_input(p.callback)
            p.callback.refuses_bad_input = True  # type: ignore[attr-defined]


def _within_years(value: dt.date) -> None:
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValidationError(_("Enter a date in the years %(first)s to %(last)s."),
                              params={"first": YEAR_MIN, "last": YEAR_MAX})


def quoted(value: str, limit: int = 20) -> str:
    """A typed value as an error message may repeat it: printable characters only, at most ``limit``."""
    clean = "".join(ch for ch in str(value) if ch.isprintable())
    return clean if len(clean) <= limit else clean[:limit] + "…"


def param(request, name: str, field: forms.Field, default, label: str, shown_default=None):
    """``?name=`` cleaned by a form field; when it is not accepted, the page says so and uses ``default``."""
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    try:
        return field.clean(raw)
    except ValidationError as exc:
        messages.error(request, _("%(field)s: “%(value)s” is not accepted (%(reason)s); showing %(default)s "
                                  "instead.") % {"field": label, "value": quoted(raw), "reason": " ".join(exc.messages),
                                                "default": default if shown_default is None else shown_default})
        return default


def year_param(request, default: int, name: str = "year") -> int:
    """``?year=`` between 2000 and 2100."""
    return param(request, name, forms.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX), default, _("year"))


def month_param(request, default: tuple[int, int], name: str = "month") -> tuple[int, int]:
    """``?month=YYYY-MM`` as (year, month)."""
    field = forms.DateField(input_formats=["%Y-%m"], validators=[_within_years])
    day = param(request, name, field, None, _("month"), shown_default=f"{default[0]}-{default[1]:02d}")
    return (day.year, day.month) if day is not None else default


def number_of(raw, field: str, low: int, high: int) -> int:
    """A whole number typed into a form, from ``low`` to ``high``; otherwise a refusal naming the field."""
    from servicehall.errors import Problem, RuleViolation

    try:
        return forms.IntegerField(min_value=low, max_value=high).clean(raw)
    except ValidationError as exc:
        why = " ".join(exc.messages)
        raise RuleViolation(Problem(field, why)) from None


def pk_of(value) -> int | None:
    """A record id typed into a form or a query: the number, or None when it is not one a record can have
    (a lookup by None finds nothing: the page answers 404 or "no such record", never a 500)."""
    try:
        return forms.IntegerField(min_value=1, max_value=ID_MAX).clean(value)
    except ValidationError:
        return None

def date_param(request, name: str, default: dt.date) -> dt.date:
    """``?name=YYYY-MM-DD`` in the years 2000 to 2100."""
    field = forms.DateField(input_formats=["%Y-%m-%d"], validators=[_within_years])
    return param(request, name, field, default, _("date"))


def date_range(request, center) -> tuple[dt.date, dt.date]:
    """``?from=&to=`` for a manager's list; this month so far (in the center's zone) by default."""
    today = clock.today(center)
    return date_param(request, "from", today.replace(day=1)), date_param(request, "to", today)
