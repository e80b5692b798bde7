"""Domain errors: a refusal names the field, the value and the rule, and nothing is written."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One reason a write is refused: where (a field or JSON path) and why (with the rule id).

    ``Problem.of(field, "text with %(name)s", name=value)`` keeps the fixed text apart from the values, so a
    page can show it translated; ``message`` is always the English text with the values in it.
    """

    field: str
    message: str
    template: str = ""
    params: tuple = ()

    @classmethod
    def of(cls, field: str, template: str, **params) -> Problem:
        return cls(field, template % params, template, tuple(params.items()))

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"

    def localized(self) -> str:
        """For pages: the message in the reader's language when the catalog has it (the field stays as named,
        so the reader can find it); commands and the API keep the English text."""
        from django.utils.translation import gettext

        if self.template:
            return f"{self.field}: {gettext(self.template) % dict(self.params)}"
        return f"{self.field}: {gettext(self.message)}"


def shown(problem) -> str:
    """A problem as a page shows it."""
    return problem.localized() if isinstance(problem, Problem) else str(problem)


class RuleViolation(ValueError):
    """Raised by service functions; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | Problem | str, field: str = "__all__"):
        if isinstance(problems, str):
            problems = [Problem(field, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    def as_dict(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for p in self.problems:
            out.setdefault(p.field, []).append(p.message)
        return out


def check_phone(value: str, problems: list[Problem], field: str = "phone", required: bool = True) -> str:
    """The normalised phone, or the problem added under ``field``; an empty optional phone stays empty."""
    from servicehall.rules.identity import validate_phone

    if not value and not required:
        return value
    try:
        return validate_phone(value)
    except ValueError as exc:
        problems.append(Problem(field, str(exc)))
        return value
