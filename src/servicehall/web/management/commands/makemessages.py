"""``makemessages`` that also collects the fixed texts of rule problems — ``Problem(field, "…")`` and
``Problem.of(field, "… %(name)s …", name=…)`` — and of a pasted holiday notice's lines
(``ArrangementProblem(line, "…")``, the calendar page), so pages can show refusals in the reader's language
(``Problem.localized``)."""

from django.core.management.commands.makemessages import Command as MakeMessagesCommand


class Command(MakeMessagesCommand):
    xgettext_options = [*MakeMessagesCommand.xgettext_options, "--keyword=Problem:2", "--keyword=of:2", "--keyword=N_",
                        "--keyword=ArrangementProblem:2"]
