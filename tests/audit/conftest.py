from __future__ import annotations

import pytest

from servicehall.org import services as org
from servicehall.org.models import Staff
from tests.conftest import PASSWORD


@pytest.fixture
def clerk(actor, center):
    return org.create_account(actor, Staff.objects.get(code="S001"), "zhangsan", PASSWORD)


@pytest.fixture
def auditor(actor, center):
    """孙审计 (S950), the center's audit administrator (三员分立)."""
    staff = org.save_staff(actor, center, "S950", "孙审计", "ZX", roles=["audit_admin"])
    return org.create_account(actor, staff, "shenji", PASSWORD)
