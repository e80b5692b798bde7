"""Issue 17 (right words): the demo reads like a real county 政务服务中心's — every text it writes, in its data
and in the rows it creates, is free of placeholders (测试, xxx, 事项1, 员工12, 窗口3 as a name), of English words,
and of one sentence repeated where a real center would vary; its people are fictional (ID numbers valid by
GB 11643 but of a county code no county has) and the large synthetic center's names are names, not numbers."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.apps import apps
from django.db import models

from servicehall.demo import bookings, data, history
from servicehall.demo.load import window_items
from servicehall.rules.identity import validate_id_number

PLACEHOLDER = re.compile(r"测试|xxx|XXX|样例|示例文本|占位|事项\s*\d|员工\s*\d|人员\s*\d|^窗口\s*\d+$|部门\s*\d|TODO|lorem",
                         re.IGNORECASE)
ENGLISH = re.compile(r"[A-Za-z]{4,}")
# What may hold Latin letters: links (a rating link, an e-mail address) are stripped before the check.
LINKS = re.compile(r"(https?://|/)[\w\-./?=&%]+|[\w.\-]+@[\w.\-]+")
# Codes a text may carry (a case number DEMO202611200001, a complaint code TS9B3E2RUT): capitals with digits, and
# a complaint's lookup code, which is random and one time in ten has no digit (TSMXQYYCLS).
CODES = re.compile(r"\b[A-Z][A-Z]*[0-9][A-Z0-9]*|(?<![A-Z0-9])TS[A-Z2-9]{8}(?![A-Z0-9])")
# The program's own words in the data: material forms, department codes, role and away kinds.
PROGRAM_WORDS = {"original", "copy", "both", "meeting", "training", "business", *data.SHORT, *data.TITLES}


def problems_in(text: str) -> list[str]:
    text = CODES.sub("", LINKS.sub("", text))
    found = [m.group(0) for m in PLACEHOLDER.finditer(text)]
    found += [m.group(0) for m in ENGLISH.finditer(text)]
    return found


def strings(value, keys: bool = True) -> list[str]:
    """Every string inside a value (tuples, lists, dicts: their keys too, unless ``keys`` is false — a stored JSON
    field's keys and its material forms are the program's words, not the reader's)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k != "form" for s in (strings(k) if keys else []) + strings(v, keys)]
    if isinstance(value, list | tuple | set):
        return [s for v in value for s in strings(v, keys)]
    return []


# The demo module's texts: everything people read. DEPARTMENTS' codes (RS, SJ …) are codes, not words.
DATA_TEXTS = {
    "DEPARTMENTS": [d[1:] for d in data.DEPARTMENTS], "ITEM_GUIDES": data.ITEM_GUIDES, "POST_NAMES": data.POST_NAMES,
    "DEPT_DUTIES": list(data.DEPT_DUTIES.values()), "SHORT": list(data.SHORT.values()), "TITLES": data.TITLES,
    "ROLE_DUTIES": list(data.ROLE_DUTIES.values()), "KIND_CONDITIONS": data.KIND_CONDITIONS,
    "KIND_PROCEDURES": data.KIND_PROCEDURES, "ITEM_KEYWORDS": data.ITEM_KEYWORDS,
    "ITEM_SPECIAL_PROCEDURES": data.ITEM_SPECIAL_PROCEDURES, "BRANCH_HALLS": data.BRANCH_HALLS,
    "BOOKINGS": bookings.PEOPLE, "LEAVE_REASONS": history.LEAVE_REASONS, "AWAY_REASONS": list(history.AWAY_REASONS.values()),
}


def test_the_demo_data_has_no_placeholder_or_english_word():
    bad = {(name, s, tuple(problems_in(s))) for name, value in DATA_TEXTS.items() for s in strings(value)
           if problems_in(s) and s not in PROGRAM_WORDS}
    assert not bad, sorted(bad)


def test_the_scanner_finds_what_a_real_center_would_never_print():
    for text in ("测试事项", "事项1", "员工12", "窗口3", "xxx局", "Service item", "部门 2"):
        assert problems_in(text), text
    for text in ("3号窗口", "AB岗和窗口服务无缺位", "欢迎评价：/rate/Ab3dEfGh/", "tousu@example.gov.cn", "（DEMO202611200001）",
                 "普通护照120元/本；签注15元/次"):
        assert not problems_in(text), text


def test_every_item_has_its_own_guide_and_every_window_its_own_post():
    """Each item's 办事指南 is its own (content, legal basis by the law's name, at least one required material);
    no two items share a content; each department names one post per window."""
    names = [i[0] for _c, _n, _w, items in data.DEPARTMENTS for i in items]
    assert len(names) == len(set(names)) and set(names) == set(data.ITEM_GUIDES)
    contents = Counter(g[0] for g in data.ITEM_GUIDES.values())
    assert contents.most_common(1)[0][1] == 1
    for name, (content, basis, materials, _conditions) in data.ITEM_GUIDES.items():
        assert name and len(content) >= 15 and re.search(r"《[^》]{4,}》", basis), name
        assert any(required for _n, required, _f, _c, _no in materials), name
        assert all(form in ("original", "copy", "both") for _n, _r, form, _c, _no in materials), name
    for code, _name, n_windows, items in data.DEPARTMENTS:
        assert len(data.POST_NAMES[code]) == n_windows, code
        runs = window_items(items, n_windows)
        assert [len(r) for r in runs] == [len(items[w::n_windows]) for w in range(n_windows)]  # same load as before
    # The legal bases name laws and regulations, not a department's generic sentence repeated for every item.
    assert len({g[1] for g in data.ITEM_GUIDES.values()}) > 100


TEXT_FIELDS_SKIPPED = re.compile(r"code|token|hash|key|ext_id|request_id|number|display|type|sha256|timezone|"
                                 r"email|label|source|series|value|password|phone|answerable|kind|status|channel|"
                                 r"form$|applicant_kind|doc_id|payload|snapshot|points|grades|sessions|search_text|^data$")
APPS = {"org", "catalog", "cases", "duty", "tickets", "feedback", "assessment", "core"}


def demo_texts() -> dict[str, list[str]]:
    """Every human text of every row the demo wrote: char, text and JSON fields of the center's apps."""
    found: dict[str, list[str]] = {}
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model._meta.model_name in ("report", "monthclosing", "guideversion"):
            continue  # reports and published guides are made of the texts scanned here
        fields = [f for f in model._meta.get_fields()
                  if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices
                  and not TEXT_FIELDS_SKIPPED.search(f.name)]
        for f in fields:
            values = model.objects.exclude(**{f.name: None}).values_list(f.name, flat=True)
            texts = [s for v in values for s in strings(v, keys=False) if s.strip()]
            if texts:
                found[f"{model._meta.label}.{f.name}"] = texts
    return found


NOW = "2026-11-20T10:30:00+08:00"


@pytest.mark.django_db
def test_every_text_the_demo_writes_reads_like_a_real_centers():
    from servicehall.audit.services import system_actor
    from servicehall.cases.models import Case
    from servicehall.demo.assessment import load_assessment
    from servicehall.demo.cases import load_cases
    from servicehall.demo.feedback import load_feedback
    from servicehall.demo.history import load_history
    from servicehall.demo.load import load_demo
    from servicehall.org.models import Post, Staff

    # The demo's loaders as the command runs them, on a short history (the ticket queue writes no texts of its own
    # beyond the bookings' names, which are checked in the module's data).
    now = dt.datetime.fromisoformat(NOW)
    actor = system_actor("demo")
    center = load_demo(actor).center
    load_history(actor, center, days=3, now=now)
    load_cases(center, days=8, now=now)
    load_feedback(center, now=now)
    load_assessment(center, now=now)
    texts = demo_texts()
    assert {"org.Staff.name", "catalog.ServiceItem.content", "catalog.Material.name", "duty.Event.reason",
            "feedback.Complaint.matter", "feedback.Inquiry.matter", "org.Post.name"} <= set(texts)
    bad = {(field, s, tuple(problems_in(s))) for field, values in texts.items() for s in set(values)
           if problems_in(s)}
    assert not bad, sorted(bad)
    # Where a real center varies, the demo varies: no one sentence fills a field for most of its rows.
    # (Conditions: an item whose guide says nothing particular takes its kind's usual wording, as real guides do.)
    for field, most in (("catalog.ServiceItem.content", 1), ("catalog.ServiceItem.legal_basis", 4),
                        ("catalog.ServiceItem.conditions", 129 // 3), ("org.Post.name", 1), ("org.Department.duties", 1),
                        ("org.Staff.duties", 13), ("duty.Event.reason", len(texts["duty.Event.reason"]) // 4)):
        assert Counter(texts[field]).most_common(1)[0][1] <= most, field
    # Nothing the demo writes happens after its "now" (a second notice the day after a case received today was
    # dated tomorrow).
    from servicehall.cases.models import CaseStep

    assert not CaseStep.objects.filter(case__center=center, at__gt=now).exists()
    # Fictional people: every ID number valid (GB 11643) and of the demo's county code, which no county has.
    numbers = list(Staff.objects.filter(center=center).values_list("id_number", flat=True))
    numbers += list(Case.objects.filter(center=center).values_list("id_number", flat=True))
    assert numbers and all(validate_id_number(n) and n.startswith(data.DEMO_REGION) for n in numbers)
    # Each post takes the items of its own line of business, and says where they are applied.
    post = Post.objects.get(center=center, code="P01")
    assert post.name == "人社就业创业服务岗"
    assert {i.name for i in post.items.all()} == {"失业登记", "就业创业证申领", "创业担保贷款申请"}
    assert {i.location for i in post.items.all()} == {"二楼A区人社窗口"}  # the guide adds the window: 1号窗口


def test_the_large_synthetic_center_names_branch_halls_and_people_not_numbers():
    """``demo --scale N`` (benchmarks): N copies of the departments, each a branch hall by name; more people than
    the usual names give get composed two-character given names — never a number — the same on every run."""
    import random

    from servicehall.demo.load import _person, branch_hall

    def people(seed: int) -> list[str]:
        used: set[str] = set()
        rng = random.Random(seed)
        return [_person(rng, used) for _ in range(3000)]

    names = people(7)
    assert len(set(names)) == 3000 and names == people(7)
    assert all(n[0] in data.SURNAMES and 2 <= len(n) <= 3 and not problems_in(n) for n in names)
    assert not any(re.search(r"\d", n) for n in names)
    halls = [branch_hall(copy, 12) for copy in range(12)]
    assert halls[:2] == ["城东分厅", "城西分厅"] and len(set(halls)) == 12 and branch_hall(0, 1) == ""
    assert not [h for h in halls if problems_in(h)]
