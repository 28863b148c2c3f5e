"""The national carbon market's published totals (``data/context/carbon_market.csv``): outside data, with the
address and grade of each statement, behind the default carbon price of the innovation chapter."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.datasets.csv_rows import Column, read_csv_rows
from analysis.datasets.provenance import PROVENANCE_COLUMNS, provenance_problems, sourced_number
from analysis.errors import DataError, Problem
from analysis.paths import CARBON_MARKET, relative

CARBON_COLUMNS: tuple[Column, ...] = (
    Column("period", "what the totals cover"),
    Column("turnover_yuan", "成交额 in yuan, a positive number"),
    Column("volume_tonnes", "成交量 in tonnes, a positive number"),
    Column("close_yuan_per_tonne", "the period's closing price in 元/吨, or empty"),
    *PROVENANCE_COLUMNS,
)


@dataclass(frozen=True)
class CarbonStatement:
    """One published statement of the national carbon market's (全国碳市场, allowances CEA) trading."""

    period: str
    turnover_yuan: float
    volume_tonnes: float
    close_yuan_per_tonne: float | None
    publisher: str
    title: str
    url: str
    dated: str
    excerpt: str
    grade: str

    @property
    def note(self) -> str:
        return f"year-end close {self.close_yuan_per_tonne:g}元/吨" if self.close_yuan_per_tonne else ""


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


def _read(path: Path) -> tuple[list[CarbonStatement], list[Problem]]:
    rows, problems = read_csv_rows(path, CARBON_COLUMNS)
    name = relative(path)
    statements = []
    for line, row in rows:
        bad = [Problem(name, line, c.name, f"is empty; expected {c.meaning}") for c in CARBON_COLUMNS
               if not row[c.name] and c.name != "close_yuan_per_tonne"]
        bad += provenance_problems(row, name, line)
        numbers = {}
        for col in ("turnover_yuan", "volume_tonnes", "close_yuan_per_tonne"):
            if row[col]:
                numbers[col], found = sourced_number(row, col, name, line)
                bad += found
        problems += bad
        if not bad:
            statements.append(CarbonStatement(row["period"], numbers["turnover_yuan"], numbers["volume_tonnes"],
                                              numbers.get("close_yuan_per_tonne"), row["publisher"],
                                              row["source_title"], row["source_url"], row["dated"],
                                              row["excerpt"], row["grade"]))
    return statements, problems


def validate_carbon_market(path: Path = CARBON_MARKET) -> list[Problem]:
    return _read(path)[1]


def carbon_statements(path: Path = CARBON_MARKET) -> list[CarbonStatement]:
    """The validated statements, in the file's order."""
    statements, problems = _read(path)
    if problems:
        raise DataError(problems)
    return statements


def average_price(statements: Sequence[CarbonStatement]) -> float:
    """Average price over the statements' periods, yuan per tonne: summed turnover / summed volume."""
    return sum(s.turnover_yuan for s in statements) / sum(s.volume_tonnes for s in statements)


def year_end_close(statements: Sequence[CarbonStatement]) -> float:
    """The last closing price the statements give."""
    closes = [s.close_yuan_per_tonne for s in statements if s.close_yuan_per_tonne]
    if not closes:
        raise DataError([Problem(relative(CARBON_MARKET), None, "close_yuan_per_tonne",
                                 "no row gives a closing price")])
    return closes[-1]


