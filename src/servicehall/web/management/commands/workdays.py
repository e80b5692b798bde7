"""``servicehall workdays is|add|between`` — the working-day calendar by hand (CASE-5, SCENARIO.md)."""

from __future__ import annotations

from django.core.management.base import CommandError

from servicehall.commandbase import ServicehallCommand, parse_date
from servicehall.org.calendar import get_calendar
from servicehall.org.services import get_center


class Command(ServicehallCommand):
    help = "Working days: 'is DATE', 'add DATE N', 'between FIRST LAST' (CASE-5)."

    def add_arguments(self, parser):
        parser.add_argument("--center", help="apply this center's local days")
        sub = parser.add_subparsers(dest="op", required=True)
        p = sub.add_parser("is", help="prints workday or holiday")
        p.add_argument("date")
        p = sub.add_parser("add", help="the Nth working day after DATE (DATE not counted)")
        p.add_argument("date")
        p.add_argument("n", type=int)
        p = sub.add_parser("between", help="working days in (FIRST, LAST]")
        p.add_argument("first")
        p.add_argument("last")

    def handle(self, *args, **opts):
        center = get_center(opts["center"]) if opts.get("center") else None
        cal = get_calendar(center)
        op = opts["op"]
        if op == "is":
            day = parse_date(opts["date"], "date")
            self.stdout.write("workday" if cal.is_workday(day) else "holiday")
        elif op == "add":
            if opts["n"] < 0:
                raise CommandError("n: must be 0 or more working days", returncode=2)
            self.stdout.write(cal.add_workdays(parse_date(opts["date"], "date"), opts["n"]).isoformat())
        else:
            first, last = parse_date(opts["first"], "first"), parse_date(opts["last"], "last")
            self.stdout.write(str(cal.workdays_between(first, last)))
