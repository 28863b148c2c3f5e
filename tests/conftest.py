"""Shared fixtures: the parsed report, and copies of the data files that a test may break."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.paths import INDICATORS
from analysis.report.text import Report, load_report


@pytest.fixture(scope="session")
def report() -> Report:
    return load_report()


def read_table(path: Path) -> list[list[str]]:
    """A CSV file as rows of fields, header first."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_table(path: Path, rows: list[list[str]]) -> Path:
    """Rows written one per line (no field holds a line break), so row i stands on line i + 1."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


@pytest.fixture
def edited_indicators(tmp_path: Path) -> Callable[..., tuple[Path, int]]:
    """Write a copy of data/indicators.csv with one cell changed; returns the copy and the row's line number."""

    def edit(row_id: str, column: str, value: str) -> tuple[Path, int]:
        rows = read_table(INDICATORS)
        header = rows[0]
        index = next(i for i, row in enumerate(rows) if row[0] == row_id)
        rows[index][header.index(column)] = value
        return write_table(tmp_path / "indicators.csv", rows), index + 1

    return edit


def context_csv(path: Path, rows: list[tuple[str, ...]]) -> Path:
    """A context-series file of rows (year, indicator, value, unit, status, excerpt[, title[, dated]]); the other
    provenance columns get plausible placeholders (an address, a date at the end of the year, grade official)."""
    from analysis.datasets.context_series import CONTEXT_COLUMNS

    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow([c.name for c in CONTEXT_COLUMNS])
        for year, indicator, value, unit, status, excerpt, *more in rows:
            title = more[0] if more and more[0] else "t"
            dated = more[1] if len(more) > 1 else f"{year}-12"
            writer.writerow([year, indicator, value, unit, status, "p", title, "http://example.org/page", dated,
                             excerpt, "official", ""])
    return path
