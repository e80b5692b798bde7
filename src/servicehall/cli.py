"""The ``servicehall`` command: Django management under one name.

``servicehall workdays add 2026-09-29 5``, ``servicehall demo``,
``servicehall migrate``, ``servicehall runserver`` …
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicehall.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["servicehall", *args])


if __name__ == "__main__":
    main()
