"""The worker's schedule lives in the base app; each app puts its own ticks on it (issue 11)."""

from huey.contrib.djhuey import HUEY

from servicehall.core import schedule


def test_every_app_puts_its_ticks_on_the_one_schedule():
    ticks = {t.name: t for t in schedule.ticks()}
    assert ticks["duty.coverage_tick"].minute == "*"  # NV-1: red within a minute
    assert ticks["feedback.overdue_tick"].minute == "*/10"  # FIR-4, CMP-4
    assert (ticks["cases.case_cards_daily"].minute, ticks["cases.case_cards_daily"].hour) == ("2", "0")  # CASE-11
    assert (ticks["core.form_tokens_clean"].minute, ticks["core.form_tokens_clean"].hour) == ("17", "3")  # SEC-2


def test_the_worker_runs_every_tick_of_the_schedule_periodically():
    from servicehall.core import tasks

    assert set(tasks.TASKS) == {t.name for t in schedule.ticks()}
    periodic = {task.name for task in HUEY._registry.periodic_tasks}
    assert set(tasks.TASKS) <= periodic


def test_once_runs_the_ticks_that_report_in_order(monkeypatch):
    monkeypatch.setattr("servicehall.duty.ticks.tick", lambda: 3)
    monkeypatch.setattr("servicehall.feedback.alerts.tick", lambda: (1, 2))
    assert schedule.run_once() == ["tick: 3 new vacancies", "tick: 1 overdue transfers, 2 overdue supervision orders"]
