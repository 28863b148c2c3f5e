"""The indicator table: every quantitative claim of the report, loaded and validated against its schema.

Validation collects every problem before failing, and each problem names the file, the line, the column,
what was expected and what was found.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import DataError, Problem, SourceError
from analysis.inputs import record_read
from analysis.paths import EXCLUSIONS, INDICATORS, relative
from analysis.quantities import (
    BASE_UNITS,
    NUMERAL,
    QuantityError,
    find_quantities,
    parse_qualifier,
    parse_quantity,
)
from analysis.source import SECTION_BY_HEADING, Report, load_report, read_text_strict

KINDS = ("level", "growth", "share", "rank", "count", "cumulative", "multiple", "target")


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    allowed: tuple[str, ...] | None = None


INDICATOR_COLUMNS: tuple[Column, ...] = (
    Column("id", "unique snake_case identifier"),
    Column("section", "the report's own heading of the section the quote stands in"),
    Column("quote", "the shortest exact substring of the report that states the number"),
    Column("value", "the number in base units (yuan, persons, m², …; percent points; the rank)"),
    Column("unit", "base unit", BASE_UNITS),
    Column("unit_zh", "the unit as the report writes it (亿元, 万人, %)"),
    Column("qualifier", "exact, approx, over, near, expected, at_least; combined with '+'"),
    Column("period", "the year or span the number refers to"),
    Column("kind", "what sort of number it is", KINDS),
    Column("name_en", "English name"),
    Column("name_zh", "Chinese name"),
)
EXCLUSION_COLUMNS: tuple[Column, ...] = (
    Column("text", "an exact substring of the report; every occurrence is excluded"),
    Column("reason", "why these numerals are not quantities"),
)
MAX_BYTES = 5_000_000  # a data file larger than this is a mistake, not a data set


def read_csv_rows(path: Path, columns: tuple[Column, ...]) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """Rows with their line numbers, or the problems that stop reading (encoding, header)."""
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


def _validate_indicator(line: int, row: dict[str, str], report: Report, name: str) -> list[Problem]:
    out: list[Problem] = []

    def bad(column: str, message: str) -> None:
        out.append(Problem(name, line, column, message))

    for col in INDICATOR_COLUMNS:
        if not row[col.name]:
            bad(col.name, f"is empty; expected {col.meaning}")
        elif col.allowed and row[col.name] not in col.allowed:
            bad(col.name, f"found {row[col.name]!r}; expected one of {', '.join(col.allowed)}")
    if out:
        return out
    try:
        value = float(row["value"])
        if not math.isfinite(value):
            raise ValueError
    except ValueError:
        bad("value", f"found {row['value']!r}; expected a finite number in base units")
        return out
    try:
        qualifiers = parse_qualifier(row["qualifier"])
    except QuantityError as err:
        bad("qualifier", str(err))
        return out
    section = SECTION_BY_HEADING.get(row["section"])
    if section is None:
        bad("section", f"found {row['section']!r}; expected one of the report's headings: "
                       f"{', '.join(SECTION_BY_HEADING)}")
    try:
        where = report.locate(row["quote"])
    except SourceError as err:
        bad("quote", str(err))
        return out
    if section and where.section != section.key:
        found = next((s.heading for s in SECTION_BY_HEADING.values() if s.key == where.section), where.section)
        bad("section", f"the quote stands in section {found!r}, not {row['section']!r}")
    try:
        q = parse_quantity(row["quote"])
    except QuantityError as err:
        bad("quote", str(err))
        return out
    if not math.isclose(q.value, value, rel_tol=1e-9) and not (q.unit is None and _unit_free_match(q, value)):
        bad("value", f"found {row['value']}; the quote {row['quote']!r} says {q.value:.15g} {q.unit or ''}".rstrip())
    if q.unit and q.unit != row["unit"] and not (q.unit == "count" and row["unit"] in ("persons", "rank")):
        bad("unit", f"found {row['unit']!r}; the quote {row['quote']!r} is in {q.unit!r}")
    stated = q.qualifiers - {"expected"}
    if stated != qualifiers - {"expected"}:
        bad("qualifier", f"found {row['qualifier']!r}; the quote {row['quote']!r} says {q.qualifier!r}")
    sentence = report.sentence(where.start, where.end)
    if "expected" in qualifiers and "预计" not in sentence:
        bad("qualifier", f"says 'expected' but no 预计 governs the sentence {sentence!r}")
    if "expected" in q.qualifiers and "expected" not in qualifiers:
        bad("qualifier", f"lacks 'expected' though the quote {row['quote']!r} says 预计")
    elif ("expected" not in qualifiers and row["kind"] in ("level", "growth")
          and "预计" in sentence[: max(sentence.find(row["quote"]), 0)]):
        bad("qualifier", f"lacks 'expected' though 预计 governs the sentence {sentence!r}")
    return out


def _unit_free_match(q, value: float) -> bool:
    """A quote without a unit word (扩面2.4万): its number times magnitude is the value."""
    return math.isclose(q.number * q.magnitude, value, rel_tol=1e-9)


def validate_indicators(path: Path = INDICATORS, report: Report | None = None) -> list[Problem]:
    report = report or load_report()
    rows, problems = read_csv_rows(path, INDICATOR_COLUMNS)
    name = relative(path)
    seen: dict[str, int] = {}
    for line, row in rows:
        if row["id"] in seen:
            problems.append(Problem(name, line, "id", f"duplicate id {row['id']!r} (first on line {seen[row['id']]})"))
        else:
            seen[row["id"]] = line
        problems.extend(_validate_indicator(line, row, report, name))
    return problems


def validate_exclusions(path: Path = EXCLUSIONS, report: Report | None = None) -> list[Problem]:
    report = report or load_report()
    rows, problems = read_csv_rows(path, EXCLUSION_COLUMNS)
    name = relative(path)
    for line, row in rows:
        if not row["text"] or not row["reason"]:
            problems.append(Problem(name, line, "text" if not row["text"] else "reason", "is empty"))
        elif not report.occurrences(row["text"]):
            problems.append(Problem(name, line, "text", f"{row['text']!r} is not in the report"))
    return problems


def coverage_masks(report: Report, indicators: Path = INDICATORS,
                   exclusions: Path = EXCLUSIONS) -> tuple[bytearray, bytearray]:
    """Per character of the report: inside an indicator quote, and inside an exclusion (1 = yes)."""
    masks = []
    for path, columns, key in ((indicators, INDICATOR_COLUMNS, "quote"), (exclusions, EXCLUSION_COLUMNS, "text")):
        mask = bytearray(len(report.text))
        for _, row in read_csv_rows(path, columns)[0]:
            for start in report.occurrences(row[key]):
                mask[start:start + len(row[key])] = b"\x01" * len(row[key])
        masks.append(mask)
    return masks[0], masks[1]


def uncovered_numerals(report: Report | None = None, indicators: Path = INDICATORS,
                       exclusions: Path = EXCLUSIONS) -> list[tuple[int, str, str]]:
    """Numerals of the report covered neither by an indicator quote nor by an exclusion.

    Returns (offset, numeral, context) for each uncovered numeral.
    """
    report = report or load_report()
    in_quote, in_exclusion = coverage_masks(report, indicators, exclusions)
    covered = bytearray(a | b for a, b in zip(in_quote, in_exclusion, strict=True))
    missing = []
    for m in NUMERAL.finditer(report.text):
        if not all(covered[m.start():m.end()]):
            missing.append((m.start(), m.group(), report.text[max(0, m.start() - 8):m.end() + 8]))
    return missing


def load_indicators(path: Path = INDICATORS) -> pd.DataFrame:
    """The validated indicator table, one row per claim, with the section key and the quote's raw offset."""
    report = load_report()
    problems = validate_indicators(path, report)
    if problems:
        raise DataError(problems)
    rows = [row for _, row in read_csv_rows(path, INDICATOR_COLUMNS)[0]]
    df = pd.DataFrame(rows)
    df["value"] = df["value"].astype(float)
    locations = [report.locate(q) for q in df["quote"]]
    df["section_key"] = [loc.section for loc in locations]
    df["offset"] = [loc.raw_start for loc in locations]
    df["paragraph"] = [loc.paragraph + 1 for loc in locations]
    df["display"] = [_display(row) for row in df.itertuples()]
    return df.set_index("id", drop=False)


def _display(row) -> str:
    """The number as the report writes it, with its qualifier word: 超2.2万亿元, 6.5%左右."""
    return find_quantities(row.quote)[0].phrase


__all__ = ["load_indicators", "uncovered_numerals", "validate_exclusions", "validate_indicators"]
