"""``servicehall deadline --accepted D --days N [--corrected C] [--paused S:E]… [--extended M]`` (SCENARIO.md)."""

from __future__ import annotations

from django.core.management.base import CommandError

from servicehall.commandbase import ServicehallCommand, parse_date
from servicehall.org.calendar import get_calendar
from servicehall.org.services import get_center
from servicehall.rules.deadlines import CaseClock, due_date


class Command(ServicehallCommand):
    help = "A case's due date by hand: the same clock that cases use (CASE-5, CASE-6, CASE-13)."

    def add_arguments(self, parser):
        parser.add_argument("--accepted", required=True)
        parser.add_argument("--days", type=int, required=True)
        parser.add_argument("--corrected")
        parser.add_argument("--paused", action="append", default=[], help="S:E, working days not counted")
        parser.add_argument("--extended", type=int, default=0)
        parser.add_argument("--center")

    def handle(self, *args, **opts):
        if opts["days"] < 0 or opts["extended"] < 0:
            raise CommandError("days and extended are 0 or more working days", returncode=2)
        paused = []
        for span in opts["paused"]:
            first, sep, last = span.partition(":")
            if not sep:
                raise CommandError(f"paused: {span!r} is not S:E", returncode=2)
            s, e = parse_date(first, "paused"), parse_date(last, "paused")
            if e < s:
                raise CommandError(f"paused: {span} ends before it starts", returncode=2)
            paused.append((s, e))
        clock = CaseClock(parse_date(opts["accepted"], "accepted"), opts["days"],
                          parse_date(opts["corrected"], "corrected") if opts["corrected"] else None,
                          tuple(paused), opts["extended"])
        cal = get_calendar(get_center(opts["center"]) if opts["center"] else None)
        self.stdout.write(due_date(cal, clock).isoformat())
