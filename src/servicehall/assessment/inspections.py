"""Inspections — 明察暗访 (RULES.md ASM-3, ATT-5; ASM-2's ``inspection`` points).

An inspector (or the center office) records a finding: when, at which window and/or of whom, its type from the
center's list (setting ``inspection_kinds``, ATT-5's list by default), a description, photos or video stills
checked by their content, whether the inspection was hidden (暗访) or open (明察) and whether it was exposed in
the media. The person named may answer once while it is open; the office confirms or dismisses it with a note,
once. A confirmed finding naming a person deducts its points in its month (``scores.collect``); one exposed in
the media also removes the person from the post from the next day on (``duty.services.remove_from_post``) and
takes the department's award eligibility for the year (:func:`media_exposures`).

Every write is a service here: permission (``inspection.*`` in the table), validation naming the field,
one transaction, audit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from servicehall.audit.services import Actor, ActorLike, record
from servicehall.core import clock, counters
from servicehall.errors import Problem, RuleViolation
from servicehall.org.models import Center, Department, Staff, Window
from servicehall.org.people import why_not
from servicehall.org.permissions import Target, authorize
from servicehall.rules.assessment import inspection_kinds

from .models import Inspection, InspectionEvidence, InspectionState

DESCRIPTION_MAX = 2000
ANSWER_MAX = 2000
NOTE_MAX = 2000
# Evidence: photos or video stills, checked by content like a complaint's attachments (CMP-1); together within
# what a request may upload (feedback.attachments.MAX_REQUEST_FILE_BYTES).
EVIDENCE_MAX_FILES = 5
EVIDENCE_MAX_BYTES = 3 * 1024 * 1024
EVIDENCE_KINDS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}


def kinds_of(center: Center) -> dict[str, str]:
    """The center's finding types, code → name (ATT-5's list when the setting is empty or unreadable)."""
    try:
        return inspection_kinds(center.policy.inspection_kinds or None)
    except ValueError:
        return inspection_kinds(None)


@dataclass(frozen=True)
class Evidence:
    name: str
    content_type: str
    extension: str
    data: bytes
    sha256: str


def _magic(data: bytes) -> str | None:
    """The image format its first bytes announce (never the name or the browser's claim)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _decodes_as(data: bytes, fmt: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            found = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return found == fmt


def check_evidence(files: Iterable[Any], problems: list[Problem], field: str = "evidence") -> list[Evidence]:
    """Read and check uploaded photos or stills: JPEG, PNG or WebP by their bytes, decoding, at most
    ``EVIDENCE_MAX_FILES`` of ``EVIDENCE_MAX_BYTES``; one problem per bad file; the good ones returned."""
    files = [f for f in (files or []) if f is not None]
    if len(files) > EVIDENCE_MAX_FILES:
        problems.append(Problem.of(field, "at most %(max_files)s files", max_files=EVIDENCE_MAX_FILES))
        return []
    out = []
    mb = EVIDENCE_MAX_BYTES // (1024 * 1024)
    for i, f in enumerate(files):
        where = f"{field}[{i}]"
        name = str(getattr(f, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1][:100]
        size = getattr(f, "size", None)
        if size is not None and size > EVIDENCE_MAX_BYTES:
            problems.append(Problem.of(where, "%(f_name)s: larger than %(mb)s MB", f_name=name, mb=mb))
            continue
        data = f.read(EVIDENCE_MAX_BYTES + 1)
        if len(data) > EVIDENCE_MAX_BYTES:
            problems.append(Problem.of(where, "%(f_name)s: larger than %(mb)s MB", f_name=name, mb=mb))
            continue
        if not data:
            problems.append(Problem.of(where, "%(f_name)s: the file is empty", f_name=name))
            continue
        fmt = _magic(data)
        if fmt is None or not _decodes_as(data, fmt):
            problems.append(Problem.of(where, "%(f_name)s: not a readable JPEG, PNG or WebP image (ASM-3)",
                                       f_name=name))
            continue
        content_type, extension = EVIDENCE_KINDS[fmt]
        out.append(Evidence(name, content_type, extension, data, hashlib.sha256(data).hexdigest()))
    return out


def _lock(insp: Inspection) -> Inspection:
    return Inspection.objects.select_for_update(of=("self",)).select_related("center", "staff", "department", "window").get(
        pk=insp.pk)


def _state(insp: Inspection) -> dict[str, Any]:
    return {"number": insp.number, "state": insp.state, "staff": insp.staff.code if insp.staff else "",
            "window": insp.window.code if insp.window else "", "kind": insp.kind, "media": insp.media,
            "hidden": insp.hidden}


@transaction.atomic
def record_inspection(actor: ActorLike, center: Center, *, at: dt.datetime | None, kind: str, description: str,
                      window: Window | None = None, staff: Staff | None = None, hidden: bool = False,
                      media: bool = False, evidence: Iterable[Any] = (),
                      now: dt.datetime | None = None) -> Inspection:
    """An inspector's finding (ASM-3, ATT-5): dated not in the future, at a window of the center and/or of a
    person of the center (their department is recorded; a person not of that window's department is fine), a
    type from the center's list, a description (refused when too long, never cut), evidence checked by content.
    Numbered ``JC`` + date + sequence. Nothing is written when anything is refused."""
    actor = Actor.of(actor)
    authorize(actor, "inspection.record", Target(center, window=window, person=staff))
    now = now or timezone.now()
    problems: list[Problem] = []
    if at is None or not isinstance(at, dt.datetime) or timezone.is_naive(at):
        problems.append(Problem("at", "the date and time of the finding (ASM-3)"))
    elif at > now:
        problems.append(Problem("at", "a finding cannot be dated in the future (ASM-3)"))
    if window is None and staff is None:
        problems.append(Problem("window", "a finding names the window or the person, or both (ASM-3)"))
    if window is not None and window.center_id != center.pk:
        problems.append(Problem("window", "the window is not one of this center's (ASM-3)"))
    if staff is not None:  # active people of this center, the person named (issue 17 item 1)
        wrong = why_not(actor, center, "staff", staff)
        if wrong is not None:
            problems.append(wrong)
    kinds = kinds_of(center)
    if kind not in kinds:
        problems.append(Problem.of("kind", "the finding type is one of the center's list: %(kinds)s (ATT-5)",
                                   kinds="、".join(kinds.values())))
    text = (description or "").strip()
    if not text:
        problems.append(Problem("description", "a finding describes what was seen (ASM-3)"))
    elif len(text) > DESCRIPTION_MAX:
        problems.append(Problem.of("description", "at most %(n)s characters", n=DESCRIPTION_MAX))
    files = check_evidence(evidence, problems)
    if problems:
        raise RuleViolation(problems)
    assert at is not None
    department: Department | None = staff.department if staff is not None else window.department if window else None
    day = clock.today(center, now)
    number = f"JC{day:%Y%m%d}{counters.next_number(center, 'inspection', day):03d}"
    insp = Inspection.objects.create(center=center, number=number, at=at, window=window, staff=staff,
                                     department=department, kind=kind, description=text, hidden=bool(hidden),
                                     media=bool(media), recorded_by=actor.user)
    for i, f in enumerate(files, 1):
        ev = InspectionEvidence(inspection=insp, name=f.name, content_type=f.content_type, size=len(f.data),
                                sha256=f.sha256)
        ev.file.save(f"{number}-{i}{f.extension}", ContentFile(f.data), save=True)
    record(actor, "inspection.record", insp, None, {**_state(insp), "at": at.isoformat(), "evidence": len(files)})
    return insp


@transaction.atomic
def answer_inspection(actor: ActorLike, insp: Inspection, answer: str,
                      now: dt.datetime | None = None) -> Inspection:
    """The person named answers the finding (ASM-3): once, while it is open (not yet decided)."""
    actor = Actor.of(actor)
    insp = _lock(insp)
    if insp.staff is None:
        raise RuleViolation(Problem("staff", "the finding names nobody: there is nobody to answer it (ASM-3)"))
    authorize(actor, "inspection.answer", Target(insp.center, person=insp.staff))
    problems: list[Problem] = []
    if insp.state != InspectionState.OPEN:
        problems.append(Problem("state", "a finding is answered once, while it is open (ASM-3)"))
    text = (answer or "").strip()
    if not text:
        problems.append(Problem("answer", "an answer says something (ASM-3)"))
    elif len(text) > ANSWER_MAX:
        problems.append(Problem.of("answer", "at most %(n)s characters", n=ANSWER_MAX))
    if problems:
        raise RuleViolation(problems)
    before = _state(insp)
    insp.answer, insp.answered_at, insp.state = text, now or timezone.now(), InspectionState.ANSWERED
    insp.save(update_fields=["answer", "answered_at", "state"])
    record(actor, "inspection.answer", insp, before, {**_state(insp), "answer": text[:200]})
    return insp


@transaction.atomic
def decide_inspection(actor: ActorLike, insp: Inspection, confirm: bool, note: str,
                      now: dt.datetime | None = None) -> Inspection:
    """The office confirms or dismisses a finding with a note (ASM-3); a decided finding is not decided again.

    Confirming one exposed in the media that names a person removes them from their posts from the next day on
    (``duty.services.remove_from_post``: B covers under the AB rules until the office assigns a new A) and
    takes the department's award eligibility for the finding's year (:func:`media_exposures`)."""
    from servicehall.duty.services import remove_from_post

    actor = Actor.of(actor)
    insp = _lock(insp)
    authorize(actor, "inspection.decide", Target(insp.center, department=insp.department, window=insp.window,
                                                 person=insp.staff))
    now = now or timezone.now()
    problems: list[Problem] = []
    if insp.state not in (InspectionState.OPEN, InspectionState.ANSWERED):
        problems.append(Problem("state", "this finding has already been decided (ASM-3)"))
    if not isinstance(confirm, bool):
        problems.append(Problem("decision", "confirm or dismiss (ASM-3)"))
    text = (note or "").strip()
    if not text:
        problems.append(Problem("decision_note", "a decision gives its reasons in a note (ASM-3, SEC-2)"))
    elif len(text) > NOTE_MAX:
        problems.append(Problem.of("decision_note", "at most %(n)s characters", n=NOTE_MAX))
    if problems:
        raise RuleViolation(problems)
    before = _state(insp)
    insp.state = InspectionState.CONFIRMED if confirm else InspectionState.DISMISSED
    insp.decision_note, insp.decided_at, insp.decided_by = text, now, actor.user
    insp.save(update_fields=["state", "decision_note", "decided_at", "decided_by"])
    removed: list[str] = []
    if confirm and insp.media and insp.staff is not None:
        since = clock.today(insp.center, now) + dt.timedelta(days=1)
        events = remove_from_post(actor, insp.center, insp.staff, since,
                                  f"媒体曝光 {insp.number}：{insp.description[:200]}", key=insp.number, now=now)
        removed = [e.post.code for e in events if e.post is not None]
    record(actor, "inspection.decide", insp, before, {**_state(insp), "note": text[:200], "removed_from": removed})
    return insp


@dataclass(frozen=True)
class MediaExposure:
    """A confirmed finding exposed in the media: its department loses the year's award eligibility (ASM-3)."""

    department: Department
    inspection: Inspection


def media_exposures(center: Center, year: int) -> list[MediaExposure]:
    """ASM-3: the confirmed findings exposed in the media of ``year`` (by the finding's local date), with the
    department each one takes the award eligibility from — for the yearly award list. Oldest first."""
    tz = clock.zone(center)
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    rows = (Inspection.objects.filter(center=center, media=True, state=InspectionState.CONFIRMED,
                                      department__isnull=False, at__gte=start, at__lt=end)
            .select_related("department", "staff", "window").order_by("at", "id"))
    return [MediaExposure(i.department, i) for i in rows if i.department is not None]
