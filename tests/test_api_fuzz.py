"""The API against its own served schema (issue 10, item 7): schemathesis sends generated requests — valid
ones and ones that break the schema — to every operation of ``/api/v1/openapi.json``, with a device token
of the endpoint's kind and a logged-in staff session, and every answer must be no 5xx and exactly as the
schema documents it (status code, content type, body).

Bounded and repeatable: a fixed number of examples per operation, derandomized, no shrinking, no example
database; about a minute in all on a small machine.
"""

from __future__ import annotations

import dataclasses
import traceback

import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from servicehall.api import api
from servicehall.audit.services import system_actor
from servicehall.cases import services as cases
from servicehall.duty import services as duty
from servicehall.org import services as org

from .cases.test_pages import cover_the_coming_weeks
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

EXAMPLES = 10  # per operation and kind of data (valid, fixed to the test center, schema-breaking)
CSRF = "fuzzcsrftokenfuzzcsrftokenfuzz12"  # 32 characters: the same secret in the cookie and the header

DOCUMENTED = [content_type_conformance, response_schema_conformance, status_code_conformance]
VALID_CHECKS = [not_a_server_error, *DOCUMENTED]
INVALID_CHECKS = [not_a_server_error, negative_data_rejection, *DOCUMENTED]


def _operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return sorted((method.upper(), path) for path, ops in schema["paths"].items() for method in ops)


# The device kind each device endpoint serves (SEC-5); other kinds are refused there (403).
DEVICE_FOR = {"/api/v1/devices/clock": "clock", "/api/v1/devices/pause": "workstation",
              "/api/v1/devices/tickets": "kiosk", "/api/v1/devices/ratings": "pad",
              "/api/v1/devices/call": "caller"}


@pytest.fixture
def world(client, center, settings):
    """The test center with a device of every kind and the office's logged-in session."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    office = system_actor("office")
    w01 = center.windows.get(code="W01")
    org.save_post(office, center, "P01", window="W01", a="S001", b="S002", items=["RS-001", "RS-002"])
    tokens = {}
    for kind in ("clock", "kiosk", "caller", "pad", "workstation"):
        _device, tokens[kind] = duty.register_device(office, center, f"D-{kind}", kind, kind=kind,
                                                     window=w01 if kind in ("caller", "pad", "workstation") else None)
    cover_the_coming_weeks(office, center)
    clerk = dataclasses.replace(office, staff=center.staff.get(code="S001"))
    case = cases.receive_case(clerk, center, "RS-002", cases.Applicant("person", "王小明", "13812345678",
                                                                       "11010519491231002X"), [])
    client.login(username="boss", password=PASSWORD)
    session = client.cookies["sessionid"].value
    return {"tokens": tokens, "cookies": {"sessionid": session, "csrftoken": CSRF},
            "path": {"code": "ZX", "number": case.number}}


@pytest.fixture
def served_schema(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return schemathesis.openapi.from_dict(r.json())


@pytest.fixture
def server_errors():
    """Django's own 500 handling hides the traceback in a log: keep it for the failure message. Like
    Django's test client, keep the test's database connection open across requests."""
    seen: list[str] = []

    def on_exception(sender, request=None, **kwargs):
        seen.append(f"{request.method if request else ''} {request.get_full_path() if request else ''}\n"
                    f"{traceback.format_exc()}")

    got_request_exception.connect(on_exception)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield seen
    request_finished.connect(close_old_connections)
    request_started.connect(close_old_connections)
    got_request_exception.disconnect(on_exception)


@pytest.mark.parametrize(("method", "path"), _operations())
def test_no_server_error_and_every_answer_as_documented(method, path, world, served_schema, server_errors):
    operation = served_schema[path][method]
    app = get_wsgi_application()
    kind = DEVICE_FOR.get(path)
    headers = {"X-CSRFToken": CSRF}
    if kind:
        headers["Authorization"] = f"Bearer {world['tokens'][kind]}"
    fixed = {name: value for name, value in world["path"].items() if f"{{{name}}}" in path}
    valid = [operation.as_strategy(GenerationMode.POSITIVE)]
    if fixed:
        valid.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed))
    cases = st.one_of(*(s.map(lambda c: (c, VALID_CHECKS)) for s in valid),
                      operation.as_strategy(GenerationMode.NEGATIVE).map(lambda c: (c, INVALID_CHECKS)))

    @settings(max_examples=EXAMPLES * 3, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                     HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
    @given(cases)
    def run(pair):
        case, checks = pair
        response = case.call(app=app, headers=headers, cookies=world["cookies"])
        assert not server_errors, server_errors[-1]
        case.validate_response(response, checks=checks, headers=headers)

    run()
