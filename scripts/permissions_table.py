"""The README's table of who may do what (SEC-5), generated from the one permission table.

    python scripts/permissions_table.py           # print the Markdown block
    python scripts/permissions_table.py --write   # rewrite it in README.md between the markers
    python scripts/permissions_table.py --check   # exit 1 when README.md's block differs

The block lists every action of ``servicehall.org.permissions`` (``table_rows()``): what it means in words,
the roles that may do it with their widest scope, and the device kinds, all in Chinese as the pages say
them. ``tests/org/test_readme_table.py`` fails when the README and the table drift apart.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

START = "<!-- permissions:start -->"
END = "<!-- permissions:end -->"
README = Path(__file__).resolve().parent.parent / "README.md"

# Scope names of org.permissions.Scope in words, narrowest first.
SCOPE_WORDS = {"self": "本人", "window": "本窗口", "department": "本部门", "center": "本中心", "county": "所辖中心"}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def block() -> str:
    """The Markdown block, markers included, from the permission table as it is now."""
    from django.utils import translation

    from servicehall.core.models import DeviceKind
    from servicehall.org.choices import Role
    from servicehall.org.permissions import table_rows

    order = {role.value: i for i, role in enumerate(Role)}
    lines = [START, "", "| 操作 | 含义 | 角色（最大范围） | 设备 |", "| --- | --- | --- | --- |"]
    with translation.override("zh-hans"):
        for action, label, roles, kinds in table_rows():
            who = "；".join(f"{Role(role).label} ({role})：{SCOPE_WORDS[scope]}"
                           for role, scope in sorted(roles, key=lambda rs: order[rs[0]]))
            devices = "、".join(f"{DeviceKind(kind).label} ({kind})" for kind in kinds)
            lines.append(f"| `{action}` | {_cell(label)} | {_cell(who) or '—'} | {_cell(devices) or '—'} |")
    lines += ["", END]
    return "\n".join(lines)


def readme_block(text: str) -> str | None:
    """The README's current block, markers included; None when the markers are missing."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        return None
    return text[start:end + len(END)]


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicehall.settings")
    import django

    django.setup()
    fresh = block()
    if not argv:
        print(fresh)
        return 0
    text = README.read_text(encoding="utf-8")
    current = readme_block(text)
    if current is None:
        print(f"README.md has no {START} … {END} block", file=sys.stderr)
        return 2
    if argv[0] == "--check":
        if current != fresh:
            print("README.md's permissions table differs: run python scripts/permissions_table.py --write",
                  file=sys.stderr)
            return 1
        return 0
    if argv[0] == "--write":
        if current != fresh:
            README.write_text(text.replace(current, fresh), encoding="utf-8")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
