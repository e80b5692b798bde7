"""The office's pages for what leaves the building (issue 16): the SMS templates, and the outbox — messages
waiting, failing and dead, with "send again" for dead letters. Phones are shown masked (SEC-3)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from servicehall.audit.services import Actor
from servicehall.core import sms
from servicehall.core.models import OutboxMessage, OutboxStatus, SmsTemplate
from servicehall.errors import RuleViolation, labels_of, shown
from servicehall.org import services as org
from servicehall.org.access import current_center, may
from servicehall.org.permissions import Forbidden
from servicehall.pages import pk_of
from servicehall.rules.identity import mask_phone


@login_required
def sms_templates(request):
    """Every message the system sends, the center's wording (or the default) and the placeholders it may use;
    the office changes a wording here (placeholders checked on save)."""
    center = current_center(request)
    if not may(request, "sms.template.edit", center):
        raise Forbidden("sms.template.edit")
    errors: list = []
    posted: dict[str, str] = {}
    if request.method == "POST":
        key, text = request.POST.get("key", ""), request.POST.get("text", "")
        posted = {key: text}
        try:
            org.save_sms_template(Actor.of(request.user), center, key, text)
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(SmsTemplate, key=_("Message"))) for p in exc.problems]
        else:
            messages.success(request, _("Saved: %(who)s.") % {"who": key})
            return redirect("web:sms_templates")
    own = {t.key: t.text for t in SmsTemplate.objects.filter(center=center)}
    rows = []
    for key, (default, required, optional) in sms.DEFAULTS.items():
        rows.append({"key": key, "name": sms.NAMES.get(key, key), "text": posted.get(key, own.get(key, default)), "custom": key in own,
                     "default": default, "required": " ".join("{" + n + "}" for n in sorted(required)),
                     "optional": " ".join("{" + n + "}" for n in sorted(optional | {"center"}))})
    return render(request, "web/sms_templates.html", {"center": center, "rows": rows, "errors": errors})


@login_required
def outbox_page(request):
    """The outbox of the center: counts by status, the dead letters (send again: all, or one) and the latest
    messages."""
    center = current_center(request)
    if not may(request, "outbox.resend", center):
        raise Forbidden("outbox.resend")
    errors: list = []
    if request.method == "POST":
        raw = request.POST.get("id", "").strip()
        ids = None
        if raw:
            pk = pk_of(raw)
            ids = [pk] if pk is not None else []
        try:
            count = org.resend_dead(Actor.of(request.user), center, ids)
        except RuleViolation as exc:
            errors = [shown(p, labels=labels_of(OutboxMessage)) for p in exc.problems]
        else:
            messages.success(request, _("%(count)s messages queued to be sent again.") % {"count": count})
            return redirect("web:outbox")
    rows = OutboxMessage.objects.filter(center=center)
    counts = {s.value: rows.filter(status=s.value).count() for s in OutboxStatus}

    def view(m: OutboxMessage) -> dict:
        return {"m": m, "to": mask_phone(m.phone) if m.phone else m.doc_id}

    dead = [view(m) for m in rows.filter(status=OutboxStatus.DEAD).order_by("-created_at")[:200]]
    latest = [view(m) for m in rows.order_by("-created_at", "-id")[:50]]
    return render(request, "web/outbox.html", {"center": center, "counts": counts, "dead": dead, "latest": latest,
                                               "statuses": OutboxStatus, "errors": errors})
