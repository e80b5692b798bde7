"""The ``servicehall`` command: workdays exactly as SCENARIO.md, demo idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from servicehall.audit.models import AuditRecord
from servicehall.cli import main
from servicehall.org.models import Center, Post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_cli")]


def run(capsys, *args) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def test_workdays_is_add_between(capsys):
    assert run(capsys, "workdays", "is", "2026-10-10") == (0, "workday", "")
    assert run(capsys, "workdays", "is", "2026-10-01") == (0, "holiday", "")
    assert run(capsys, "workdays", "add", "2026-09-29", "5") == (0, "2026-10-12", "")
    assert run(capsys, "workdays", "between", "2026-09-29", "2026-10-12") == (0, "5", "")


def test_workdays_uncovered_year_exits_2_naming_it(capsys):
    code, out, err = run(capsys, "workdays", "add", "2026-12-20", "20")
    assert code == 2 and out == "" and "2027" in err


def test_workdays_malformed_date_exits_2(capsys):
    code, _, err = run(capsys, "workdays", "is", "2026-02-30")
    assert code == 2 and "2026-02-30" in err


def test_workdays_unknown_center_exits_2(capsys):
    code, _, err = run(capsys, "workdays", "--center", "NOPE", "is", "2026-03-02")
    assert code == 2 and "NOPE" in err


NOW = "2026-11-20T10:30:00+08:00"


def test_demo_is_idempotent_and_meets_the_sizes(capsys):
    call_command("demo", now=NOW)
    center = Center.objects.get(code="DEMO")
    counts = (center.departments.count(), center.windows.count(), center.staff.count(), center.items.count())
    assert counts[0] >= 12 and counts[1] >= 36 and counts[2] >= 80 and counts[3] >= 120
    assert Post.objects.filter(center=center).count() == counts[1]
    audit = AuditRecord.objects.count()
    snapshot = list(Post.objects.order_by("code").values_list("code", "a__code", "b__code"))
    call_command("demo", now=NOW)
    assert AuditRecord.objects.count() == audit
    assert list(Post.objects.order_by("code").values_list("code", "a__code", "b__code")) == snapshot
    out = capsys.readouterr().out
    assert "office" in out and "hall-demo-2026" in out
    code, out, _ = run(capsys, "workdays", "--center", "DEMO", "add", "2026-12-20", "20")
    assert code == 0 and out.startswith("2027-")


def test_demo_history_has_vacancies_a_ladder_and_a_red_window(capsys):
    from servicehall.duty.models import Anomaly, Event, Vacancy
    from servicehall.duty.presence import board_posts, hall_state
    from servicehall.duty.queries import sanctions

    call_command("demo", now=NOW)
    center = Center.objects.get(code="DEMO")
    assert Event.objects.filter(center=center).count() > 2000
    assert Vacancy.objects.filter(center=center, answerable_kind="a").exists()
    assert Anomaly.objects.filter(center=center, kind="late").exists()
    levels = {s.level for s in sanctions(center, 2026)}
    assert "public_criticism_transfer" in levels  # someone climbed the ladder this month
    import datetime as dt

    tiles = board_posts(hall_state(center, dt.datetime.fromisoformat(NOW)))
    assert [t.state for t in tiles].count("vacant") >= 1
    assert [t.state for t in tiles].count("a") > 20
    # Issue 13: on the demo's first morning at 10:00 the board shows who is on duty, not "暂无考勤" (unrecorded)
    # for every window: the history holds that morning's clock events.
    ten = dt.datetime.fromisoformat(NOW).replace(hour=10, minute=0)
    states = [t.state for t in board_posts(hall_state(center, ten))]
    assert states and "unrecorded" not in states and states.count("a") > len(states) // 2


@pytest.mark.parametrize("args,out", [
    (["--accepted", "2026-09-29", "--days", "5"], "2026-10-12"),
    (["--accepted", "2026-02-10", "--days", "10", "--corrected", "2026-02-13"], "2026-03-05"),
    (["--accepted", "2026-04-01", "--days", "5", "--paused", "2026-04-03:2026-04-08"], "2026-04-14"),
    (["--accepted", "2026-04-28", "--days", "5", "--extended", "3"], "2026-05-12"),
    (["--accepted", "2026-10-01", "--days", "0"], "2026-10-01"),
])
def test_deadline_command_scenario_examples(capsys, args, out):
    assert run(capsys, "deadline", *args) == (0, out, "")


def test_deadline_command_errors(capsys):
    code, _, err = run(capsys, "deadline", "--accepted", "2026-12-20", "--days", "20")
    assert code == 2 and "2027" in err
    code, _, err = run(capsys, "deadline", "--accepted", "2026-04-01", "--days", "5", "--paused", "2026-04-08")
    assert code == 2 and "S:E" in err


def test_demo_devices_register_a_window_workstation_and_say_how_to_set_it_up(capsys, client):
    """``make demo`` (demo --devices) registers a kiosk, a rating pad and a window workstation, and prints how to
    set each up; the workstation token printed sets up a browser as the workstation of the ``window`` login's own
    window (where that clerk is A), so the demo clerk signs in at their own window, not at one they back up."""
    import re

    from servicehall.core.models import Device

    call_command("demo", now=NOW, history_days=0, devices=True)
    out = capsys.readouterr().out
    ws = Device.objects.get(center__code="DEMO", kind="workstation", active=True)
    from servicehall.org.models import Post

    assert Post.objects.filter(window=ws.window, a__user__username="window").exists()
    assert Device.objects.get(center__code="DEMO", kind="pad", active=True).window == ws.window
    line = next(x for x in out.splitlines() if "workstation" in x and "/workstation/setup/" in x)
    token = re.search(r"token (\S+);", line).group(1)
    assert Device.hash_token(token) == ws.token_hash
    r = client.post("/workstation/setup/", {"token": token})
    assert r.status_code == 302 and r["Location"].endswith("/workstation/")
