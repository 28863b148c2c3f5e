"""The report's textual defects: the notes a reader gets on the source-notes page, validated against the text.

Defects are data (``data/source_notes.csv``): each row quotes the exact passage, says what is wrong and how
the book treats it. Layout breaks are not typed in by hand; ``analysis.source`` finds them, and they are
added here so the page lists both. Punctuation widths are counted from the file, not asserted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import DataError, Problem
from analysis.indicators import Column, read_csv_rows
from analysis.paths import DATA, relative
from analysis.source import SECTION_BY_KEY, Report, load_report

SOURCE_NOTES = DATA / "source_notes.csv"

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
    """The layout breaks analysis.source found, as notes in the same shape as the CSV rows."""
    report = report or load_report()
    rows = []
    for i, b in enumerate(report.layout_breaks, start=1):
        rows.append({
            "id": f"layout-break-{i}",
            "passage": f"{b.before}⏎{b.after}",
            "kind": "layout break",
            "problem": "The paragraph stops mid-sentence and goes on after a blank line: a page or column break "
                       "of the print layout kept in the text.",
            "treatment": "Joined by analysis.source when the text is read (quotes may span it); the raw file is "
                         "unchanged and offsets into it are kept for citation.",
            "line": None,
            "raw_offset": b.raw_offset,
            "section": section_of_raw(report, b.raw_offset - 1),
            "origin": "found by analysis.source",
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


def context(report: Report, raw_offset: int, length: int, chars: int) -> str:
    """The passage with ``chars`` characters either side, line breaks shown as ⏎."""
    start, end = max(0, raw_offset - chars), min(len(report.raw), raw_offset + length + chars)
    return report.raw[start:end].replace("\n\n", "⏎").replace("\n", "⏎")


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


# --- charts ---------------------------------------------------------------------------------------------

ORIGIN_COLORS = ("#1f5f8b", "#f2a541")  # hand-written notes, detected layout breaks
ALL_SECTIONS = tuple(SECTION_BY_KEY)  # reading order: preface, review, outlook


def _origin_scale(notes: pd.DataFrame):
    import altair as alt

    return alt.Scale(domain=sorted(set(notes["origin"])), range=list(ORIGIN_COLORS))


def _subtitle(source: str, extra: str) -> list[str]:
    from analysis.commitments import wrap_source

    return wrap_source(source, extra=extra)


def kind_chart(notes: pd.DataFrame, source: str):
    """How many defects of each kind, hand-written notes and detected breaks told apart."""
    import altair as alt

    data = notes.groupby(["kind", "origin"]).agg(count=("id", "size"),
                                                passages=("passage", lambda p: " / ".join(p))).reset_index()
    order = list(notes["kind"].value_counts().sort_index().sort_values(ascending=False, kind="stable").index)
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("kind:N", sort=order, title=None),
        x=alt.X("count:Q", title="defects noted", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("origin:N", title="listed in", scale=_origin_scale(notes), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("kind:N"), alt.Tooltip("origin:N", title="listed in"), alt.Tooltip("count:Q"),
                 alt.Tooltip("passages:N", title="passages")],
    ).properties(width=380, height=alt.Step(22), title=alt.TitleParams(
        "Textual defects of the report by kind", subtitle=_subtitle(source, "data/source_notes.csv")))


def section_chart(notes: pd.DataFrame, source: str):
    """Defects per section of the report, in reading order."""
    import altair as alt

    data = notes.groupby(["section", "section_label", "origin"]).agg(
        count=("id", "size"), kinds=("kind", lambda k: ", ".join(sorted(set(k))))).reset_index()
    keys = (*ALL_SECTIONS[:6], "furniture", *ALL_SECTIONS[6:])  # the byline stands between review and outlook
    empty = [k for k in keys if k not in set(data["section"])]  # sections without a note show as zero
    data = pd.concat([data, pd.DataFrame({"section": empty, "section_label": [section_label(k) for k in empty],
                                          "origin": notes["origin"].iloc[0], "count": 0, "kinds": "none"})],
                     ignore_index=True)
    order = [section_label(k) for k in keys]
    data["label"] = data["section_label"].str.replace(" (", "|(", regex=False)
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("label:N", sort=[o.replace(" (", "|(") for o in order], title=None,
                axis=alt.Axis(labelExpr="split(datum.label, '|')", labelLimit=400)),
        x=alt.X("count:Q", title="defects noted", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("origin:N", title="listed in", scale=_origin_scale(notes), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("section_label:N", title="section"), alt.Tooltip("origin:N", title="listed in"),
                 alt.Tooltip("count:Q"), alt.Tooltip("kinds:N")],
    ).properties(width=380, height=alt.Step(34), title=alt.TitleParams(
        "Where the defects stand: by section of the report", subtitle=_subtitle(source, "data/source_notes.csv")))


def punctuation_chart(counts: list[PunctuationCount], source: str):
    """Half-width against full-width forms of each punctuation mark, as counted in the raw file."""
    import altair as alt

    rows = []
    for c in counts:
        rows.append({"mark": c.mark, "width": "half-width 半角", "form": c.half, "count": c.half_count})
        rows.append({"mark": c.mark, "width": "full-width 全角", "form": c.full, "count": c.full_count})
    data = pd.DataFrame(rows)
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("mark:N", sort=[c.mark for c in counts], title=None),
        yOffset=alt.YOffset("width:N"),
        x=alt.X("count:Q", title="occurrences in the raw text (decimal points excluded)"),
        color=alt.Color("width:N", title=None, scale=alt.Scale(range=["#c8553d", "#1f5f8b"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("mark:N"), alt.Tooltip("width:N"), alt.Tooltip("form:N", title="character"),
                 alt.Tooltip("count:Q")],
    ).properties(width=380, height=alt.Step(12), title=alt.TitleParams(
        "Punctuation: half-width against full-width forms",
        subtitle=_subtitle(source, "counted in data/raw/wuchang-2023-review.txt")))


__all__ = ["KINDS", "READINGS", "SOURCE_NOTES", "all_notes", "indicators_touching", "layout_break_notes",
           "load_source_notes", "punctuation_counts", "reading_text", "validate_source_notes"]
