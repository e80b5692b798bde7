"""Q-8: the booker's ID number, reminders by SMS across a holiday, the cancel link, no-shows at the slot's end,
the no-show block and its lifting, and bad input refused with the field named."""

from __future__ import annotations

import datetime as dt

import pytest

from servicehall.audit.models import AuditRecord
from servicehall.core.models import OutboxMessage
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.tickets import appointments as ap
from servicehall.tickets import reminders
from servicehall.tickets.models import Appointment, NoShowLift

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))  # the center's zone, Asia/Shanghai
ID1, ID2, ID3 = "110105198001010016", "110105198001010024", "110105198001010032"


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture
def hall(actor, center):
    org.save_post(actor, center, "P01", window="W01", a="S900", b="S002", items=["RS-001", "RS-002"])
    return center


def reminders_to(phone: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(key="appointment-reminder", phone=phone).order_by("pk"))


def run_ticks(times):
    for t in times:
        reminders.tick(t)


# -- reminders ---------------------------------------------------------------------------------------------

def test_reminders_across_the_national_day_holiday_each_once(actor, hall):
    """A slot on 2026-10-08, the first working day after 国庆 (10-01..07): the day-before reminder goes on the
    holiday 10-07 at 09:00 (the calendar day before), the soon one at 08:00 on the day; each once."""
    slot = ap.open_slot(actor, hall, "RS-002", dt.date(2026, 10, 8), dt.time(10), dt.time(11))
    appt = ap.book(actor, slot, "王小明", "13812345678", ID1, now=at(2026, 9, 29, 15))
    run_ticks([at(2026, 10, 6, 9), at(2026, 10, 7, 8, 55)])  # too early: nothing
    assert reminders_to("13812345678") == []
    run_ticks([at(2026, 10, 7, 9, 0), at(2026, 10, 7, 9, 5), at(2026, 10, 7, 20)])  # three ticks, one SMS
    sent = reminders_to("13812345678")
    assert len(sent) == 1 and "10月08日 10:00" in sent[0].text and "就业创业证申领" in sent[0].text
    assert ap.cancel_url(appt) in sent[0].text  # the cancel link rides along
    appt.refresh_from_db()
    assert appt.reminded_day_at == at(2026, 10, 7, 9) and appt.reminded_soon_at is None
    run_ticks([at(2026, 10, 8, 7, 55)])
    assert len(reminders_to("13812345678")) == 1
    run_ticks([at(2026, 10, 8, 8, 0), at(2026, 10, 8, 8, 5), at(2026, 10, 8, 9, 59)])
    assert len(reminders_to("13812345678")) == 2
    appt.refresh_from_db()
    assert appt.reminded_soon_at == at(2026, 10, 8, 8)


def test_no_reminder_for_a_cancelled_booking(actor, hall):
    slot = ap.open_slot(actor, hall, "RS-002", dt.date(2026, 10, 8), dt.time(10), dt.time(11))
    gone = ap.book(actor, slot, "王小明", "13812345678", ID1, now=at(2026, 9, 29, 15))
    ap.cancel(gone.cancel_token, now=at(2026, 9, 30, 10))
    ap.book(actor, slot, "李四", "13812345679", ID2, now=at(2026, 9, 29, 15))
    run_ticks([at(2026, 10, 7, 9), at(2026, 10, 8, 8, 0)])
    assert reminders_to("13812345678") == []
    assert len(reminders_to("13812345679")) == 2


def test_a_late_booking_gets_no_stale_reminder(actor, hall):
    slot = ap.open_slot(actor, hall, "RS-002", dt.date(2026, 10, 8), dt.time(10), dt.time(11))
    ap.book(actor, slot, "王小明", "13812345678", ID1, now=at(2026, 10, 7, 12))  # after 10-07 09:00
    run_ticks([at(2026, 10, 7, 12, 5), at(2026, 10, 7, 23)])
    assert reminders_to("13812345678") == []
    run_ticks([at(2026, 10, 8, 8)])
    assert len(reminders_to("13812345678")) == 1  # the soon one only
    ap.book(actor, slot, "李四", "13812345679", ID2, now=at(2026, 10, 8, 9))  # after both reminder times
    run_ticks([at(2026, 10, 8, 9, 5)])
    assert reminders_to("13812345679") == []


def test_a_stopped_worker_sends_only_the_current_reminder(actor, hall):
    slot = ap.open_slot(actor, hall, "RS-002", dt.date(2026, 10, 8), dt.time(10), dt.time(11))
    ap.book(actor, slot, "王小明", "13812345678", ID1, now=at(2026, 9, 29, 15))
    run_ticks([at(2026, 10, 8, 8, 30)])  # the first tick after 10-07 09:00 comes after the soon time
    assert len(reminders_to("13812345678")) == 1
    run_ticks([at(2026, 10, 8, 10, 30)])  # the slot has started: no reminder any more
    assert len(reminders_to("13812345678")) == 1


# -- the cancel link ---------------------------------------------------------------------------------------

def test_cancel_link_cancels_once_frees_the_place_and_is_audited(actor, hall):
    slot = ap.open_slot(actor, hall, "RS-002", dt.date(2026, 10, 8), dt.time(10), dt.time(11), capacity=1)
    appt = ap.book(actor, slot, "王小明", "13812345678", ID1, now=at(2026, 9, 29, 15))
    assert len(appt.cancel_token) >= 30 and appt.cancel_token != appt.code
    with pytest.raises(RuleViolation, match="fully booked"):
        ap.book(actor, slot, "李四", "13812345679", ID2, now=at(2026, 9, 29, 16))
    ap.cancel(appt.cancel_token, now=at(2026, 10, 8, 9, 59))
    assert AuditRecord.objects.filter(action="appointment.cancel").count() == 1
    with pytest.raises(RuleViolation, match="already cancelled"):
        ap.cancel(appt.cancel_token, now=at(2026, 10, 8, 9, 59))
    assert AuditRecord.objects.filter(action="appointment.cancel").count() == 1
    ap.book(actor, slot, "李四", "13812345679", ID2, now=at(2026, 10, 8, 9, 59))  # the place is free again


def test_cancel_after_the_start_is_refused(actor, hall):
    slot = ap.open_slot(actor, hall, "RS-002", dt.date(2026, 10, 8), dt.time(10), dt.time(11))
    appt = ap.book(actor, slot, "王小明", "13812345678", ID1, now=at(2026, 9, 29, 15))
    with pytest.raises(RuleViolation) as e:
        ap.cancel(appt.cancel_token, now=at(2026, 10, 8, 10, 0))
    assert "token" in e.value.as_dict() and "started" in str(e.value)
    appt.refresh_from_db()
    assert not appt.cancelled
    with pytest.raises(RuleViolation):
        ap.cancel("no-such-token", now=at(2026, 10, 8, 9))


def test_cancel_page_without_login(client, actor, hall):
    day = dt.date.today() + dt.timedelta(days=30)
    while not ap.get_calendar(hall).is_workday(day):
        day += dt.timedelta(days=1)
    slot = ap.open_slot(actor, hall, "RS-002", day, dt.time(10), dt.time(11))
    appt = ap.book(actor, slot, "王小明", "13812345678", ID1)
    url = f"/appointments/cancel/{appt.cancel_token}/"
    page = client.get(url).content.decode()
    assert "13812345678" not in page and "138****5678" in page  # SEC-3 on a public page
    assert client.post(url).status_code == 200
    appt.refresh_from_db()
    assert appt.cancelled
    again = client.post(url)
    assert again.status_code == 200 and Appointment.objects.filter(cancelled=True).count() == 1
    assert client.get("/appointments/cancel/nonsense/").status_code == 404


# -- no-shows and the block --------------------------------------------------------------------------------

def missed(actor, hall, day: dt.date, id_number: str, start=dt.time(10)) -> Appointment:
    slot = ap.open_slot(actor, hall, "RS-002", day, start, (dt.datetime.combine(day, start) + dt.timedelta(hours=1)).time())
    return ap.book(actor, slot, "王小明", "13812345678", id_number, now=at(2026, 1, 5, 9))


def test_no_show_at_the_slot_end_derived_and_idempotent(actor, hall):
    appt = missed(actor, hall, dt.date(2026, 3, 2), ID1)
    assert reminders.derive_no_shows(hall, at(2026, 3, 2, 10, 59)) == 0
    assert reminders.derive_no_shows(hall, at(2026, 3, 2, 11, 0)) == 1
    assert reminders.derive_no_shows(hall, at(2026, 3, 2, 11, 5)) == 0  # idempotent
    appt.refresh_from_db()
    assert appt.no_show
    # a late correction (the booking attached to the ticket it was served on) re-derives it
    from servicehall.tickets import services as q

    appt.ticket = q.issue_ticket(actor, hall, "RS-002", now=at(2026, 3, 2, 10, 30))
    appt.save(update_fields=["ticket"])
    reminders.derive_no_shows(hall, at(2026, 3, 2, 11, 10))
    appt.refresh_from_db()
    assert not appt.no_show


def test_block_after_the_limit_and_its_lifting(actor, hall, office_client):
    missed(actor, hall, dt.date(2026, 3, 2), ID1)
    missed(actor, hall, dt.date(2026, 4, 1), ID1)  # two no-shows within 90 days: the default limit
    reminders.tick(at(2026, 4, 1, 12))
    later = ap.open_slot(actor, hall, "RS-002", dt.date(2026, 4, 8), dt.time(10), dt.time(11))
    with pytest.raises(RuleViolation) as e:
        ap.book(actor, later, "王小明", "13812345678", ID1, now=at(2026, 4, 2, 9))
    assert "id_number" in e.value.as_dict() and "2026-06-30 11:00" in str(e.value)  # 04-01 11:00 + 90 days
    assert ap.book(actor, later, "李四", "13812345679", ID2, now=at(2026, 4, 2, 9))  # others book as before
    # lifting needs a reason; with one it is a record, audited, and the person may book again
    with pytest.raises(RuleViolation) as e:
        ap.lift_block(actor, hall, ID1, "  ", now=at(2026, 4, 2, 10))
    assert "reason" in e.value.as_dict() and not NoShowLift.objects.exists()
    ap.lift_block(actor, hall, ID1, "当日系统故障，申请人已到场", now=at(2026, 4, 2, 10))
    assert AuditRecord.objects.filter(action="appointment.block_lift").count() == 1
    assert ap.book(actor, later, "王小明", "13812345678", ID1, now=at(2026, 4, 2, 11))
    with pytest.raises(RuleViolation, match="not blocked"):
        ap.lift_block(actor, hall, ID1, "再次解除", now=at(2026, 4, 2, 12))


def workdays_back(hall, n: int) -> list[dt.date]:
    day, out = dt.date.today() - dt.timedelta(days=3), []
    while len(out) < n:
        if ap.get_calendar(hall).is_workday(day):
            out.append(day)
        day -= dt.timedelta(days=1)
    return out


def test_the_office_sees_no_shows_and_blocks_and_lifts_with_a_reason(actor, hall, office_client, login):
    first, second = workdays_back(hall, 2)
    for day in (first, second):
        slot = ap.open_slot(actor, hall, "RS-002", day, dt.time(10), dt.time(11))
        ap.book(actor, slot, "王小明", "13812345678", ID1, now=at(day.year, day.month, day.day, 8))
    reminders.tick()
    page = office_client.get("/manage/appointments/no-shows/").content.decode()
    assert ID1 in page and "13812345678" in page  # the office sees them in full (SEC-3 by role)
    assert "身份证号" in page
    guide = login("S003", roles=["window"])  # a clerk of another reading scope: no page
    assert guide.get("/manage/appointments/no-shows/").status_code == 403
    appt = Appointment.objects.filter(id_number=ID1).first()
    r = office_client.post("/manage/appointments/no-shows/", {"appointment": appt.pk, "reason": ""})
    assert r.status_code == 200 and not NoShowLift.objects.exists()
    r = office_client.post("/manage/appointments/no-shows/", {"appointment": appt.pk, "reason": "申请人已说明原因"})
    assert r.status_code == 302 and NoShowLift.objects.count() == 1, r.content.decode()[-3000:]
    assert ap.blocked_until(hall, ID1) is None


def test_the_limit_and_block_days_are_the_centers_settings(actor, hall):
    org.save_center(actor, hall.code, hall.name, policy={"no_show_limit": 1, "no_show_block_days": 10})
    hall.refresh_from_db()
    missed(actor, hall, dt.date(2026, 3, 2), ID1)
    slot = ap.open_slot(actor, hall, "RS-002", dt.date(2026, 3, 16), dt.time(10), dt.time(11))
    with pytest.raises(RuleViolation, match="2026-03-12 11:00"):
        ap.book(actor, slot, "王小明", "13812345678", ID1, now=at(2026, 3, 3, 9))
    assert ap.book(actor, slot, "王小明", "13812345678", ID1, now=at(2026, 3, 12, 11))  # the block is over
    for bad in (0, -1, "x"):
        with pytest.raises(RuleViolation) as e:
            org.save_center(actor, hall.code, hall.name, policy={"no_show_limit": bad})
        assert "center.policy.no_show_limit" in e.value.as_dict()


def test_settings_page_refuses_a_bad_limit_naming_it(office_client, hall):
    from servicehall.org.models import Policy
    from servicehall.web.views import SETTING_FIELDS

    policy = Policy.objects.get(center=hall)
    data = {name: getattr(policy, name) for name in SETTING_FIELDS}
    data.update({"assessment_points": "", "assessment_grades": "", "merge_same_day": "1", "no_show_limit": "0"})
    page = office_client.post("/manage/settings/", data).content.decode()
    policy.refresh_from_db()
    # the field named by its label (爽约… once the catalog has it)
    assert policy.no_show_limit == 2 and ("爽约" in page or "no-shows that block bookings" in page)


# -- bad input ---------------------------------------------------------------------------------------------

def test_bad_booking_input_names_the_fields_and_changes_nothing(actor, hall):
    slot = ap.open_slot(actor, hall, "RS-002", dt.date(2026, 10, 8), dt.time(10), dt.time(11), capacity=1)
    with pytest.raises(RuleViolation) as e:
        ap.book(actor, slot, "", "1234", "110105198001010017", now=at(2026, 9, 29, 15))
    assert set(e.value.as_dict()) == {"name", "phone", "id_number"}
    with pytest.raises(RuleViolation) as e:
        ap.book(actor, slot, "王小明", "13812345678", ID1, now=at(2026, 10, 8, 11))
    assert "slot" in e.value.as_dict()  # the slot is over
    ap.book(actor, slot, "王小明", "13812345678", ID1, now=at(2026, 9, 29, 15))
    with pytest.raises(RuleViolation) as e:
        ap.book(actor, slot, "李四", "13812345679", ID3, now=at(2026, 9, 29, 15))
    assert "slot" in e.value.as_dict()  # full
    assert Appointment.objects.count() == 1


def test_booking_page_shows_chinese_errors_and_the_cancel_link(client, actor, hall):
    day = dt.date.today() + dt.timedelta(days=30)
    while not ap.get_calendar(hall).is_workday(day):
        day += dt.timedelta(days=1)
    slot = ap.open_slot(actor, hall, "RS-002", day, dt.time(10), dt.time(11), capacity=1)
    r = client.post("/appointments/", {"slot": slot.pk, "name": "王小明", "phone": "123", "id_number": "123"})
    page = r.content.decode()
    assert r.status_code == 200 and "身份证号" in page and "电话" in page and not Appointment.objects.exists()
    assert 'class="chosen"' in page and 'value="王小明"' in page  # what was typed stays, in its slot's row
    r = client.post("/appointments/", {"slot": slot.pk, "name": "王小明", "phone": "13812345678", "id_number": ID1})
    appt = Appointment.objects.get()
    assert f"/appointments/cancel/{appt.cancel_token}/" in r.content.decode()
    r = client.post("/appointments/", {"slot": slot.pk, "name": "李四", "phone": "13812345679", "id_number": ID2})
    assert r.status_code == 200 and Appointment.objects.count() == 1  # full: said, nothing changed
