"""Errors a person can act on: each names the file, the place and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


class BookError(Exception):
    """Base class for errors that stop the build with a message for a person."""


class SourceError(BookError):
    """The report text or a quote into it is not as expected."""


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
        if self.column:
            place += f": column '{self.column}'"
        return f"{place}: {self.message}"


class DataError(BookError):
    """One or more data files failed validation."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the data:\n{shown}{more}")


class ParameterError(BookError):
    """A chapter parameter was refused before any kernel started."""
