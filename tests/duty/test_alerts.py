"""Issue 17 item 3: alerts that stay true (NV-1) — a vacancy's alert updated when it ends and withdrawn when a
late event heals it, on every path that re-derives; one alert per person, kind and minute; kinds a person mutes
go only to the daily digest; the digest is sent once per person and day."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.audit.services import Actor, system_actor
from servicehall.core.models import MutedKind, Notification, NotificationState
from servicehall.duty import services as duty
from servicehall.duty.alerts import reconcile_day
from servicehall.duty.importer import import_scenario
from servicehall.duty.models import Event, Vacancy
from servicehall.duty.ticks import tick
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.digest import send_digests
from servicehall.org.models import Center, Staff
from servicehall.org.permissions import Forbidden

from .test_scenarios import BASE

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password-2026"
DAY = "2026-03-03"

# Three posts in two departments: RS's window head S050 hears of P01 and P02, the office S099 of all three.
HALL = {**BASE, "departments": BASE["departments"] + [{"code": "SW", "name": "县税务局"}],
        "staff": BASE["staff"] + [
            {"code": "S050", "name": "周科长", "department": "RS", "roles": ["window_head"]},
            {"code": "S011", "name": "孙一", "department": "RS", "roles": ["window"], "qualified": ["RS-001"]},
            {"code": "S012", "name": "孙二", "department": "RS", "roles": ["window"], "qualified": ["RS-001"]},
            {"code": "S021", "name": "吴一", "department": "SW", "roles": ["window"]},
            {"code": "S022", "name": "吴二", "department": "SW", "roles": ["window"]}],
        "posts": BASE["posts"] + [
            {"code": "P02", "window": "W02", "department": "RS", "a": "S011", "b": "S012", "items": ["RS-001"]},
            {"code": "P03", "window": "W03", "department": "SW", "a": "S021", "b": "S022"}],
        # every post's B at work from 08:20 (the A's are off): no vacancy until a B goes away
        "events": [{"id": f"in-{b}", "type": "clock_in", "staff": b, "at": "2026-03-03T08:20:00+08:00"}
                   for b in ("S002", "S012", "S022")]}


def at(hm: str, day: str = DAY) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00+08:00")


@pytest.fixture
def zx():
    import_scenario(system_actor("import"), HALL)
    return Center.objects.get(code="ZX")


@pytest.fixture
def boss():
    return system_actor("office")


def b_away(boss, zx, b: str, start: str, end: str, now: dt.datetime, ext: str = "") -> None:
    """The post's B (at work from 08:20, its A off) is away from ``start`` to ``end``: a vacancy."""
    duty.record_event(boss, zx, {"type": "away", "staff": b, "kind": "business", "approved": True,
                                 "start": at(start), "end": at(end)}, ext_id=ext or None, now=now)


def alerts(code: str):
    return list(Notification.objects.filter(recipient__code=code, key__startswith="vacancy:").order_by("key"))


def test_an_alert_of_a_running_vacancy_is_updated_when_it_ends(zx, boss, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S002", "09:00", "11:00", now=at("09:05"))
    [n] = alerts("S050")
    assert n.key == "vacancy:202603030900" and "仍在继续" in n.text and n.state == NotificationState.SENT
    with django_capture_on_commit_callbacks(execute=True):
        tick(at("09:20"))  # still running: the alert already says so — nothing changes
    n.refresh_from_db()
    assert n.state == NotificationState.SENT and n.changed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        tick(at("11:30"))  # the worker's re-derive closes it
    [n2] = alerts("S050")
    assert n2.pk == n.pk  # the same row, not a second alert
    assert n2.state == NotificationState.UPDATED and "已于 11:00 结束，共 120 分钟" in n2.text
    assert "仍在继续" not in n2.text and n2.changed_at is not None
    assert Notification.objects.filter(key__startswith="vacancy:").count() == 2  # S050 and the office


@pytest.mark.parametrize("heal", ["void", "stand_in", "waiver"])
def test_an_alert_is_withdrawn_when_a_late_event_or_correction_heals_the_vacancy(
        zx, boss, heal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S002", "09:00", "11:00", now=at("11:30"), ext="away-1")
    assert len(alerts("S099")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        if heal == "void":  # a correction: the away was keyed by mistake
            duty.void_event(boss, Event.objects.get(ext_id="away-1"), "录入错误")
        elif heal == "stand_in":  # late events: the office had put S009 on the post, and S009 came
            duty.record_event(boss, zx, {"type": "clock_in", "staff": "S009", "at": at("08:50"), "reason": "补录"})
            duty.record_event(boss, zx, {"type": "stand_in", "staff": "S009", "post": "P01", "start": at("09:00"),
                                         "end": at("11:00"), "reason": "临时顶岗，补录"})
        else:  # an appeal upheld (NV-6)
            duty.waive_vacancy(boss, Vacancy.objects.get(), "外出为中心安排的业务，申诉成立")
    assert not Vacancy.objects.exists()
    for code in ("S050", "S099"):
        [n] = alerts(code)
        assert n.state == NotificationState.WITHDRAWN and n.read and "撤回" in n.why
    assert not Notification.objects.filter(read=False).exists()  # withdrawn alerts are not counted as new
    with django_capture_on_commit_callbacks(execute=True):  # working it out again changes nothing
        reconcile_day(zx, dt.date(2026, 3, 3))
    assert [n.state for n in alerts("S099")] == [NotificationState.WITHDRAWN]


def test_an_import_that_heals_a_vacancy_withdraws_its_alert(zx, boss, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S002", "09:00", "11:00", now=at("09:05"), ext="away-1")
    with django_capture_on_commit_callbacks(execute=True):  # the terminal's late batch: A was there all along
        import_scenario(system_actor("import"), {**HALL, "events": HALL["events"] + [
            {"id": "late-in", "type": "clock_in", "staff": "S001", "at": f"{DAY}T08:25:00+08:00"},
            {"id": "late-out", "type": "clock_out", "staff": "S001", "at": f"{DAY}T17:35:00+08:00"}]})
    assert not Vacancy.objects.exists()
    assert {n.state for n in Notification.objects.all()} == {NotificationState.WITHDRAWN}


def test_a_vacancy_whose_start_moves_is_told_at_its_new_minute(zx, boss, django_capture_on_commit_callbacks):
    """NV-1: a late batch shows A there until 09:30: the 09:00 alert is withdrawn, and the vacancy that still
    runs from 09:30 is told (never a false "healed" with nothing in its place)."""
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S002", "09:00", "11:00", now=at("09:05"), ext="away-1")
    with django_capture_on_commit_callbacks(execute=True):
        import_scenario(system_actor("import"), {**HALL, "events": HALL["events"] + [
            {"id": "late-in", "type": "clock_in", "staff": "S001", "at": f"{DAY}T08:25:00+08:00"},
            {"id": "late-out", "type": "clock_out", "staff": "S001", "at": f"{DAY}T09:30:00+08:00"}]})
    assert Vacancy.objects.filter(post__code="P01", start=at("09:30")).exists()
    office = {n.key: n for n in alerts("S099")}
    assert office["vacancy:202603030900"].state == NotificationState.WITHDRAWN
    moved = office["vacancy:202603030930"]
    assert moved.state == NotificationState.SENT and "P01" in moved.text and not moved.read


def test_a_post_joining_a_read_alert_makes_it_unread_again(zx, boss, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S002", "09:01", "10:00", now=at("09:05"))
    Notification.objects.filter(recipient__code="S050").update(read=True)
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S012", "09:01", "10:00", now=at("09:06"))
    [n] = alerts("S050")
    assert "2 个岗位" in n.text and not n.read


def test_vacancies_of_one_minute_are_one_alert_per_person(zx, boss, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # one commit: three posts empty from 09:01
        for b in ("S002", "S012", "S022"):
            b_away(boss, zx, b, "09:01", "10:00", now=at("09:05"))
    office, head = alerts("S099"), alerts("S050")
    assert [n.key for n in office] == ["vacancy:202603030901"] == [n.key for n in head]
    assert "3 个岗位" in office[0].text and all(w in office[0].text for w in ("P01", "P02", "P03"))
    assert "2 个岗位" in head[0].text and "P03" not in head[0].text  # the window head: their department's
    assert office[0].text.index("P01") < office[0].text.index("P02") < office[0].text.index("P03")
    texts = {n.pk: n.text for n in Notification.objects.all()}
    with django_capture_on_commit_callbacks(execute=True):  # re-derived and worked out again: the same
        tick(at("09:06"))
        reconcile_day(zx, dt.date(2026, 3, 3))
    assert {n.pk: n.text for n in Notification.objects.all()} == texts


def test_a_vacancy_of_an_alerted_minute_joins_its_alert(zx, boss, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S002", "09:01", "10:00", now=at("09:05"))
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S012", "09:01", "10:00", now=at("09:06"))
    [n] = alerts("S050")
    assert "2 个岗位" in n.text and n.state == NotificationState.UPDATED


def test_a_rolled_back_write_leaves_no_alert_work(zx, boss, django_capture_on_commit_callbacks):
    from django.db import transaction

    class Undo(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Undo), transaction.atomic():
            b_away(boss, zx, "S002", "09:00", "11:00", now=at("09:05"))
            raise Undo
    assert callbacks == [] and not Notification.objects.exists()


# -- muting (one's own setting) -----------------------------------------------------------------------------
def test_a_muted_kind_is_not_pushed_but_kept_for_the_digest(zx, boss, settings, django_capture_on_commit_callbacks):
    from servicehall.core.models import OutboxMessage

    settings.SERVICEHALL_NOTIFIERS = ["servicehall.core.notify.InAppNotifier", "servicehall.core.notify.SmsNotifier"]
    Staff.objects.filter(code__in=["S099", "S050"]).update(phone="13800000000")
    office = Staff.objects.get(code="S099")
    assert org.set_muted_kinds(Actor(user=None, label="S099", staff=office), office, ["vacancy"]) == ["vacancy"]
    sms_before = OutboxMessage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S002", "09:00", "11:00", now=at("09:05"))
    [quiet] = alerts("S099")
    [loud] = alerts("S050")
    assert quiet.muted and quiet.read and not loud.muted and not loud.read
    assert OutboxMessage.objects.count() == sms_before + 1  # only the window head's SMS


def test_muting_refuses_unknown_kinds_and_other_peoples_settings(zx):
    office, head = Staff.objects.get(code="S099"), Staff.objects.get(code="S050")
    me = Actor(user=None, label="S099", staff=office)
    with pytest.raises(RuleViolation) as e:
        org.set_muted_kinds(me, office, ["vacancy", "bogus"])
    assert e.value.problems[0].field == "kinds" and "bogus" in str(e.value)
    with pytest.raises(RuleViolation):
        org.set_muted_kinds(me, office, ["digest"])  # the digest itself cannot be muted
    with pytest.raises(Forbidden):
        org.set_muted_kinds(me, head, ["vacancy"])
    assert not MutedKind.objects.exists()


def test_the_alerts_page_mutes_a_kind_with_its_chinese_name(client, zx, settings):
    settings.DEFAULT_CENTER = "ZX"
    org.create_account(system_actor("office"), Staff.objects.get(code="S099"), "office", PASSWORD)
    assert client.login(username="office", password=PASSWORD)
    page = client.get("/manage/alerts/").content.decode()
    assert 'value="vacancy"' in page and "窗口缺位" in page and "更换人员请求" in page  # kinds by Chinese name
    assert 'value="digest"' not in page
    r = client.post("/manage/alerts/", {"action": "mute", "mute": ["vacancy", "replacement"]}, follow=True)
    assert r.status_code == 200
    assert set(MutedKind.objects.values_list("kind", flat=True)) == {"vacancy", "replacement"}
    assert 'value="vacancy" checked' in r.content.decode()
    r = client.post("/manage/alerts/", {"action": "mute", "mute": ["bogus"]}, follow=True)
    page = r.content.decode()
    assert r.status_code == 200 and 'class="error" role="alert"' in page  # refused, said so,
    assert ">kinds：" not in page  # under the field's label (提醒类别), never its code
    assert set(MutedKind.objects.values_list("kind", flat=True)) == {"vacancy", "replacement"}  # nothing changed


def test_the_alerts_page_shows_withdrawn_and_updated_alerts(client, zx, boss, settings,
                                                            django_capture_on_commit_callbacks):
    settings.DEFAULT_CENTER = "ZX"
    org.create_account(system_actor("office"), Staff.objects.get(code="S099"), "office", PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S002", "09:00", "11:00", now=at("09:05"), ext="away-1")
        b_away(boss, zx, "S012", "14:40", "15:00", now=at("14:45"))
    with django_capture_on_commit_callbacks(execute=True):
        duty.void_event(boss, Event.objects.get(ext_id="away-1"), "录入错误")
        tick(at("15:30"))
    assert client.login(username="office", password=PASSWORD)
    page = client.get("/manage/alerts/").content.decode()
    assert "<s>" in page and "提醒撤回" in page and "已于 15:00 结束" in page


# -- the daily digest ---------------------------------------------------------------------------------------
def test_the_daily_digest_is_sent_once_at_its_hour_listing_the_days_alerts_by_kind(
        zx, boss, settings, django_capture_on_commit_callbacks):
    from servicehall.core.models import OutboxMessage

    settings.SERVICEHALL_NOTIFIERS = ["servicehall.core.notify.InAppNotifier", "servicehall.core.notify.SmsNotifier"]
    Staff.objects.filter(code__in=["S099", "S050"]).update(phone="13800000000")
    office = Staff.objects.get(code="S099")
    org.set_muted_kinds(Actor(user=None, label="S099", staff=office), office, ["vacancy"])
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S002", "09:00", "10:00", now=at("09:05"))
        b_away(boss, zx, "S012", "14:40", "15:00", now=at("14:45"))
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    Notification.objects.update(created_at=at("15:00", today))  # rows are stamped now: at 15:00, before the hour
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(zx, at("17:00", today)) == 0  # before the hour (default 18)
    assert not Notification.objects.filter(key__startswith="digest:").exists()
    texts = OutboxMessage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(zx, at("18:05", today)) == 2  # the office and the window head
    assert OutboxMessage.objects.count() == texts  # read in the list, not texted
    digest = Notification.objects.get(recipient=office, key__startswith="digest:")
    assert "窗口缺位 2 条" in digest.text or "Vacancies 2" in digest.text
    assert "P01" in digest.text and "P02" in digest.text and not digest.muted  # muted kinds go here
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(zx, at("18:15", today)) == 0  # once a day
        send_digests(zx, at("19:00", today))
    assert Notification.objects.filter(key__startswith="digest:").count() == 2
    with django_capture_on_commit_callbacks(execute=True):  # a quiet day says nothing
        assert send_digests(zx, at("18:05", "2030-01-01")) == 0


def test_the_digest_hour_is_a_range_checked_setting(zx):
    with pytest.raises(RuleViolation) as e:
        org.save_center(system_actor("office"), "ZX", zx.name, policy={"digest_hour": 3})
    assert "12" in str(e.value) and "23" in str(e.value)
    org.save_center(system_actor("office"), "ZX", zx.name, policy={"digest_hour": 17})
    zx.policy.refresh_from_db()
    assert zx.policy.digest_hour == 17


def test_alerts_of_one_kind_in_one_minute_are_one_entry_on_the_page(client, zx, settings,
                                                                     django_capture_on_commit_callbacks):
    """Issue 17 item 3 for every kind: the page groups a person's alerts of one kind sent in one minute."""
    from servicehall.core.notify import send

    settings.DEFAULT_CENTER = "ZX"
    office = Staff.objects.get(code="S099")
    org.create_account(system_actor("office"), office, "office", PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        for i in (1, 2, 3):
            send(zx, [office], f"inquiry-overdue:{i}:20260303", f"首问转办逾期：第 {i} 件")
        send(zx, [office], "queue-alarm:1:1", "排队预警：一件")
    Notification.objects.update(created_at=at("10:15"))  # one minute, whatever the clock did meanwhile
    Notification.objects.filter(key="queue-alarm:1:1").update(created_at=at("10:15") + dt.timedelta(seconds=30))
    assert client.login(username="office", password=PASSWORD)
    page = client.get("/manage/alerts/").content.decode()
    table = page[page.index("<tbody>"):page.index("</tbody>")]
    assert table.count("<tr>") == 2  # three overdue transfers in one entry, the queue alarm in its own
    assert all(f"第 {i} 件" in table for i in (1, 2, 3)) and table.count("<li>") == 3


def test_a_muted_kinds_alerts_do_not_count_as_unread_anywhere(client, zx, boss, settings,
                                                                django_capture_on_commit_callbacks):
    # Issue 17 item 3: the page promises a muted kind is 不计为未读 — also for alerts that came before muting.
    from servicehall.core.notify import unread

    settings.DEFAULT_CENTER = "ZX"
    head = Staff.objects.get(code="S050")
    org.create_account(system_actor("office"), head, "head", PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S002", "09:00", "11:00", now=at("09:05"))
    assert unread(head) == 1
    assert client.login(username="head", password=PASSWORD)
    assert '<span class="badge red">1</span>' in client.get("/manage/alerts/").content.decode()
    org.set_muted_kinds(Actor(user=None, label="S050", staff=head), head, ["vacancy"])
    assert unread(head) == 0
    assert '<span class="badge red">' not in client.get("/manage/alerts/").content.decode()
    home = client.get("/manage/")
    assert home.status_code == 200 and "<span class=\"badge red\">" not in home.content.decode()  # the workbench card
    org.set_muted_kinds(Actor(user=None, label="S050", staff=head), head, [])
    assert unread(head) == 1
    Notification.objects.filter(recipient=head).update(state=NotificationState.WITHDRAWN)
    assert unread(head) == 0  # a withdrawn alert is not new either


def test_the_digest_reads_as_a_list_of_kinds_and_linked_items(client, zx, boss, settings,
                                                              django_capture_on_commit_callbacks):
    settings.DEFAULT_CENTER = "ZX"
    office = Staff.objects.get(code="S099")
    org.create_account(system_actor("office"), office, "office", PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S002", "09:00", "10:00", now=at("09:05"))
        b_away(boss, zx, "S012", "14:40", "15:00", now=at("14:45"))
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        send_digests(zx, at("18:05", today))
    digest = Notification.objects.get(recipient=office, key__startswith="digest:")
    lines = digest.text.splitlines()
    assert lines[1] == "窗口缺位 2 条：" and all(line.startswith("· ") for line in lines[2:4])  # a line per item
    assert client.login(username="office", password=PASSWORD)
    page = client.get("/manage/alerts/").content.decode()
    listed = page.split('<ul class="u-list digest">', 1)[1].split("</ul></li></ul>", 1)[0]
    assert "窗口缺位 2 条" in listed and listed.count("<li><a href=\"/manage/vacancies/?from=") == 2


def test_an_alert_after_the_digest_hour_is_in_the_next_days_digest(zx, boss, django_capture_on_commit_callbacks):
    """A digest covers the alerts since the day before's digest hour: one sent at 19:00 is not lost between two
    digests (issue 17 item 3)."""
    office = Staff.objects.get(code="S099")
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S002", "09:00", "10:00", now=at("09:05"))
    assert Notification.objects.filter(recipient=office).exists()
    Notification.objects.update(created_at=at("19:00", "2026-03-03"))  # after that day's digest hour (18)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(zx, at("18:05", "2026-03-03")) == 0  # that day's digest: nothing since 03-02 18:00
        assert send_digests(zx, at("18:05", "2026-03-04")) >= 1  # the next day's has it
    digest = Notification.objects.get(recipient=office, key="digest:20260304")
    assert "P01" in digest.text and "03-03 18:00 以来" in digest.text


def test_a_digest_hour_moved_later_loses_no_alert(zx, boss, django_capture_on_commit_callbacks):
    """The office moves the digest hour from 12 to 18 after a day's digest went out at 12:05: the alert of 15:00
    that day is in the next digest — a digest starts where the person's last one ended (issue 17 item 3)."""
    office = Staff.objects.get(code="S099")
    org.save_center(system_actor("office"), "ZX", zx.name, policy={"digest_hour": 12})
    zx.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        b_away(boss, zx, "S002", "09:00", "10:00", now=at("09:05"))
        b_away(boss, zx, "S012", "14:40", "15:00", now=at("14:45"))
    Notification.objects.filter(text__contains="P01").update(created_at=at("09:05"))
    Notification.objects.filter(text__contains="P02").update(created_at=at("15:00"))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(zx, at("12:05")) >= 1  # the morning's P01
    Notification.objects.filter(key__startswith="digest:").update(created_at=at("12:05"))
    org.save_center(system_actor("office"), "ZX", zx.name, policy={"digest_hour": 18})
    zx.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        send_digests(zx, at("18:05", "2026-03-04"))
    digest = Notification.objects.get(recipient=office, key="digest:20260304")
    assert "03-03 12:05 以来" in digest.text and "P02" in digest.text and "P01" not in digest.text
    from servicehall.org.digest import digest_lists

    digest.created_at = at("18:05", "2026-03-04")  # stamped now in a test; sent then in the hall
    listed = [n.text for kind in digest_lists(digest) for n in kind["items"]]  # the alerts page reads the same
    assert any("P02" in t for t in listed) and not any("P01" in t for t in listed)
