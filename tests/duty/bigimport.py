"""A large scenario file (issue 14, item 5): a month of clock-terminal records for a hall, built in memory.

``scenario(events=30_000)`` gives 100 staff on 50 AB posts and, for March 2026, each person's clock punches
(five in/out pairs a day; weekends too — a non-working day is never judged, its records are still kept)
until the count is reached. Fast to build: plain dicts, no database.
"""

from __future__ import annotations

import datetime as dt

CENTER = "ZX"
PUNCHES = [("08:2", "in"), ("10:00", "out"), ("10:05", "in"), ("12:00", "out"), ("14:2", "in"),
           ("15:30", "out"), ("15:35", "in"), ("16:30", "out"), ("16:35", "in"), ("17:3", "out")]


def scenario(events: int = 30_000, staff: int = 100, first: dt.date = dt.date(2026, 3, 1)) -> dict:
    people = [f"S{n:03d}" for n in range(1, staff + 1)]
    data: dict = {
        "center": {"code": CENTER, "name": "某县政务服务中心", "timezone": "Asia/Shanghai",
                   "sessions": [["08:30", "12:00"], ["14:30", "17:30"]]},
        "departments": [{"code": "RS", "name": "县人社局"}],
        "items": [{"code": "RS-001", "name": "失业登记", "department": "RS", "promised_days": 5}],
        "staff": [{"code": code, "name": f"职员{code}", "department": "RS", "roles": ["window"],
                   "qualified": ["RS-001"]} for code in people],
        "posts": [{"code": f"P{n:02d}", "window": f"W{n:02d}", "department": "RS", "a": people[2 * n - 2],
                   "b": people[2 * n - 1], "items": ["RS-001"]} for n in range(1, staff // 2 + 1)],
        "events": [],
    }
    out = data["events"]
    day = first
    while len(out) < events:
        for k, code in enumerate(people):
            for hhmm, kind in PUNCHES:
                if len(out) >= events:
                    break
                at = hhmm if len(hhmm) == 5 else f"{hhmm}{k % 10}"
                out.append({"id": f"{code}-{day:%m%d}-{at.replace(':', '')}", "type": f"clock_{kind}",
                            "staff": code, "at": f"{day.isoformat()}T{at}:00+08:00"})
        day += dt.timedelta(days=1)
    return data


# -- run as a program: the import and the complaints at once, on one SQLite file ------------------------------
# The page texts this test reads, as the catalog gives them (added here when the catalog lacks them yet).
TEXTS = {"The system is busy, please submit again later": "系统繁忙，请稍后再次提交"}


def _complaints(stop, results: list, name: str) -> None:
    """Send complaints through the public page until told to stop; note how each was answered."""
    from django.db import connection
    from django.test import Client

    from servicehall.feedback.models import Complaint

    client = Client()
    n = 0
    try:
        while not stop.is_set() or n < 3:
            n += 1
            matter = f"{name}第{n}次投诉：窗口人员不在岗，等候很久。<b>&amp;"
            response = client.post("/complaints/new/", {"ground": "attitude", "matter": matter, "name": "王五",
                                                        "target": "1号窗口"}, REMOTE_ADDR=f"10.9.{n // 200}.{n % 200}")
            page = response.content.decode("utf-8", "replace")
            landed = Complaint.objects.filter(matter=matter).count()
            results.append({"status": response.status_code, "landed": landed,
                            "busy": "系统繁忙" in page, "kept": _escaped(matter) in page})
            time.sleep(0.05)  # a person, not a load test
    finally:
        connection.close()


import time  # noqa: E402


def _escaped(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


def _derived(center, days) -> tuple:
    from servicehall.duty.models import Anomaly, Vacancy

    return (sorted(Vacancy.objects.filter(center=center, date__in=days).values_list("post__code", "date", "start",
                                                                                   "end", "minutes")),
            sorted(Anomaly.objects.filter(center=center, date__in=days).values_list("staff__code", "date", "kind")))


def main(workdir: str, events: int, staff: int, writers: int) -> None:
    import json
    import threading
    from pathlib import Path

    import django

    django.setup()
    from django.core.management import call_command

    from servicehall.audit.services import system_actor
    from servicehall.core import clock
    from servicehall.duty import services as duty
    from servicehall.duty.importer import import_scenario
    from servicehall.duty.models import Event
    from servicehall.org.models import Center

    data = scenario(events=events, staff=staff)
    import_scenario(system_actor("import"), {**data, "events": []})  # the hall exists before its records
    path = Path(workdir) / "month.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    stop, results = threading.Event(), []
    threads = [threading.Thread(target=_complaints, args=(stop, results, f"市民{k}")) for k in range(writers)]
    for t in threads:
        t.start()
    try:
        call_command("import", str(path), "--batch", "1000")
    finally:
        stop.set()
        for t in threads:
            t.join()
    center = Center.objects.get(code=CENTER)
    # Re-derived: three days (first, middle, last) re-derived again from their events come out the same.
    events = list(Event.objects.filter(center=center))
    days = sorted({clock.local_date(center, e.at) for e in events})
    sample = [days[0], days[len(days) // 2], days[-1]]
    after_import = _derived(center, sample)
    duty.rederive(center, [e for e in events if clock.local_date(center, e.at) in sample])
    print(json.dumps({"events": Event.objects.filter(center=center, source="import").count(),
                      "rederived_alike": _derived(center, sample) == after_import,
                      "vacancies": len(after_import[0]), "complaints": results}))


if __name__ == "__main__":
    import sys

    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
