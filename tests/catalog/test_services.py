"""CASE-1: service items with their 九公开 fields and materials."""

import pytest

from servicehall.catalog import services as catalog
from servicehall.catalog.models import ServiceItem
from servicehall.errors import RuleViolation

pytestmark = pytest.mark.django_db


def test_case1_item_with_materials(actor, center):
    item = catalog.save_item(actor, center, "SJ-002", "食品经营许可", "SJ", promised_days=5, statutory_days=20,
                             legal_basis="《中华人民共和国食品安全法》", fee_standard="不收费",
                             procedure=["申请", "受理", "审查", "决定"],
                             materials=[{"name": "申请书", "copies": 2}, {"name": "营业执照", "form": "copy",
                                                                         "required": False}])
    assert [m.name for m in item.materials.all()] == ["申请书", "营业执照"]
    assert item.materials.get(name="申请书").copies == 2


def test_case1_promised_above_statutory_is_refused(actor, center):
    with pytest.raises(RuleViolation) as e:
        catalog.save_item(actor, center, "SJ-003", "x", "SJ", promised_days=30, statutory_days=20)
    assert "CASE-1" in e.value.as_dict()["promised_days"][0]
    assert not ServiceItem.objects.filter(code="SJ-003").exists()


def test_case1_bad_materials_name_their_index(actor, center):
    with pytest.raises(RuleViolation) as e:
        catalog.save_item(actor, center, "SJ-004", "x", "SJ",
                          materials=[{"name": "a"}, {"name": "a"}, {"name": "", "form": "paper", "copies": 0}])
    got = e.value.as_dict()
    assert {"materials[1].name", "materials[2].name", "materials[2].form", "materials[2].copies"} <= set(got)


def test_case2_instant_item_is_promised_zero_days(actor, center):
    with pytest.raises(RuleViolation):
        catalog.save_item(actor, center, "SJ-005", "x", "SJ", instant=True, promised_days=3, statutory_days=5)


def test_unknown_department(actor, center):
    with pytest.raises(RuleViolation) as e:
        catalog.save_item(actor, center, "XX-001", "x", "XX")
    assert "unknown department" in e.value.as_dict()["department"][0]
