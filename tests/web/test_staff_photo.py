"""ORG-5, Q-4: the office uploads staff photos (checked as images by content, size-limited); they are served only
to the pages that show them and appear on the identity board, the hall board and the rating pad."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone
from PIL import Image

from servicehall.audit.services import Actor
from servicehall.duty.presence import PostState, State
from servicehall.errors import RuleViolation
from servicehall.org import services as org
from servicehall.org.models import Post, Staff
from servicehall.org.permissions import Forbidden
from servicehall.tickets.models import Ticket, TicketStatus

pytestmark = pytest.mark.django_db
PHOTO_URL = "/photos/ZX/{}/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEFAULT_CENTER = "ZX"


def png(size=(60, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


FORM = {"name": "张三", "department": "RS", "qualified": ["RS-001", "RS-002", "RS-003"]}


def test_org5_the_staff_page_refuses_a_file_that_is_not_an_image(office_client, center):
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    body = office_client.post("/manage/staff/S001/edit/", {**FORM, "photo": fake}).content.decode()
    assert "photo" in body and "ORG-5" in body
    assert not Staff.objects.get(code="S001").photo


def test_org5_the_service_refuses_an_oversized_photo_and_changes_nothing(actor, center):
    staff = Staff.objects.get(code="S001")
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (org.PHOTO_MAX_BYTES + 1), content_type="image/png")
    with pytest.raises(RuleViolation) as e:
        org.set_staff_photo(actor, staff, big)
    assert "photo" in e.value.as_dict() and "MB" in str(e.value)
    assert not Staff.objects.get(code="S001").photo


def test_org5_upload_then_the_boards_and_the_pad_show_the_photo(office_client, actor, center):
    org.save_post(actor, center, "P01", window="W01", a="S001", b="S002", items=["RS-001"])
    upload = SimpleUploadedFile("me.txt", png(), content_type="text/plain")  # the content decides, not the name
    r = office_client.post("/manage/staff/S001/edit/", {**FORM, "photo": upload})
    assert r.status_code == 302
    staff = Staff.objects.get(code="S001")
    assert staff.photo.name.endswith(".png")
    url = PHOTO_URL.format("S001")

    public = Client()
    got = public.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content) == png()
    # the identity board (身份亮明)
    assert url in public.get("/").content.decode()
    # the hall board's tile of the post, with 张三 at the window
    post = Post.objects.select_related("window", "department").get(code="P01")
    now = timezone.now()
    tile = PostState(post, State.A, staff, now - dt.timedelta(minutes=5), now)
    html = render_to_string("duty/_board_tiles.html", {"center": center, "tiles": [tile], "counts": {},
                                                       "labels": {}, "now": now})
    assert url in html
    # the rating pad, after 张三's service: the photo instead of the initial (Q-4)
    ticket = Ticket.objects.create(center=center, queue=staff.department, day=now.date(), seq=1, display="RS001",
                                   item=post.items.get(), issued_at=now, status=TicketStatus.DONE, window=post.window,
                                   staff=staff, called_at=now, started_at=now, finished_at=now)
    assert ticket.pk
    from servicehall.duty import services as duty

    _device, token = duty.register_device(actor, center, "PAD1", "1号窗口评价器", kind="pad", window=post.window)
    pad_client = Client()
    assert pad_client.get("/devices/activate/", {"token": token}).status_code == 302  # the pad bound to W01
    pad = pad_client.get("/pad/").content.decode()
    assert url in pad and "请对我的服务做出评价" in pad


def test_org5_a_photo_is_not_served_for_someone_not_shown_to_the_public(actor, center, office_client):
    approver = org.save_staff(actor, center, "S020", "后台审批", "RS", roles=["approver"])
    org.set_staff_photo(actor, approver, SimpleUploadedFile("a.png", png(), content_type="image/png"))
    assert Client().get(PHOTO_URL.format("S020")).status_code == 404
    assert office_client.get(PHOTO_URL.format("S020")).status_code == 200  # the office keeps the org chart
    assert Client().get(PHOTO_URL.format("S002")).status_code == 404  # no photo
    assert Client().get("/photos/ZX/").status_code == 404  # no listing
    assert Client().get("/media/staff/").status_code == 404


def test_org5_only_the_org_chart_keeper_uploads(center, login):
    clerk = login("S005")
    r = clerk.post("/manage/staff/S001/edit/", {**FORM, "photo": SimpleUploadedFile("a.png", png())})
    assert r.status_code == 403
    assert not Staff.objects.get(code="S001").photo
    with pytest.raises(Forbidden):
        org.set_staff_photo(Actor(user=None, label="clerk", staff=Staff.objects.get(code="S005")),
                            Staff.objects.get(code="S001"), SimpleUploadedFile("a.png", png()))
