"""Rating pages of the national 好差评 (EVAL-4, EVAL-5): a case rated from its link or QR code on a phone without
logging in (一事一评), the rater's score of a rectification, the clerk's own ratings with their appeals, the
office's appeal queue and the reason checklists as data."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from servicehall.audit.services import Actor
from servicehall.core.printouts import qr_svg
from servicehall.errors import RuleViolation, labels_of, shown
from servicehall.org.access import current_center, require
from servicehall.org.models import Center, Staff
from servicehall.pages import pk_of

from . import services as q
from .models import BadRatingCase, Rating, RatingAppeal, RatingReason


def rating_fields(center: Center, post: Any = None) -> dict[str, Any]:
    """What a rating form shows beside the levels (EVAL-4): each level's reasons and the four indicators, with
    what was ticked when the form comes back with an error."""
    ticked = set(post.getlist("reasons")) if post is not None else set()
    groups = [(level, [(r, str(r.pk) in ticked) for r in rows]) for level, rows in q.reasons_of(center).items()]
    indicators = [(code, label, post.get(code, "") if post is not None else "") for code, label in Rating.INDICATORS]
    return {"reason_groups": groups, "indicators": indicators, "comment_max": Rating.COMMENT_MAX}


def _problems(exc: Exception) -> list[str]:
    return [shown(p, labels=labels_of(Rating, BadRatingCase, RatingAppeal, RatingReason),
                  public=True) for p in getattr(exc, "problems", [exc])]


def rate_case(request, token: str):
    """一事一评 (EVAL-4, PUB-2): a case's rating page, reached from its receipt, result notice or SMS; then, once
    the department has rectified a poor rating, the rater's score of the rectification (EVAL-5)."""
    case = q.case_of_token(token)
    if case is None:
        raise Http404(_("No such rating link."))
    center = case.center
    rating = Rating.objects.filter(rated_case=case).first()
    errors: list[str] = []
    done = ""
    if request.method == "POST":
        try:
            if request.user.is_authenticated and Staff.objects.filter(user=request.user).exists():
                # EVAL-4/5: the applicant rates; a clerk who can open the receipt may not rate (or score the
                # rectification of) a case in the applicant's place
                raise RuleViolation(_("Staff signed in cannot rate a case in the applicant's place: sign out, "
                                      "and let the applicant rate it from their own phone."))
            if request.POST.get("action") == "rectification":
                if rating is None:
                    raise RuleViolation(_("there is no rating of this case yet"))
                q.score_rectification(rating, request.POST.get("rectification_score", ""))
                done = "rectification"
            else:
                try:
                    level = int(request.POST.get("level", "") or 0)
                except ValueError:
                    level = 0
                rating = q.rate_case(case, level, request.POST.get("comment", ""),
                                     reasons=request.POST.getlist("reasons"),
                                     indicators={k: request.POST.get(k, "") for k in q.INDICATOR_FIELDS})
                done = "rating"
        except RuleViolation as exc:
            errors = _problems(exc)
            rating = Rating.objects.filter(rated_case=case).first()
    return render(request, "tickets/rate_case.html", {
        "center": center, "case": case, "rating": rating, "finished": q.case_finished(case), "errors": errors,
        "done": done, "levels": Rating.LEVELS, "rectify": rating is not None and q.rectification_open(rating),
        "bad": BadRatingCase.objects.filter(rating=rating).first() if rating is not None else None,
        "scores": BadRatingCase.RECTIFICATION_SCORES,
        "comment": request.POST.get("comment", "") if errors else "",
        "chosen": request.POST.get("level", "") if errors else "",
        **rating_fields(center, request.POST if errors else None)})


def case_qr(request, token: str):
    """The case rating link's QR code as an SVG image (EVAL-4), made on this server."""
    case = q.case_of_token(token)
    if case is None:
        raise Http404(_("No such rating link."))
    url = public_rating_url(request, case)
    return HttpResponse(segno.make(url, error="m").svg_inline(scale=4), content_type="image/svg+xml")


def public_rating_url(request, case: Any) -> str:
    """The address the applicant's phone opens (EVAL-4): the site's public address (``SERVICEHALL_PUBLIC_URL``,
    the same as in the result SMS) when set — a clerk's browser may be on an intranet address the public cannot
    reach — else the address this page was asked by."""
    from django.conf import settings

    if getattr(settings, "SERVICEHALL_PUBLIC_URL", ""):
        return q.case_rating_url(case)
    return request.build_absolute_uri(q.case_rating_url(case, base=""))


def rating_link_block(request, case: Any) -> dict[str, Any]:
    """For a printout of a case (receipt, result notice): the full rating address and its QR code (EVAL-4)."""
    url = public_rating_url(request, case)
    return {"rating_url": url, "rating_qr": qr_svg(url, scale=3)}


def _center_ratings(center: Center):
    return Rating.objects.filter(Q(ticket__center=center) | Q(rated_case__center=center)).select_related(
        "ticket", "rated_case", "window", "staff", "appeal")


@login_required
def my_ratings(request):
    """The clerk's own ratings (EVAL-5): levels, reasons, comments, and an appeal for a mistaken or malicious one."""
    center = current_center(request)
    me = getattr(request.user, "staff", None)
    if request.method == "POST":
        rating = get_object_or_404(_center_ratings(center), pk=pk_of(request.POST.get("rating")) or 0)
        try:
            q.appeal_rating(Actor.of(request.user), rating, request.POST.get("ground", ""),
                            request.POST.get("reason", ""))
        except RuleViolation as exc:
            for e in _problems(exc):
                messages.error(request, e)
        else:
            messages.success(request, _("Appeal filed: the center office decides."))
        return redirect("tickets:my_ratings")
    rows = _center_ratings(center).filter(staff=me).order_by("-at")[:200] if me is not None else []
    return render(request, "tickets/my_ratings.html", {"center": center, "rows": rows,
                                                       "grounds": RatingAppeal._meta.get_field("ground").choices})


@login_required
def appeals(request):
    """The office's queue of rating appeals (EVAL-5): uphold or reject, with a note; decided ones listed below."""
    center = current_center(request)
    require(request, "rating.appeal.decide", center)
    base = RatingAppeal.objects.filter(Q(rating__ticket__center=center) | Q(rating__rated_case__center=center))
    if request.method == "POST":
        appeal = get_object_or_404(base, pk=pk_of(request.POST.get("appeal")) or 0)
        try:
            q.decide_rating_appeal(Actor.of(request.user), appeal, request.POST.get("upheld") == "1",
                                   request.POST.get("note", ""))
        except RuleViolation as exc:
            for e in _problems(exc):
                messages.error(request, e)
        else:
            messages.success(request, _("Recorded."))
        return redirect("tickets:appeals")
    rows = base.select_related("rating", "rating__ticket", "rating__rated_case", "rating__window", "staff",
                               "decided_by").order_by("-filed_at")
    return render(request, "tickets/appeals.html", {"center": center, "pending": [a for a in rows if a.decided_at is None],
                                                    "decided": [a for a in rows if a.decided_at is not None][:100]})


@login_required
def reasons(request):
    """The reason checklists per level (EVAL-4), the national lists by default: add, reword, reorder, retire."""
    center = current_center(request)
    require(request, "rating.reasons", center)
    if request.method == "POST":
        row = None
        if request.POST.get("reason"):
            row = get_object_or_404(RatingReason, pk=pk_of(request.POST.get("reason")) or 0, center=center)
        try:
            level = int(request.POST.get("level", "") or 0)
        except ValueError:
            level = 0
        try:
            q.save_reason(Actor.of(request.user), center, level, request.POST.get("text", ""),
                          sort=request.POST.get("sort", "0"), active=request.POST.get("active", "1") == "1", reason=row)
        except RuleViolation as exc:
            for e in _problems(exc):
                messages.error(request, e)
        else:
            messages.success(request, _("Recorded."))
        return redirect("tickets:rating_reasons")
    q.load_national_reasons(center)
    rows = RatingReason.objects.filter(center=center).order_by("-level", "sort", "id")
    return render(request, "tickets/rating_reasons.html", {"center": center, "rows": rows, "levels": Rating.LEVELS})

