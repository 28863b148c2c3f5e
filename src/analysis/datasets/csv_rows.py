"""Reading a data file of the project: a CSV with a declared header, every row with its line number.

Reading never stops at the first problem: the caller gets the rows it could read and the problems that
stopped the rest, each naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import Problem, SourceError
from analysis.paths import in_project, relative
from analysis.read_log import record_read
from analysis.report.text import read_text_strict


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    allowed: tuple[str, ...] | None = None
    optional: bool = False  # may be left empty


MAX_BYTES = 5_000_000  # a data file larger than this is a mistake, not a data set


def read_csv_rows(path: Path, columns: tuple[Column, ...]) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Rows with their line numbers, or the problems that stop reading (encoding, header)."""
    path = in_project(path)  # a path given relative to the project, from whatever folder the kernel runs in
    name = relative(path)
    if not Path(path).exists():
        return [], [Problem(name, None, None, "file not found")]
    size = Path(path).stat().st_size
    if size > MAX_BYTES:
        return [], [Problem(name, None, None, f"file is {size:,} bytes; expected at most {MAX_BYTES:,}")]
    try:
        text = read_text_strict(path)
    except SourceError as err:
        return [], [Problem(name, None, None, str(err).split(": ", 1)[-1])]
    if not text.strip():
        return [], [Problem(name, None, None, "file is empty; expected a header row and data rows")]
    record_read(path)
    # newline="": CR, LF and CRLF line ends read alike, and a quoted field may hold a line break.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = [(reader.line_num, record) for record in reader]
    except csv.Error as err:
        return [], [Problem(name, reader.line_num, None, f"not readable as CSV ({err}); expected comma-separated "
                            "fields, text with commas or line breaks inside double quotes")]
    header = records[0][1]
    expected = [c.name for c in columns]
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        detail = []
        if missing:
            detail.append(f"missing {', '.join(missing)}")
        if extra:
            detail.append(f"unexpected {', '.join(extra)}")
        if not detail:
            detail.append("columns out of order")
        return [], [Problem(name, 1, None, f"header is {','.join(header)}; expected {','.join(expected)} "
                            f"({'; '.join(detail)})")]
    rows = []
    problems = []
    for line, record in records[1:]:
        if not record:
            continue
        if len(record) != len(expected):
            problems.append(Problem(name, line, None, f"{len(record)} fields; expected {len(expected)}"))
            continue
        rows.append((line, dict(zip(expected, (v.strip() for v in record), strict=True))))
    if not rows and not problems:
        problems.append(Problem(name, None, None, "no data rows"))
    return rows, problems


def cell_problems(row: dict[str, str], columns: tuple[Column, ...], name: str, line: int) -> list[Problem]:
    """A row's cells against their declaration: a required cell filled, a cell with a list of values one of them."""
    out = []
    for col in columns:
        value = row[col.name]
        if not value and not col.optional:
            out.append(Problem(name, line, col.name, f"is empty; expected {col.meaning}"))
        elif value and col.allowed and value not in col.allowed:
            out.append(Problem(name, line, col.name, f"found {value!r}; expected one of {', '.join(col.allowed)}"))
    return out
