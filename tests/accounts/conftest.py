from __future__ import annotations

import pytest

from servicehall.org import services as org
from servicehall.org.models import Staff
from tests.conftest import PASSWORD


@pytest.fixture
def clerk(actor, center):
    """张三 (S001), a window clerk, with an account a setup job made (nothing to change at first login)."""
    return org.create_account(actor, Staff.objects.get(code="S001"), "zhangsan", PASSWORD)
