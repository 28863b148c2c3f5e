"""Where an outside figure comes from: the columns every outside data file shares, and their checks.

Every figure from outside the report carries its publisher, the title and address of the page it was read
from, the date of the text, the verbatim words that state it, and a grade of how authoritative that page is.
The grade is the page's, not the figure's: a ministry's number copied onto a content farm is ``unofficial``
until the ministry's own page is found.
"""

from __future__ import annotations

import re

from analysis.datasets.csv_rows import Column, cell_problems
from analysis.errors import Problem

GRADES = ("official", "official-secondary", "unofficial")
GRADE_MEANING = {
    "official": "a government or statistics-bureau publication, on its own site",
    "official-secondary": "state media (新华社, 人民日报, 长江日报, 湖北日报…) quoting an official body",
    "unofficial": "anything else: a copy, a repost, a content site — shown as unofficial wherever it is used",
}
PROVENANCE_COLUMNS: tuple[Column, ...] = (
    Column("publisher", "who published the text (and, for a copy, who the text quotes)"),
    Column("source_title", "the title of the page the figure was read from"),
    Column("source_url", "the page's address (http:// or https://)"),
    Column("dated", "the date of the text, YYYY-MM-DD or YYYY-MM: when it was written or delivered where "
                    "known (a report to the people's congress: the session), else when it was published"),
    Column("excerpt", "the exact words that state the figure, as the page prints them"),
    Column("grade", "; ".join(f"{k} = {v}" for k, v in GRADE_MEANING.items()), GRADES),
)
URL = re.compile(r"https?://[^\s/]+\.[\x21-\x7e]+")  # ASCII only: the PDF sets addresses in a Latin font
DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def dated_month(dated: str) -> tuple[int, int]:
    """(year, month) of a ``dated`` value."""
    m = DATE.fullmatch(dated)
    if not m:
        raise ValueError(f"found {dated!r}; expected YYYY-MM-DD or YYYY-MM")
    return int(m.group(1)), int(m.group(2))


def provenance_problems(row: dict[str, str], name: str, line: int) -> list[Problem]:
    """Problems of a row's provenance columns: each required, the address and date well formed."""
    out = [Problem(name, line, c.name, f"is empty; expected {c.meaning}") for c in PROVENANCE_COLUMNS
           if not row[c.name]]
    if row["grade"] and row["grade"] not in GRADES:
        out.append(Problem(name, line, "grade", f"found {row['grade']!r}; expected one of {', '.join(GRADES)}"))
    if row["source_url"] and not URL.fullmatch(row["source_url"]):
        out.append(Problem(name, line, "source_url", f"found {row['source_url']!r}; expected an address starting "
                                                     "http:// or https://, in ASCII (percent-encode other "
                                                     "characters: 武昌 is %E6%AD%A6%E6%98%8C)"))
    if row["dated"]:
        try:
            _, month = dated_month(row["dated"])
            if not 1 <= month <= 12:
                raise ValueError(f"found {row['dated']!r}; month {month} is not a month")
        except ValueError as err:
            out.append(Problem(name, line, "dated", str(err)))
    return out


def row_problems(row: dict[str, str], columns: tuple[Column, ...], name: str, line: int) -> list[Problem]:
    """All declared checks of a row of an outside data file: its provenance, then its other cells."""
    others = tuple(c for c in columns if c not in PROVENANCE_COLUMNS)
    return provenance_problems(row, name, line) + cell_problems(row, others, name, line)


def printed_forms(value: float) -> list[str]:
    """How a source may print a value: in 亿, in 万 or as it is (2.12亿吨 for 212,000,000 t; 79.42)."""
    forms = [f"{value / 1e8:.4f}".rstrip("0").rstrip("."), f"{value / 1e4:.4f}".rstrip("0").rstrip("."),
             f"{value:.4f}".rstrip("0").rstrip(".")]
    return [f for f in dict.fromkeys(forms) if f not in ("0", "")]


def printed_in(value: float, excerpt: str) -> bool:
    """Whether the excerpt prints the value (thousands separators ignored), as a whole number, not inside one."""
    text = THOUSANDS.sub("", excerpt)
    return any(re.search(rf"(?<![\d.]){re.escape(form)}(?:0*)(?![\d])", text) for form in printed_forms(value))


def sourced_number(row: dict[str, str], column: str, name: str, line: int,
                   scale: float = 1.0) -> tuple[float | None, list[Problem]]:
    """A positive number of a row that its excerpt must print: the number, or None with the problems."""
    import math

    try:
        value = float(row[column])
        if not math.isfinite(value) or value <= 0:
            raise ValueError
    except ValueError:
        return None, [Problem(name, line, column, f"found {row[column]!r}; expected a positive number")]
    # scale: the value's unit in base units (1e8 for 亿元), so that 137.116亿元 is also found as 1,371,160万元
    if row["excerpt"] and not printed_in(value * scale, row["excerpt"]):
        forms = ", ".join(printed_forms(value * scale))
        return None, [Problem(name, line, "excerpt", f"does not print the {column} {row[column]}; expected it in "
                                                     f"the excerpt as the source writes it ({forms})")]
    return value, []
