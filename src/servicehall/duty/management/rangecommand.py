"""The duty listings' command shape (SCENARIO.md): ``--center C --from D --to D [--json]``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from servicehall.commandbase import ServicehallCommand, parse_date
from servicehall.org.services import get_center


class CenterRangeCommand(ServicehallCommand):
    """``--center C --from D --to D [--json]``: the rows of a center's date range, as JSON or one line each
    (SCENARIO.md's listing commands). A command gives ``rows`` and ``line``."""

    def add_arguments(self, parser):
        parser.add_argument("--center", required=True)
        parser.add_argument("--from", dest="first", required=True)
        parser.add_argument("--to", dest="last", required=True)
        parser.add_argument("--json", action="store_true")

    def rows(self, center: Any, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
        raise NotImplementedError

    def line(self, row: dict[str, Any]) -> str:
        raise NotImplementedError

    def handle(self, *args, **opts):
        rows = self.rows(get_center(opts["center"]), parse_date(opts["first"], "from"), parse_date(opts["last"], "to"))
        if opts["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for r in rows:
            self.stdout.write(self.line(r))
