"""What every printed document carries (CASE-2, CASE-3, CASE-7, FIR-2, Q-5): the center's name, the
document's number and a QR code that opens the public progress lookup of its case — made on this server as
inline SVG (no outside service, no script; the pages' Content-Security-Policy allows neither).

The code's address names the case number only (PUB-2: the lookup itself asks for the last four digits of the
phone, which never go into a code that anyone holding the paper can read), and the center's code so the page
opens under the right center.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe


def date_of(raw: Any) -> dt.date | None:
    """A date kept as ISO text in a step's data (a notice's return date, CASE-3), or None."""
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def qr_svg(url: str, scale: int = 2, fit: bool = False) -> SafeString:
    """A QR code of ``url`` as inline SVG markup drawn here (no outside service): with its own size for paper,
    or with ``fit`` only its view box, to be sized by the page (a poster's large code)."""
    svg = segno.make(url, error="m").svg_inline(scale=scale, omitsize=fit)
    return mark_safe(svg)  # noqa: S308 - segno's own markup of an address we built


def public_url(request: Any, path: str) -> str:
    """The full address a phone opens: the site's public address (``SERVICEHALL_PUBLIC_URL``) when set — a
    clerk's browser may be on an intranet address the public cannot reach — else the one this page came by."""
    root = str(getattr(settings, "SERVICEHALL_PUBLIC_URL", "") or "")
    if root:
        return root.rstrip("/") + path
    return str(request.build_absolute_uri(path))


def site_url(path: str, base: str | None = None) -> str:
    """A link sent away from any page (an SMS, a pushed document): ``base`` (a page's own address) or the site's
    public address (``SERVICEHALL_PUBLIC_URL``) before ``path``; the path alone when neither is known."""
    root = base if base is not None else str(getattr(settings, "SERVICEHALL_PUBLIC_URL", "") or "")
    return root.rstrip("/") + path


def progress_path(center: Any, number: str = "") -> str:
    """The public progress lookup (PUB-2) with the case number filled in; nothing personal."""
    query = {"center": center.code}
    if number:
        query["number"] = number
    return reverse("cases:progress") + "?" + urlencode(query)


def document(request: Any, center: Any, number: str, *, case_number: str = "", path: str = "",
             scale: int = 2) -> dict[str, Any]:
    """The context of the shared document header (``web/_doc_header.html``): the document's ``number``, and
    a QR code of the progress lookup of ``case_number`` — or of ``path`` (a guide, the center's home page)
    when the document has no case."""
    url = public_url(request, progress_path(center, case_number) if case_number or not path else path)
    return {"doc_number": number, "doc_url": url, "doc_qr": qr_svg(url, scale), "doc_case": case_number}
