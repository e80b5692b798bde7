"""SEC-5 tenancy on pages: a county (or city) office switches among the centers under it, and only those; a
center's own office sees its center and no other."""

from __future__ import annotations

import pytest
from django.test import Client

from servicehall.audit.services import system_actor
from servicehall.org import services as org

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(center):
    """County office GX over ZX and the township center XZ; QT is another county's center, not under GX."""
    op = system_actor("test")
    gx = org.save_center(op, "GX", "某县政务服务管理办公室")
    org.save_center(op, "ZX", center.name, parent=gx)
    org.save_center(op, "XZ", "某镇便民服务中心", parent=gx)
    org.save_center(op, "QT", "另一县政务服务中心")
    org.save_department(op, gx, "GB", "县政务服务管理办公室")
    person = org.save_staff(op, gx, "G001", "孙县管", "GB", roles=["county_office"])
    org.create_account(op, person, "county", PASSWORD)
    return gx


def client_of(username: str) -> Client:
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def test_county_office_switches_among_its_centers(county):
    c = client_of("county")
    body = c.get("/manage/").content.decode()
    assert 'name="center"' in body
    for name in ("某县政务服务管理办公室", "某县政务服务中心", "某镇便民服务中心"):
        assert name in body
    assert "另一县政务服务中心" not in body

    # The switcher keeps the path: a GET form to this page with ?center=CODE.
    page = c.get("/manage/vacancies/").content.decode()
    assert 'action="/manage/vacancies/"' in page and 'value="ZX"' in page

    r = c.get("/manage/vacancies/", {"center": "ZX"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "某县政务服务中心" in body and '<option value="ZX" selected>' in body
    assert c.get("/manage/vacancies/", {"center": "XZ"}).status_code == 200


def test_county_office_gets_404_for_a_center_not_under_it(county):
    c = client_of("county")
    assert c.get("/manage/vacancies/", {"center": "QT"}).status_code == 404
    assert c.get("/manage/", {"center": "QT"}).status_code == 404
    assert c.get("/manage/vacancies/", {"center": "NOPE"}).status_code == 404


def test_a_centers_office_sees_no_other_center(county, office_client):
    assert office_client.get("/manage/vacancies/", {"center": "ZX"}).status_code == 200
    assert office_client.get("/manage/vacancies/", {"center": "XZ"}).status_code == 404
    assert office_client.get("/manage/vacancies/", {"center": "GX"}).status_code == 404
    assert office_client.get("/manage/vacancies/", {"center": "QT"}).status_code == 404
    # One center: no switcher.
    assert 'name="center"' not in office_client.get("/manage/").content.decode()


def test_the_workbench_keeps_the_switched_center_on_its_links(county):
    import re

    c = client_of("county")
    body = c.get("/manage/", {"center": "XZ"}).content.decode()
    cards = re.findall(r'class="card" href="([^"]+)"', body)
    assert "/manage/vacancies/?center=XZ" in cards
    for href in cards:
        r = c.get(href.replace("&amp;", "&"), follow=True)
        assert r.status_code not in (403, 404), href
