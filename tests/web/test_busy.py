"""A busy database (issue 14, item 5): the person is asked to submit again with everything they typed still in
the form — never a 500, never lost text; the API answers 503 ``database_busy`` with Retry-After."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from servicehall.busy import BUSY, DatabaseBusy, is_busy
from servicehall.feedback.models import Complaint
from tests.duty.bigimport import TEXTS

MATTER = "窗口人员离岗四十分钟，<script>alert(1)</script> 等候的群众很多。"


@pytest.fixture(autouse=True)
def busy_texts(settings):
    from django.core.cache import cache

    settings.DEFAULT_CENTER = "ZX"
    cache.clear()
    yield
    cache.clear()


def locked(table: str):
    """An execute wrapper: every statement on ``table`` meets a database locked by another writer."""

    def wrapper(execute, sql, params, many, context):
        if f'"{table}"' in sql:
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    return wrapper


def test_a_locked_database_is_told_apart():
    assert is_busy(OperationalError("database is locked")) and is_busy(DatabaseBusy())
    assert not is_busy(OperationalError("no such table: x")) and not is_busy(ValueError("database is locked"))

    class PgError(Exception):
        sqlstate = "55P03"  # lock_not_available: PostgreSQL's lock_timeout

    wrapped = OperationalError("canceling statement due to lock timeout")
    wrapped.__cause__ = PgError()
    assert is_busy(wrapped)


def test_the_complaint_form_comes_back_with_the_text_and_the_busy_message(client, center):
    with connection.execute_wrapper(locked("feedback_complaint")):
        r = client.post("/complaints/new/", {"ground": "attitude", "matter": MATTER, "name": "王小明",
                                             "phone": "13812345678", "target": "1号窗口"})
    page = r.content.decode()
    assert r.status_code == 400  # the form again, as for any refused submission: not a 500
    assert TEXTS[BUSY] in page
    assert "窗口人员离岗四十分钟，&lt;script&gt;alert(1)&lt;/script&gt; 等候的群众很多。</textarea>" in page
    assert 'value="王小明"' in page and 'value="13812345678"' in page and 'value="1号窗口"' in page
    assert "<script>alert(1)" not in page
    assert not Complaint.objects.exists()
    # Sent again once the database is free, it lands.
    r = client.post("/complaints/new/", {"ground": "attitude", "matter": MATTER, "name": "王小明"})
    assert r.status_code == 200 and Complaint.objects.get().matter == MATTER


def test_a_page_that_does_not_catch_it_answers_503_with_the_fields_to_send_again(client, center, monkeypatch):
    from servicehall.feedback import services

    def stuck(*args, **kwargs):
        raise OperationalError("database is locked")  # raised raw, past the wrapper: the middleware's case

    monkeypatch.setattr(services, "file_complaint", stuck)
    r = client.post("/complaints/new/", {"ground": "attitude", "matter": MATTER, "name": "王小明",
                                         "password": "Secret-Pass-2026", "csrfmiddlewaretoken": "ECHOED-TOKEN-1234",
                                         "form_token": "AAAABBBBCCCCDDDDEEEE"})
    page = r.content.decode()
    assert r.status_code == 503 and r["Retry-After"]
    assert TEXTS[BUSY] in page
    assert 'action="/complaints/new/"' in page and 'method="post"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert 'value="王小明"' in page and 'name="form_token" value="AAAABBBBCCCCDDDDEEEE"' in page
    assert "Secret-Pass-2026" not in page and "ECHOED-TOKEN-1234" not in page
    assert not Complaint.objects.exists()


def test_the_api_answers_503_database_busy_with_retry_after(client, center):
    with connection.execute_wrapper(locked("catalog_serviceitem")):
        r = client.get("/api/v1/centers/ZX/items/RS-001")
    assert r.status_code == 503 and r["Retry-After"]
    assert r.json() == {"detail": [{"field": "__all__", "message": BUSY, "code": "database_busy"}]}
    assert client.get("/api/v1/centers/ZX/items/RS-001").status_code == 200


def test_a_login_that_meets_a_busy_database_keeps_the_name_and_never_echoes_the_password(client, actor, center):
    from servicehall.org import services as org
    from servicehall.org.models import Staff
    from tests.conftest import PASSWORD

    org.create_account(actor, Staff.objects.get(code="S001"), "zhangsan", PASSWORD)
    with connection.execute_wrapper(locked("django_session")):
        r = client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD})
    page = r.content.decode()
    assert r.status_code == 503 and TEXTS[BUSY] in page
    assert 'value="zhangsan"' in page and PASSWORD not in page
