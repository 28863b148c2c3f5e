"""Single outside figures the chapters use beside the report (``data/context/outside_figures.csv``): an area a
description gives for a place the report names, a national goal a chapter compares with. Each row carries its
definition, publisher, title, address, date, the words that print it and the grade of its page; the value must
stand in those words. Such figures enter ratios only as approximate figures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.datasets.csv_rows import Column, read_csv_rows
from analysis.datasets.provenance import PROVENANCE_COLUMNS, provenance_problems, sourced_number
from analysis.errors import DataError, Problem
from analysis.paths import OUTSIDE_FIGURES, relative

OUTSIDE_COLUMNS: tuple[Column, ...] = (
    Column("key", "a snake_case name the code asks for"),
    Column("value", "the figure as the source gives it"),
    Column("unit", "its unit"),
    Column("definition", "what the figure covers, as the source bounds it"),
    *PROVENANCE_COLUMNS,
    Column("note", "other sources, and what is missing", optional=True),
)


@dataclass(frozen=True)
class SourcedFigure:
    key: str
    value: float
    unit: str
    definition: str
    publisher: str
    source_title: str
    source_url: str
    dated: str
    excerpt: str
    grade: str


def _read(path: Path) -> tuple[list[SourcedFigure], list[Problem]]:
    rows, problems = read_csv_rows(path, OUTSIDE_COLUMNS)
    name = relative(path)
    figures = []
    seen: set[str] = set()
    for line, row in rows:
        bad = provenance_problems(row, name, line)
        if row["key"] in seen:
            bad.append(Problem(name, line, "key", f"duplicate key {row['key']!r}"))
        seen.add(row["key"])
        value, found = sourced_number(row, "value", name, line)
        bad += found
        problems += bad
        if not bad:
            figures.append(SourcedFigure(row["key"], value, row["unit"], row["definition"], row["publisher"],
                                          row["source_title"], row["source_url"], row["dated"], row["excerpt"],
                                          row["grade"]))
    return figures, problems


def validate_outside_figures(path: Path = OUTSIDE_FIGURES) -> list[Problem]:
    return _read(path)[1]


def outside_figures(path: Path = OUTSIDE_FIGURES) -> list[SourcedFigure]:
    """The validated rows."""
    figures, problems = _read(path)
    if problems:
        raise DataError(problems)
    return figures


def outside_figure(key: str, path: Path = OUTSIDE_FIGURES) -> SourcedFigure:
    """One figure by its key; an error naming the file when it has none."""
    for f in outside_figures(path):
        if f.key == key:
            return f
    raise DataError([Problem(relative(path), None, "key", f"no row for {key!r}")])
