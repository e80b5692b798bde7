"""Domain errors: a refusal names the field, the value and the rule, and nothing is written."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_noop as N_


@dataclass(frozen=True)
class Problem:
    """One reason a write is refused: where (a field or JSON path) and why (with the rule id).

    ``Problem.of(field, "text with %(name)s", name=value)`` keeps the fixed text apart from the values, so a
    page can show it translated; ``message`` is always the English text with the values in it.
    """

    field: str
    message: str
    template: str = ""
    params: tuple = ()

    @classmethod
    def of(cls, field: str, template: str, **params) -> Problem:
        return cls(field, template % params, template, tuple(params.items()))

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"

    def localized(self) -> str:
        """The message in the reader's language as plain text (pages use :func:`shown`, which marks the rule
        reference up)."""
        from django.utils.html import strip_tags

        return strip_tags(str(shown(self)))


# -- how a page shows a problem (issue 13, item 3) -------------------------------------------------------
# A person reads the message in Chinese, the field by its label (never its code such as ``id_number`` or
# ``center.policy.yellow_at``), and the rule id at most as a small reference after it; public pages (kiosk,
# pad, complaint, progress, guides) show no rule id at all. Commands and the API keep ``str(problem)``.

# A rule reference in a message: "(SEC-3)", "（Q-1, NV-9, ATT-4）", "(GB 11643)".
_REF = r"(?:[A-Z]{1,6}-\d+[a-z]?|GB \d+)"
RULE_REFS = re.compile(r"\s*[（(]\s*(" + _REF + r"(?:\s*[,，、/;；]\s*" + _REF + r")*)\s*[)）]")
# A field code before a message ("end: ", "center.policy.yellow_at：", "materials[2].name: ").
FIELD_PREFIX = re.compile(r"^\s*[a-z_][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z_][a-z0-9_]*(?:\[\d+\])?)*\s*[:：]\s*")
# Three English words in a row: a message the catalog did not translate.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}")
# A message in Chinese has Chinese characters.
CJK = re.compile(r"[\u3400-\u9fff]")
# A code inside a message ("yellow_at", "center.policy.x"): never shown to a person.
CODE = re.compile(r"(?<![A-Za-z0-9])(?:[a-z]+(?:_[a-z0-9]+)+|[a-z_]+\.[a-z_]+\.[a-z_.]+)(?![A-Za-z0-9])")

# Field codes whose label is not the catalog's word for the code itself (the catalog translates many codes:
# "window", "reason", "matter" …). Values are English msgids translated by the catalog.
FIELD_LABELS: dict[str, str] = {
    "id_number": N_("ID number"), "phone": N_("Phone"), "item": N_("Service item"), "items": N_("Service items"),
    "username": N_("Username"), "password": N_("Password"), "slot": N_("Appointment slot"), "priority": N_("Green channel"),
    "method": N_("Method"), "capacity": N_("Capacity"), "inquiry": N_("Inquiry"), "start": N_("Start"), "end": N_("End"),
    "from": N_("From"), "to": N_("To"), "at": N_("Time"), "due_date": N_("Due date"), "tracking_number": N_("Tracking number"),
    "promised_days": N_("Promised days"), "pickups": N_("Pickup times"), "legal_basis": N_("Legal basis"),
    "yellow_at": N_("yellow card at (percent of limit)"), "ladder_window": N_("ladder window"),
    "inquiry_transfer_days": N_("transferred inquiry closed within (working days)"), "sessions": N_("Opening sessions"),
    "extended": N_("Extended hours"), "qualified": N_("Qualified"), "transfer_to": N_("Transfer to"),
    "to_window": N_("Transfer to window"), "to_staff": N_("Transfer to staff"), "also_asked": N_("Also asked"),
    "override_reason": N_("Reason for the override"), "applicant_name": N_("Applicant"), "org_code": N_("Organisation code"),
    "client_request_id": N_("Request"), "request_id": N_("Request"), "request": N_("Request"), "event_id": N_("Record"),
    "rectification": N_("Rectification"), "defects": N_("Defects"), "ground": N_("Ground"), "asker": N_("Asker"),
    "agent": N_("Agent"), "group": N_("Group"), "copies": N_("Copies"), "count": N_("Count"), "form": N_("Form"),
    "approved": N_("Approved"), "post": N_("Post"), "posts": N_("Posts"), "workday": N_("Working day"), "calendar": N_("Calendar"),
    "no_show_limit": N_("no-shows that block bookings"), "no_show_block_days": N_("booking block after no-shows (days)"),
    "token": N_("Cancel link"),
    "target": N_("Concerned"), "place": N_("Place"), "missing": N_("Missing materials"), "id": N_("Record"),
    "return_by": N_("Return date for the corrections"),
}
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?")


def _label_of(code: str) -> str:
    """The catalog's label for a field code, or '' when it has none (the code itself is never shown)."""
    from django.utils.translation import gettext

    if code in FIELD_LABELS:
        return gettext(FIELD_LABELS[code])
    word = gettext(code)
    if word != code:
        return word
    spaced = code.replace("_", " ")
    for msgid in (spaced, spaced[:1].upper() + spaced[1:]):
        word = gettext(msgid)
        if not word.isascii():
            return word
    return ""


def field_label(field: str, labels: dict | None = None, form=None) -> str:
    """The label a person knows a field by: the page's own (``labels`` or the form's field label), else the
    catalog's word for the last named part of the path ("materials[1].name" → 申报材料 第2项 名称); '' when
    there is none: then the message stands alone, without the code."""
    if not field or field in ("__all__", "$"):
        return ""
    if labels and field in labels:
        return str(labels[field])
    fields = getattr(form, "fields", None) or {}
    if field in fields and getattr(fields[field], "label", None):
        return str(fields[field].label)
    parts = _SEGMENT.findall(field)
    if not parts:
        return ""
    name, index = parts[-1]
    if labels and name in labels:
        word = str(labels[name])
    elif name in fields and getattr(fields[name], "label", None):
        word = str(fields[name].label)
    else:
        word = _label_of(name)
    if not word:
        return ""
    from django.utils.translation import gettext

    numbered = [(n, i) for n, i in parts[:-1] if i]
    if index:
        return gettext("%(field)s no. %(n)s") % {"field": word, "n": int(index) + 1}
    if numbered:
        outer, i = numbered[-1]
        outer_word = _label_of(outer) or word
        if outer_word != word:
            return gettext("%(field)s no. %(n)s") % {"field": outer_word, "n": int(i) + 1} + " " + word
        return gettext("%(field)s no. %(n)s") % {"field": word, "n": int(i) + 1}
    return word


# Messages of the pure rules (``rules/``, no Django) that reach pages inside a problem, by their shape: each
# is translated by the catalog with its values put back.
_RULE_TEXTS = [
    (re.compile(r"^check digit is (?P<got>\S+), GB 11643 gives (?P<expected>\S+)$"),
     N_("check digit is %(got)s, GB 11643 gives %(expected)s")),
    (re.compile(r"^birth date (?P<date>\d+) in the ID number is not a real date$"),
     N_("birth date %(date)s in the ID number is not a real date")),
    (re.compile(r"^(?P<date>.+) is not a date in (?P<year>\d+)$"), N_("%(date)s is not a date in %(year)s")),
    (re.compile(r"^(?P<date>\S+) is not in (?P<year>\d+)$"), N_("%(date)s is not in %(year)s")),
    (re.compile(r"^(?P<date>\S+) is both a day off and a working day$"),
     N_("%(date)s is both a day off and a working day")),
    (re.compile(r"^(?P<word>\S+) without any date before it$"), N_("%(word)s without any date before it")),
]
NOT_ACCEPTED = N_("This value was not accepted. Check it and enter it again.")
# The fixed messages of the pure rules that reach pages whole (translated by the catalog when shown).
RULE_MESSAGES = (
    N_("an ID number has 18 characters: 17 digits and a digit or X (GB 11643)"),
    N_("the first 17 characters of an ID number must be digits"),
    N_("a phone is an 11-digit mobile number (1xxxxxxxxxx) or a landline with its area code"),
    N_("limits and extensions are whole numbers of working days, 0 or more"),
    N_("the range ends before it starts"),
    N_("a holiday range of more than a month is not plausible"),
    N_("a day without its month"),
    N_("not a real date"),
    N_("neither a dated line nor a holiday sentence (放假/上班)"),
)
# The steps of a case named inside "… is not possible while the case is …" (cases.services._require).
CASE_STEPS = (N_("A decision"), N_("A one-time notice"), N_("A refusal"), N_("A transfer"), N_("An extension"),
              N_("Deciding an extension"), N_("Delivering the result"), N_("Pausing the clock"),
              N_("Receiving corrections"), N_("Resuming the clock"))
# "line 3: …" (a pasted list's problem): the line number stays, the rest is translated.
_LINE = re.compile(r"^line (?P<n>\d+): (?P<rest>.+)$", re.S)


def _translated(value) -> str:
    """A message or a value inside one, in the reader's language when the catalog knows it."""
    from django.utils.translation import gettext

    text = str(value)
    if not text or not any("a" <= ch.lower() <= "z" for ch in text):
        return text
    line = _LINE.match(text)
    if line:
        rest = _translated(line["rest"])
        if ENGLISH.search(RULE_REFS.sub("", rest)) or CODE.search(rest):
            rest = gettext(NOT_ACCEPTED)  # the line number still says where
        return gettext("line %(n)s: %(message)s") % {"n": line["n"], "message": rest}
    for shape, msgid in _RULE_TEXTS:
        m = shape.match(text)
        if m:
            return gettext(msgid) % m.groupdict()
    return gettext(text)


def public_page() -> bool:
    """Whether the page being served is read by the public (no staff member logged in, or a public page such
    as the kiosk or the pad even when someone is): it shows no rule ids."""
    from servicehall.audit.context import current_request

    request = current_request()
    if request is None:
        return False
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in PUBLIC_PAGES:
        return True
    user = getattr(request, "user", None)
    return not (user is not None and getattr(user, "is_authenticated", False))


# Pages the public reads (by URL name); every page read without logging in counts too.
PUBLIC_PAGES = frozenset({
    "web:home", "web:guides", "web:guide", "cases:progress", "tickets:kiosk", "tickets:activate",
    "tickets:display", "tickets:pad", "tickets:satisfaction", "feedback:new", "feedback:status",
})


def labels_of(*models, **extra) -> dict[str, Any]:
    """A page's labels for :func:`shown`: each field of ``models`` by its code with the (translated) label the
    model gives it, then ``extra`` (the page's own words for the other fields of its form). Fields without a
    translated label are left to the catalog (an untranslated verbose name is English)."""
    from django.utils.functional import Promise

    out: dict[str, Any] = {}
    for model in models:
        for f in model._meta.get_fields():
            label = getattr(f, "verbose_name", None)
            if isinstance(label, Promise):
                out[f.name] = label
    out.update(extra)
    return out


def shown(problem, form=None, labels: dict | None = None, public: bool | None = None):
    """A problem as a page shows it: "label：message" in the reader's language, the rule ids as a small
    muted reference after it (none on public pages), no field code anywhere. ``form`` or ``labels``
    (field code → label) give the page's own labels. Returns safe HTML."""
    from django.utils.html import format_html
    from django.utils.translation import gettext

    if isinstance(problem, Problem):
        field = problem.field
        if problem.template:
            params = {k: _translated(v) if isinstance(v, (str, Exception)) else v for k, v in problem.params}
            text = gettext(problem.template) % params
        else:
            text = _translated(problem.message)
    else:
        field, text = "", _translated(problem)
    refs: list[str] = []

    def keep(m: re.Match) -> str:
        refs.extend(r.strip() for r in re.split(r"[,，、/;；]", m.group(1)) if r.strip())
        return ""

    text = RULE_REFS.sub(keep, text)
    while (prefix := FIELD_PREFIX.match(text)) is not None:
        code = prefix.group(0).strip().rstrip(":：").strip()
        # a code, not a value such as a file name ("x.jpg：…")
        if code != field and (code.count(".") == 1 or not _label_of(_SEGMENT.findall(code)[-1][0])):
            break
        if not field or field in ("__all__", "$"):  # "roles：…" names its field in its text
            field = code
        text = text[prefix.end():]
    text = text.strip().rstrip(";；")
    label = field_label(field, labels, form)
    if not text or ENGLISH.search(text) or CODE.search(text) or not CJK.search(text):
        text = gettext(NOT_ACCEPTED)
    if label and not text.startswith(label):
        text = gettext("%(field)s: %(message)s") % {"field": label, "message": text}
    if public is None:
        public = public_page()
    if refs and not public:
        return format_html('{} <small class="muted rule-ref">（{}）</small>', text, "、".join(dict.fromkeys(refs)))
    return format_html("{}", text)


class RuleViolation(ValueError):
    """Raised by service functions; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | Problem | str, field: str = "__all__"):
        if isinstance(problems, str):
            problems = [Problem(field, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    def as_dict(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for p in self.problems:
            out.setdefault(p.field, []).append(p.message)
        return out


def check_phone(value: str, problems: list[Problem], field: str = "phone", required: bool = True) -> str:
    """The normalised phone, or the problem added under ``field``; an empty optional phone stays empty."""
    from servicehall.rules.identity import validate_phone

    if not value and not required:
        return value
    try:
        return validate_phone(value)
    except ValueError as exc:
        problems.append(Problem(field, str(exc)))
        return value


def length_problems(model, values: dict[str, Any], prefix: str = "") -> list[Problem]:
    """Text longer than its field, refused with the limit — never cut (issue 17: no silent damage).

    ``values`` maps a field of ``model`` to the text about to be written; fields without a ``max_length``
    and non-text values are skipped. ``prefix`` names a row of a list ("materials[2].").
    """
    problems: list[Problem] = []
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        try:
            limit = model._meta.get_field(name).max_length
        except Exception:  # noqa: BLE001 - not a field of the model: nothing to check
            continue
        if limit and len(value) > limit:
            problems.append(Problem.of(prefix + name, "at most %(limit)s characters; this has %(length)s: "
                                                      "shorten it and save again", limit=limit, length=len(value)))
    return problems
