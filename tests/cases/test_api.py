"""Cases as JSON: creation and steps idempotent by client request id; out-of-order steps refused (CASE-2..7)."""

from __future__ import annotations

import json

import pytest

from servicehall.cases.models import Case, CaseStep
from servicehall.catalog import services as catalog

from .test_pages import cover_the_coming_weeks

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(actor, center):
    cover_the_coming_weeks(actor, center)
    return catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                             materials=[{"name": "申请书"}, {"name": "营业执照", "form": "copy"}])


BODY = {"client_request_id": "dept-42", "item": "SJ-002",
        "applicant": {"name": "王小明", "phone": "13812345678", "id_number": "11010519491231002X"},
        "materials": [{"name": "申请书"}, {"name": "营业执照", "form": "copy"}]}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_create_is_idempotent(clerk_client, item):
    first = post(clerk_client, "/api/v1/centers/ZX/cases", BODY)
    assert first.status_code == 200, first.content
    again = post(clerk_client, "/api/v1/centers/ZX/cases", BODY)
    assert again.json()["number"] == first.json()["number"] and Case.objects.count() == 1
    assert first.json()["status"] == "accepted" and first.json()["due_date"]


def test_steps_are_idempotent_and_ordered(clerk_client, item):
    number = post(clerk_client, "/api/v1/centers/ZX/cases", BODY).json()["number"]
    r = post(clerk_client, f"/api/v1/cases/{number}/steps", {"client_request_id": "s1", "kind": "delivery",
                                                               "method": "collect"})
    assert r.status_code == 422 and "out of order" in r.content.decode()
    ok = post(clerk_client, f"/api/v1/cases/{number}/steps", {"client_request_id": "s2", "kind": "decision"})
    assert ok.json()["status"] == "approved"
    post(clerk_client, f"/api/v1/cases/{number}/steps", {"client_request_id": "s2", "kind": "decision"})
    assert CaseStep.objects.filter(kind="decision").count() == 1


def test_bad_case_input_is_refused(clerk_client, item):
    body = {**BODY, "client_request_id": "x", "materials": [{"name": "户口本"}],
            "applicant": {**BODY["applicant"], "id_number": "110105194912310021"}}
    r = post(clerk_client, "/api/v1/centers/ZX/cases", body)
    assert r.status_code == 422
    fields = {p["field"] for p in r.json()["detail"]}
    assert {"materials[0].name", "applicant.id_number"} <= fields
    assert not Case.objects.exists()


def test_extension_without_reason_is_refused(clerk_client, item):
    number = post(clerk_client, "/api/v1/centers/ZX/cases", BODY).json()["number"]
    r = post(clerk_client, f"/api/v1/cases/{number}/steps", {"client_request_id": "e1",
                                                               "kind": "extension_request", "days": 3})
    assert r.status_code == 422 and "CASE-6" in r.content.decode()


def test_cases_need_login(client, item):
    assert post(client, "/api/v1/centers/ZX/cases", BODY).status_code == 401
