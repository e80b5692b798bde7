"""SEC-5, issue 13 item 5: links on a page never lead a person to a page they may not open. For every role
(ORG-2) a person of the demo center logs in and walks the site from the workbench — same origin, GET only,
breadth first, bounded — and no link it follows answers 403."""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from servicehall.audit.services import system_actor
from servicehall.demo.load import DEMO_PASSWORD, ROLE_ACCOUNTS
from servicehall.org import services as org
from servicehall.org.choices import Role
from servicehall.org.models import Center

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"#]*)')
# Not pages of the site: files, the framework's admin, the machine interface, logging out.
SKIP = ("/static/", "/media/", "/admin/", "/api/", "/accounts/logout")
PAGES_PER_ROLE = 70  # the walk's bound
PER_SHAPE = 2
NOW = "2026-11-20T10:30:00+08:00"  # pages of one shape (/cases/<number>/ …) followed per role


def shape(path: str) -> str:
    """A path with its record keys blurred: /cases/ZX20261120001/ and /cases/ZX20261120002/ are one shape."""
    return re.sub(r"/[^/]*\d[^/]*(?=/|$)", "/#", path)


def walk(client: Client, start: str = "/manage/") -> tuple[list[tuple[str, str]], list[str]]:
    """Breadth-first from ``start``: (refused link, the page that showed it), and the pages read."""
    found_on: dict[str, str] = {start: "(start)"}
    queue, read, refused, shapes = deque([start]), [], [], Counter()
    while queue and len(read) < PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url)
        read.append(url)
        if response.status_code == 403:
            refused.append((url, found_on[url]))
            continue
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        for href in HREF.findall(response.content.decode()):
            parts = urlsplit(urljoin(url, html.unescape(href)))
            if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
                continue  # another site
            if not parts.path.startswith("/") or parts.path.startswith(SKIP):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in found_on or shapes[shape(parts.path)] >= PER_SHAPE:
                continue
            shapes[shape(parts.path)] += 1
            found_on[target] = url
            queue.append(target)
    return refused, read


@pytest.fixture
def demo(settings):
    settings.DEFAULT_CENTER = "DEMO"
    call_command("demo", history_days=5, now=NOW)  # a short history: every kind of record, quickly
    center = Center.objects.get(code="DEMO")
    # The demo has a login for every role but the county office's; one is made here, as the security admin would.
    person = org.save_staff(system_actor("setup"), center, "X-COUNTY", "县办督查", "ZX", roles=[Role.COUNTY_OFFICE])
    org.create_account(system_actor("setup"), person, "county", DEMO_PASSWORD)
    return center


def test_no_link_leads_a_role_to_a_refusal(demo):
    accounts = {**{role: user for user, role in ROLE_ACCOUNTS.items()}, Role.COUNTY_OFFICE: "county"}
    assert set(accounts) == set(Role.values)  # every role of ORG-2 walks
    refused = []
    for role in Role:
        client = Client()
        assert client.login(username=accounts[role], password=DEMO_PASSWORD)
        assert client.get("/manage/").status_code == 200, role
        found, read = walk(client)
        assert len(read) > 5, f"{role.value}: the walk read only {read}"
        if role == Role.WINDOW:  # the clerk's own record (我的记录) is on the way, with what it links to
            assert any(url.endswith("/record/") for url in read), read
        refused += [f"{role.value}: {url} (linked from {page})" for url, page in found]
    assert not refused, "links to pages that refuse the reader (SEC-5):\n" + "\n".join(refused)
