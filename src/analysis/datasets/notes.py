"""The report's textual defects: the notes a reader gets on the source-notes page, validated against the text.

Defects are data (``data/source_notes.csv``): each row quotes the exact passage, says what is wrong and how
the book treats it. Layout breaks are not typed in by hand; ``analysis.report.text`` finds them, and they are
added here so the page lists both. Punctuation widths are counted from the file, not asserted. The certain
corrections (``READINGS``) are applied where words are counted, never to quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.datasets.csv_rows import Column, read_csv_rows
from analysis.errors import DataError, Problem
from analysis.paths import SOURCE_NOTES, relative
from analysis.report.text import SECTION_BY_KEY, Report, load_report

KINDS: tuple[str, ...] = (
    "typo",
    "duplicated word",
    "redundant word",
    "garbled phrase",
    "missing word",
    "mixed script",
    "traditional characters",
    "punctuation",
    "layout break",
    "unclear name",
)
NOTE_COLUMNS: tuple[Column, ...] = (
    Column("id", "unique identifier: lower-case letters, digits and hyphens"),
    Column("passage", "the exact passage of the raw report (unique in it)"),
    Column("kind", "what sort of defect", KINDS),
    Column("problem", "what is wrong, in English ('possible' when unsure)"),
    Column("treatment", "how the book treats it, in English"),
)
# Where a detected layout break comes from, as the notes table says it.
DETECTED = "found by analysis.report.text"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Readings used where words are counted (never in quotes, which stay verbatim). Only corrections that are
# certain: each key is a passage of the report listed in source_notes.csv, each value how it is read.
READINGS: dict[str, str] = {
    "信心 and 底气": "信心和底气",
    "外贸外贸": "外贸",
    "交通運輸": "交通运输",
    "“三”功能区": "三大功能区",
}

# Punctuation marks that Chinese typesetting sets full-width, with the half-width form the file may use.
PUNCTUATION_PAIRS: tuple[tuple[str, str, str], ...] = (  # escapes: the two widths look alike in most fonts
    ("comma 逗号", ",", "\uff0c"),
    ("full stop 句号", ".", "\u3002"),
    ("semicolon 分号", ";", "\uff1b"),
    ("colon 冒号", ":", "\uff1a"),
    ("left parenthesis 左括号", "(", "\uff08"),
    ("right parenthesis 右括号", ")", "\uff09"),
    ("exclamation mark 叹号", "!", "\uff01"),
    ("question mark 问号", "?", "\uff1f"),
)


def validate_source_notes(path: Path = SOURCE_NOTES, report: Report | None = None) -> list[Problem]:
    """Every problem of the notes file: empty cells, unknown kinds, duplicate ids, passages not in the report."""
    report = report or load_report()
    rows, problems = read_csv_rows(path, NOTE_COLUMNS)  # records the read for the build's cache
    name = relative(path)
    seen: dict[str, int] = {}
    for line, row in rows:
        for col in NOTE_COLUMNS:
            if not row[col.name]:
                problems.append(Problem(name, line, col.name, f"is empty; expected {col.meaning}"))
            elif col.allowed and row[col.name] not in col.allowed:
                problems.append(Problem(name, line, col.name,
                                        f"found {row[col.name]!r}; expected one of {', '.join(col.allowed)}"))
        ident = row["id"]
        if ident and not ID_PATTERN.match(ident):
            problems.append(Problem(name, line, "id", f"found {ident!r}; expected lower-case words joined by '-'"))
        if ident in seen:
            problems.append(Problem(name, line, "id", f"duplicate id {ident!r} (first on line {seen[ident]})"))
        elif ident:
            seen[ident] = line
        passage = row["passage"]
        if passage:
            count = _count(report.raw, passage)
            if count == 0:
                hint = _closest(report.raw, passage)
                problems.append(Problem(name, line, "passage", f"{passage!r} is not in {relative(report.path)}{hint}"))
            elif count > 1:
                problems.append(Problem(name, line, "passage",
                                        f"{passage!r} occurs {count} times in the report; lengthen it to be unique"))
    return problems


def _count(text: str, passage: str) -> int:
    n, i = 0, text.find(passage)
    while i >= 0:
        n += 1
        i = text.find(passage, i + 1)
    return n


def _closest(text: str, passage: str) -> str:
    """Help for a passage that is not found: how much of its beginning is."""
    for n in range(len(passage) - 1, 1, -1):
        i = text.find(passage[:n])
        if i >= 0:
            return f"; its first {n} characters are (raw offset {i}), then {text[i + n:i + n + 3]!r}"
    return ""


def section_of_raw(report: Report, raw_offset: int) -> str:
    """The section key of the paragraph holding a raw offset; 'furniture' for banners and credits."""
    for p in report.paragraphs:
        if p.raw_start <= raw_offset < p.raw_end:
            return p.section if p.section and p.role != "furniture" else "furniture"
    return "furniture"


def section_label(key: str) -> str:
    if key == "furniture":
        return "page furniture (banners, credits)"
    spec = SECTION_BY_KEY[key]
    return f"{spec.heading} ({spec.name_en})"


def load_source_notes(path: Path = SOURCE_NOTES, report: Report | None = None) -> pd.DataFrame:
    """The validated notes, with where each passage stands (raw offset, section)."""
    report = report or load_report()
    problems = validate_source_notes(path, report)
    if problems:
        raise DataError(problems)
    rows = read_csv_rows(path, NOTE_COLUMNS)[0]
    df = pd.DataFrame([row for _, row in rows])
    df["line"] = [line for line, _ in rows]
    df["raw_offset"] = [report.raw.find(p) for p in df["passage"]]
    df["section"] = [section_of_raw(report, o) for o in df["raw_offset"]]
    df["origin"] = relative(path)
    return df


def layout_break_notes(report: Report | None = None) -> pd.DataFrame:
    """The layout breaks ``analysis.report.text`` found, as notes in the same shape as the CSV rows."""
    report = report or load_report()
    rows = []
    for i, b in enumerate(report.layout_breaks, start=1):
        rows.append({
            "id": f"layout-break-{i}",
            "passage": f"{b.before}⏎{b.after}",
            "kind": "layout break",
            "problem": "The paragraph stops mid-sentence and goes on after a blank line: a page or column break "
                       "of the print layout kept in the text.",
            "treatment": "Joined by analysis.report.text when the text is read (quotes may span it); the raw file is "
                         "unchanged and offsets into it are kept for citation.",
            "line": None,
            "raw_offset": b.raw_offset,
            "section": section_of_raw(report, b.raw_offset - 1),
            "origin": DETECTED,
        })
    return pd.DataFrame(rows)


def all_notes(path: Path = SOURCE_NOTES, report: Report | None = None) -> pd.DataFrame:
    """Notes from the CSV plus the detected layout breaks, in the order they stand in the report.

    A CSV row of kind 'layout break' that covers a detected break replaces it (no break is listed twice).
    """
    report = report or load_report()
    notes = load_source_notes(path, report)
    breaks = layout_break_notes(report)
    if not breaks.empty:
        manual = notes[notes["kind"] == "layout break"]
        covered = {b for b in breaks["raw_offset"]
                   for o, p in zip(manual["raw_offset"], manual["passage"], strict=True) if o <= b <= o + len(p)}
        breaks = breaks[~breaks["raw_offset"].isin(covered)]
        notes = pd.concat([notes, breaks], ignore_index=True)
    notes["section_label"] = notes["section"].map(section_label)
    return notes.sort_values("raw_offset", kind="stable").reset_index(drop=True)


def indicators_touching(notes: pd.DataFrame, ind: pd.DataFrame, report: Report) -> list[str]:
    """Indicator ids whose quote overlaps a noted passage in the raw text: numbers read from defective words."""
    spans = [(o, o + len(p)) for o, p in zip(notes["raw_offset"], notes["passage"], strict=True) if "⏎" not in p]
    spans += [(o - 1, o + 1) for o, p in zip(notes["raw_offset"], notes["passage"], strict=True) if "⏎" in p]
    out = []
    for ident, quote in zip(ind["id"], ind["quote"], strict=True):
        loc = report.locate(quote)
        if any(loc.raw_start < b and a < loc.raw_end for a, b in spans):
            out.append(ident)
    return out


@dataclass(frozen=True)
class PunctuationCount:
    mark: str
    half: str
    full: str
    half_count: int
    full_count: int


def punctuation_counts(text: str) -> list[PunctuationCount]:
    """How often each mark is set half-width and full-width.

    A half-width '.' or ',' between two digits is a decimal point or thousands separator, not punctuation,
    and is not counted.
    """
    out = []
    for mark, half, full in PUNCTUATION_PAIRS:
        half_count = sum(1 for m in re.finditer(re.escape(half), text) if not _between_digits(text, m.start()))
        out.append(PunctuationCount(mark, half, full, half_count, text.count(full)))
    return out


def _between_digits(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isascii() and text[i - 1].isdigit() and \
        text[i + 1].isascii() and text[i + 1].isdigit()


def reading_text(text: str) -> str:
    """The text with the certain corrections of READINGS applied, for counting words."""
    for passage, reading in READINGS.items():
        text = text.replace(passage, reading)
    return text
