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
