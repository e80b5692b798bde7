"""The audit administrator's page (SEC-6 三员分立, SEC-7): read, filter and export the trail; no changes."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from servicehall.audit.export import workbook
from servicehall.audit.models import AuditRecord
from servicehall.audit.services import record_export
from servicehall.core.dbrouter import replica_reads
from servicehall.core.xlsx import xlsx_response
from servicehall.org.access import roles_of
from servicehall.org.choices import Role

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.CharField(label=gettext_lazy("Actor"), required=False, max_length=150)
    action = forms.CharField(label=gettext_lazy("Action"), required=False, max_length=60)
    object_type = forms.CharField(label=gettext_lazy("Object type"), required=False, max_length=60)
    address = forms.CharField(label=gettext_lazy("Client address"), required=False, max_length=45)

    def clean(self):
        data = super().clean() or {}
        for name, value in data.items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("This value contains a character that is not allowed."))
        return data


def is_audit_admin(user) -> bool:
    return bool(user is not None and user.is_authenticated
                and (user.is_superuser or Role.AUDIT_ADMIN in roles_of(user)))


def visible_records(user):
    """The records an audit administrator reads: those of their own center's people; a superuser all."""
    qs = AuditRecord.objects.select_related("actor")
    if user.is_superuser:
        return qs
    staff = getattr(user, "staff", None)
    if staff is None:
        return qs.none()
    return qs.filter(actor__staff__center_id=staff.center_id)


def filtered(qs, data: dict):
    tz = timezone.get_current_timezone()
    if data.get("date_from"):
        qs = qs.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=tz))
    if data.get("date_to"):
        qs = qs.filter(at__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    if data.get("actor"):
        qs = qs.filter(actor_label__icontains=data["actor"])
    if data.get("action"):
        qs = qs.filter(action__icontains=data["action"])
    if data.get("object_type"):
        qs = qs.filter(object_type__icontains=data["object_type"])
    if data.get("address"):
        qs = qs.filter(address__startswith=data["address"])
    return qs.order_by("-at", "-id")


@login_required
@replica_reads
def audit_list(request):
    """审计日志: the trail with filters, a page at a time, and its spreadsheet (itself audited)."""
    if not is_audit_admin(request.user):
        raise PermissionDenied(_("Only the audit administrator reads the audit trail."))
    form = AuditFilterForm(request.GET or None)
    qs = visible_records(request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        qs = qs.none()
    qs = filtered(qs, data)
    if request.GET.get("format") == "xlsx" and (not form.is_bound or form.is_valid()):
        return _export(request, qs, data)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    from servicehall.org.access import current_center

    return render(request, "audit/audit_list.html", {"form": form, "page": page, "query": query.urlencode(),
                                                     "center": current_center(request)})


def _export(request, qs, data: dict):
    tz = timezone.get_current_timezone()
    records = list(qs[:EXPORT_LIMIT])
    header = [_("Time"), _("Actor"), _("Action"), _("Object type"), _("Object id"), _("Object"), _("Before"),
              _("After"), _("Reason"), _("Client address"), _("Hash")]
    rows = ([r.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), r.actor_label, r.action, r.object_type, r.object_id,
             r.object_repr, _json(r.before), _json(r.after), r.reason, r.address, r.hash] for r in records)
    body = workbook(_("Audit trail"), header, rows)
    detail: dict[str, object] = {k: str(v) for k, v in data.items() if v not in (None, "")}
    detail["rows"] = len(records)
    record_export(request.user, "audit.xlsx", detail)
    return xlsx_response(body, f"audit-{timezone.localdate():%Y%m%d}.xlsx")


def _json(value) -> str:
    import json

    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
