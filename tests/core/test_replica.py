"""Reads on a streaming replica (issue 14, item 8): the router's decisions, and the report and public pages
against a real hot standby.

The first tests check the router's rules without a database. The last ones need the real thing:
``scripts/with-postgres --replica`` starts a primary and a streaming replica of it (pg_basebackup -R) and sets
SERVICEHALL_REPLICA_URL; without it they are skipped. The replica alias is the primary's TEST MIRROR, which
in Django only renames its database to the test database's name and keeps its host and port: the test
database the primary creates is replayed on the standby, so the ``replica`` connection reads it there. The
tests write on the primary through the services, commit (a transactional test: the standby only ever sees
committed data), wait until the standby has replayed the primary's WAL, then open the pages and look at which
connection ran which statements.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.apps import apps
from django.http import HttpResponse
from django.test import RequestFactory

from servicehall.core import dbrouter
from servicehall.core.dbrouter import (
    PRIMARY,
    REPLICA,
    STICKY_COOKIE,
    ReadYourWritesMiddleware,
    ReplicaRouter,
    reading_from_replica,
    replica_reads,
)

REAL = bool(os.environ.get("SERVICEHALL_REPLICA_URL"))
router = ReplicaRouter()


def model(label: str):
    return apps.get_model(label)


# -- the rules, without a database --------------------------------------------------------------------------
def test_outside_a_replica_read_everything_goes_to_the_primary():
    assert router.db_for_read(model("duty.Vacancy")) == PRIMARY
    assert router.db_for_write(model("duty.Vacancy")) == PRIMARY


def test_inside_reports_read_the_replica_but_never_the_login_state():
    with reading_from_replica():
        for label in ("duty.Vacancy", "duty.Event", "tickets.Ticket", "org.Staff", "catalog.ServiceItem",
                      "feedback.Complaint", "cases.Case", "audit.AuditRecord"):
            assert router.db_for_read(model(label)) == REPLICA, label
        # written by the request before or this one: a replica a moment behind would log people out or let a
        # form be sent twice
        for label in ("sessions.Session", "auth.User", "accounts.UserSession", "accounts.AccountState",
                      "axes.AccessFailureLog", "core.FormSubmission", "core.DailyCounter", "core.Device"):
            assert router.db_for_read(model(label)) == PRIMARY, label


def test_a_write_inside_goes_to_the_primary_and_that_app_is_read_there_afterwards():
    with reading_from_replica():
        assert router.db_for_write(model("audit.AuditRecord")) == PRIMARY  # e.g. an export's audit record
        assert router.db_for_read(model("audit.AuditRecord")) == PRIMARY  # read-after-write
        assert router.db_for_read(model("duty.Vacancy")) == REPLICA  # the report's own data still there
    with reading_from_replica():  # a new request starts afresh
        assert router.db_for_read(model("audit.AuditRecord")) == REPLICA


def test_only_the_primary_is_migrated_and_objects_of_both_relate():
    assert router.allow_migrate(PRIMARY, "duty") is True
    assert router.allow_migrate(REPLICA, "duty") is False

    class State:
        def __init__(self, db):
            self.db = db

    class Obj:
        def __init__(self, db):
            self._state = State(db)

    assert router.allow_relation(Obj(PRIMARY), Obj(REPLICA)) is True
    assert router.allow_relation(Obj(PRIMARY), Obj("elsewhere")) is None


def _seen(request):
    """A view that reports whether it ran inside a replica read."""
    return HttpResponse("replica" if dbrouter._reading.get() is not None else "primary")


@pytest.mark.parametrize(("method", "cookie", "configured", "expected"), [
    ("get", False, True, "replica"),
    ("head", False, True, "replica"),
    ("post", False, True, "primary"),  # a form's request reads what it writes
    ("get", True, True, "primary"),  # the same browser wrote a moment ago: read-your-writes
    ("get", False, False, "primary"),  # no replica configured: nothing changes
])
def test_the_decorator_reads_from_the_replica_for_get_and_head_only(monkeypatch, method, cookie, configured,
                                                                    expected):
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: configured)
    factory = RequestFactory()
    if cookie:
        factory.cookies[STICKY_COOKIE] = "1"
    response = replica_reads(_seen)(getattr(factory, method)("/"))
    assert response.content.decode() == expected


def test_what_a_permission_decides_on_is_read_on_the_primary_inside_a_replica_read_too():
    """The lag guard (SEC-1, SEC-5): a role revoked a moment ago, or a person made inactive, must not act through
    a replica that has not replayed it — the roles, and the reader's staff record reached through their login,
    are read on the primary; the report's other reads of staff stay on the replica."""
    from django.contrib.auth import get_user_model

    user = get_user_model()(username="x")
    with reading_from_replica():
        assert router.db_for_read(model("org.StaffRole")) == PRIMARY
        assert router.db_for_read(model("org.Staff"), instance=user) == PRIMARY  # ``user.staff``
        assert router.db_for_read(model("org.Staff")) == REPLICA  # names on a report
        assert router.db_for_read(model("duty.Vacancy"), instance=user) == REPLICA


@pytest.mark.django_db(transaction=True)  # outside a transaction: inside one the router keeps to the primary
def test_a_window_heads_scope_and_a_countys_centers_are_read_on_the_primary(actor, center, settings):
    """The lag guard reaches the scopes too (SEC-5): which windows a person heads (their posts' A and B) and which
    centers sit under a county office are read on the primary inside a replica read — with the router installed
    and no replica to reach, reading either there would fail."""
    from servicehall.org import permissions
    from servicehall.org import services as org
    from servicehall.org.choices import Role
    from servicehall.org.models import StaffRole

    post = org.save_post(actor, center, "P01", window="W01", a="S900", b="S002", items=["RS-001"])
    person = post.a
    StaffRole.objects.create(staff=person, role=Role.COUNTY_OFFICE)
    settings.DATABASE_ROUTERS = ["servicehall.core.dbrouter.ReplicaRouter"]
    with reading_from_replica():
        assert router.db_for_read(model("org.Post")) == REPLICA  # a report's posts stay on the replica
        assert post.window_id in permissions.windows_of(person)
        assert center.pk in permissions.visible_center_ids(person)


@pytest.mark.parametrize(("method", "cookie", "configured", "expected"), [
    ("get", False, True, "replica"),
    ("post", False, True, "primary"),
    ("get", True, True, "primary"),
    ("get", False, False, "primary"),
])
def test_an_api_handler_enters_the_same_context_inside(monkeypatch, method, cookie, configured, expected):
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: configured)
    factory = RequestFactory()
    if cookie:
        factory.cookies[STICKY_COOKIE] = "1"
    with dbrouter.replica_context(getattr(factory, method)("/")):
        assert _seen(None).content.decode() == expected


def test_a_request_that_wrote_the_halls_data_marks_the_browser_for_a_few_seconds():
    def writes(label):
        def view(request):
            router.db_for_write(model(label))
            return HttpResponse("ok")
        return view

    request = RequestFactory().post("/")
    marked = ReadYourWritesMiddleware(writes("cases.Case"))(request)
    assert marked.cookies[STICKY_COOKIE]["max-age"] == dbrouter.STICKY_SECONDS
    # a session saved, a form token claimed or an export audited is not the hall's data: no mark
    assert STICKY_COOKIE not in ReadYourWritesMiddleware(writes("sessions.Session"))(request).cookies
    assert STICKY_COOKIE not in ReadYourWritesMiddleware(writes("audit.AuditRecord"))(request).cookies
    assert STICKY_COOKIE not in ReadYourWritesMiddleware(writes("core.FormSubmission"))(request).cookies


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = ("import django; from django.conf import settings; django.setup(); "
            "print(sorted(settings.DATABASES), getattr(settings, 'DATABASE_ROUTERS', []), "
            "settings.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR'), "
            "'servicehall.core.dbrouter.ReadYourWritesMiddleware' in settings.MIDDLEWARE)")
    clean = {k: v for k, v in os.environ.items() if k not in ("SERVICEHALL_REPLICA_URL", "SERVICEHALL_DATABASE_URL")}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "servicehall.settings", **env})


def test_settings_add_the_replica_only_when_asked_and_only_for_postgresql(settings):
    if not REAL:  # this process: nothing changes without a replica
        assert list(settings.DATABASES) == ["default"] and not getattr(settings, "DATABASE_ROUTERS", [])
        assert "servicehall.core.dbrouter.ReadYourWritesMiddleware" not in settings.MIDDLEWARE
    pg = "postgres://servicehall@db.example:5432/servicehall"
    with_replica = _settings_with({"SERVICEHALL_DATABASE_URL": pg,
                                   "SERVICEHALL_REPLICA_URL": "postgres://servicehall@replica.example:5432/servicehall"})
    assert with_replica.returncode == 0, with_replica.stderr
    assert with_replica.stdout.strip() == ("['default', 'replica'] ['servicehall.core.dbrouter.ReplicaRouter'] "
                                           "default True")
    sqlite = _settings_with({"SERVICEHALL_REPLICA_URL": "sqlite:///elsewhere.sqlite3"})
    assert sqlite.returncode != 0 and "SERVICEHALL_REPLICA_URL must name a PostgreSQL replica" in sqlite.stderr


# -- a real streaming replica (scripts/with-postgres --replica) -----------------------------------------------
real = pytest.mark.skipif(not REAL, reason="needs a streaming replica: scripts/with-postgres --replica")


def caught_up() -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    from django.db import connections

    with connections[PRIMARY].cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()")
        lsn = cur.fetchone()[0]
    for _ in range(600):  # a bound, not a timing check: replaying a test's few writes takes milliseconds
        with connections[REPLICA].cursor() as cur:
            cur.execute("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            recovering, done = cur.fetchone()
        assert recovering, "the replica alias is not a standby"
        if done:
            return
        time.sleep(0.05)
    pytest.fail(f"the replica did not replay the primary's WAL up to {lsn}")


class Watch:
    """Statements each connection ran while a page was opened."""

    def __init__(self):
        from django.db import connections
        from django.test.utils import CaptureQueriesContext

        self.primary = CaptureQueriesContext(connections[PRIMARY])
        self.replica = CaptureQueriesContext(connections[REPLICA])

    def __enter__(self):
        self.primary.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc):
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)

    @staticmethod
    def _sql(captured) -> list[str]:
        return [q["sql"] for q in captured.captured_queries]

    def read_on_replica(self, table: str) -> bool:
        return any(s.startswith("SELECT") and f'"{table}"' in s for s in self._sql(self.replica))

    def touched_on_primary(self, table: str) -> bool:
        return any(f'"{table}"' in s for s in self._sql(self.primary))

    def wrote_on_primary(self, table: str) -> bool:
        # an audit record on PostgreSQL: its INSERT inside the statement that moves the chain head (WITH ins AS ...)
        return any((s.startswith(("INSERT", "UPDATE")) and f'"{table}"' in s)
                   or (s.startswith("WITH") and f'INSERT INTO "{table}"' in s) for s in self._sql(self.primary))

    def replica_statements(self) -> list[str]:
        return self._sql(self.replica)


@pytest.fixture
def hall(center, actor, settings, login):
    """Center ZX with one received case and one complaint, committed on the primary and replayed."""
    import datetime as dt

    from servicehall.cases.models import Case
    from servicehall.catalog import services as catalog
    from servicehall.feedback.models import Complaint
    from servicehall.org import services as org
    from servicehall.org.calendar import covered_years
    from tests.conftest import weekdays_only

    settings.DEFAULT_CENTER = "ZX"
    for year in sorted({dt.date.today().year, (dt.date.today() + dt.timedelta(days=60)).year}):
        if year not in covered_years(center):
            org.enter_calendar_year(actor, center, year, weekdays_only(year), source="test: weekdays only")
    item = catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                             materials=[{"name": "申请书"}])
    clerk = login("S005")
    data = {"item": item.code, "kind": "person", "name": "王小明", "phone": "13812345678",
            "id_number": "11010519491231002X", "action": "accept"}
    for m in item.materials.all():
        data.update({f"has_{m.pk}": "1", f"count_{m.pk}": "1", f"form_{m.pk}": m.form})
    assert clerk.post("/cases/new/", data).status_code == 302
    from django.test import Client

    public = Client()
    assert public.post("/complaints/new/", {"ground": "attitude", "matter": "窗口人员态度生硬，请核查。",
                                            "name": "李先生", "phone": "13900001111"}).status_code == 200
    caught_up()
    return {"case": Case.objects.get(), "complaint": Complaint.objects.first(), "clerk": clerk}


PUBLIC_PAGES = [  # (address, a table the page reads, text it shows from the primary's writes)
    ("/", "org_department", "县人社局"),
    ("/guides/", "catalog_serviceitem", "食品经营许可"),
    ("/guides/SJ-002/", "catalog_serviceitem", "申请书"),
    ("/satisfaction/", "org_center", "某县政务服务中心"),
    ("/board/", "org_center", "某县政务服务中心"),  # the hall board, every 5 s on each screen
    ("/display/", "tickets_ticket", "某县政务服务中心"),  # the calling display, every 3 s on each screen
]
OFFICE_PAGES = [  # (address, a table the page reads)
    ("/manage/vacancies/", "duty_vacancy"),
    ("/manage/sanctions/", "duty_vacancy"),
    ("/manage/anomalies/", "duty_anomaly"),
    ("/manage/queue/stats/", "tickets_ticket"),
    ("/manage/complaints/summary/", "feedback_complaint"),
    ("/manage/cases/warnings/", "cases_case"),
]
EXPORTS = ["/manage/vacancies/?format=xlsx", "/manage/anomalies/?format=xlsx", "/manage/queue/stats.xlsx",
           "/manage/complaints/summary/?format=xlsx"]
# One transactional test (a committed write, a flushed database after it) takes seconds on PostgreSQL: the
# pages are opened in a few tests rather than one test each.


def _only_selects(seen: Watch) -> bool:
    return all(s.startswith("SELECT") for s in seen.replica_statements())  # a standby takes no write


@real
@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
def test_public_pages_and_lookups_read_from_the_replica(hall, client):
    from django.core.cache import cache

    from servicehall.cases import views

    for address, table, text in PUBLIC_PAGES:
        with Watch() as seen:
            r = client.get(address)
        assert r.status_code == 200, address
        assert text in r.content.decode(), address  # written on the primary, read back from the standby
        assert seen.read_on_replica(table) and not seen.touched_on_primary(table), address
        assert _only_selects(seen), address
    # the progress lookup (PUB-2): read on the replica; its limit on wrong answers lives in the cache
    cache.clear()
    number = hall["case"].number
    with Watch() as seen:
        r = client.post("/progress/", {"number": number, "phone4": "5678"})
    assert r.status_code == 200 and "食品经营许可" in r.content.decode()
    assert seen.read_on_replica("cases_case") and not seen.touched_on_primary("cases_case")
    for _ in range(views.PROGRESS_NUMBER_TRIES):
        assert client.post("/progress/", {"number": number, "phone4": "0000"}).status_code == 200
    assert client.post("/progress/", {"number": number, "phone4": "5678"}).status_code == 429
    # the complaint status lookup (CMP-1)
    cache.clear()
    code = hall["complaint"].code
    with Watch() as seen:
        r = client.get("/complaints/status/", {"code": code})
    assert r.status_code == 200 and code in r.content.decode()
    assert seen.read_on_replica("feedback_complaint") and not seen.touched_on_primary("feedback_complaint")
    cache.clear()


@real
@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
def test_office_reports_and_exports_read_from_the_replica_and_write_on_the_primary(hall, office_client):
    from servicehall.audit.models import AuditRecord

    for address, table in OFFICE_PAGES:
        with Watch() as seen:
            r = office_client.get(address)
        assert r.status_code == 200, address  # still logged in: the session is read where it was written
        assert seen.read_on_replica(table) and not seen.touched_on_primary(table), address
        assert not any('"django_session"' in s for s in seen.replica_statements()), address
        assert _only_selects(seen), address
    assert STICKY_COOKIE not in office_client.cookies
    for address in EXPORTS:
        before = AuditRecord.objects.filter(action="export").count()
        with Watch() as seen:
            r = office_client.get(address)
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats"), address
        assert seen.wrote_on_primary("audit_auditrecord"), address  # SEC-7: the export is audited, on the primary
        assert seen.replica_statements() and _only_selects(seen), address
        assert AuditRecord.objects.filter(action="export").count() == before + 1, address
        assert STICKY_COOKIE not in office_client.cookies  # auditing an export is no change to read back


@real
@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
def test_api_reports_read_from_the_replica_and_a_revoked_role_is_refused_at_once(hall, office_client, center):
    """The duty API's reports and the public board API read on the replica like their pages (issue 14 item 8);
    the roles behind ``duty.read`` come from the primary: revoked there, refused at once, replayed or not."""
    import datetime as dt

    from servicehall.org.models import StaffRole

    today = dt.date.today().isoformat()
    for address, params, table in [
            (f"/api/v1/centers/{center.code}/vacancies", {"first": today, "last": today}, "duty_vacancy"),
            (f"/api/v1/centers/{center.code}/sanctions", {"year": dt.date.today().year}, "duty_vacancy"),
            (f"/api/v1/centers/{center.code}/board", {}, "org_post")]:
        with Watch() as seen:
            r = office_client.get(address, params)
        assert r.status_code == 200, (address, r.content)
        assert seen.read_on_replica(table) and not seen.touched_on_primary(table), address
        assert seen.touched_on_primary("org_staffrole") or "board" in address, address
        assert not any('"org_staffrole"' in s for s in seen.replica_statements()), address
        assert _only_selects(seen), address
    # The office's roles taken away while the standby's replay is paused (a real lag): the report is refused at
    # once, although the standby still holds the roles.
    from django.contrib.auth import get_user_model
    from django.db import connections

    user = get_user_model().objects.get(pk=office_client.session["_auth_user_id"])
    with connections[REPLICA].cursor() as cur:
        cur.execute("SELECT pg_wal_replay_pause()")
    try:
        StaffRole.objects.filter(staff=user.staff).delete()
        with connections[REPLICA].cursor() as cur:
            cur.execute("SELECT count(*) FROM org_staffrole WHERE staff_id = %s", [user.staff.pk])
            assert cur.fetchone()[0] > 0  # the standby is behind: it still has the roles
        for address in ("/manage/vacancies/", f"/api/v1/centers/{center.code}/vacancies?first={today}&last={today}"):
            r = office_client.get(address)
            assert r.status_code == 403, (address, r.status_code)
    finally:
        with connections[REPLICA].cursor() as cur:
            cur.execute("SELECT pg_wal_replay_resume()")


@real
@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
def test_the_browser_that_just_wrote_reads_its_write_from_the_primary(hall):
    """The clerk's form wrote a case a moment ago: the clerk's next report page comes from the primary, so it
    shows the case however far the standby is behind (read-your-writes)."""
    clerk = hall["clerk"]
    assert STICKY_COOKIE in clerk.cookies
    with Watch() as seen:
        r = clerk.post("/progress/", {"number": hall["case"].number, "phone4": "5678"})
    assert r.status_code == 200 and "食品经营许可" in r.content.decode()
    assert seen.touched_on_primary("cases_case") and not seen.replica_statements()
