"""SEC-5: the README's table of roles and scopes is the permission table, never a copy that drifts."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from servicehall.org import permissions
from servicehall.org.choices import Role

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "permissions_table.py"


@pytest.fixture(scope="module")
def table():
    spec = importlib.util.spec_from_file_location("permissions_table", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_block_is_generated_from_the_permission_table(table):
    current = table.readme_block(table.README.read_text(encoding="utf-8"))
    assert current is not None, "README.md lacks the permissions block"
    assert current == table.block(), "README.md's table differs: run python scripts/permissions_table.py --write"


def test_every_action_and_device_kind_is_in_the_block(table):
    text = table.block()
    for action in set(permissions.TABLE) | set(permissions.DEVICE_TABLE):
        assert f"| `{action}` |" in text
    assert "中心管理办公室 (office)：本中心" in text
    assert "窗口工作站 (workstation)" in text and "评价器 (pad)" in text
    assert "所辖中心" in text


def test_a_change_in_the_table_shows_as_a_difference(table, monkeypatch):
    before = table.block()
    monkeypatch.setitem(permissions.TABLE, "org.edit", {**permissions.TABLE["org.edit"],
                                                        Role.OFFICE: permissions.Scope.CENTER})
    assert table.block() != before
