"""The indicator table: every quantitative claim of the report, loaded and validated against its schema.

Validation collects every problem before failing, and each problem names the file, the line, the column,
what was expected and what was found.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from analysis.datasets.csv_rows import Column, read_csv_rows
from analysis.errors import DataError, Problem, SourceError
from analysis.paths import EXCLUSIONS, INDICATORS, relative
from analysis.report.quantities import (
    BASE_UNITS,
    NUMERAL,
    QuantityError,
    find_quantities,
    parse_qualifier,
    parse_quantity,
)
from analysis.report.reading import (
    AREA_MEANING,
    AREAS,
    SCOPE_MEANING,
    SCOPES,
    STATUS_MEANING,
    STATUSES,
    period_years,
    read_governing,
    status_for,
)
from analysis.report.text import SECTION_BY_HEADING, Report, load_report

KINDS = ("level", "growth", "share", "rank", "count", "cumulative", "multiple", "target", "direction")
# When the report was written: at the end of 2023 (行至岁尾, "at the year's end"), before any 2023 statistic was
# final. The status rule (analysis.report.reading.status_for) reads every row's period against it.
REPORT_WRITTEN = (2023, 12)
# Kinds whose scope is read from their own words; a growth rate, share, rank or multiple takes the scope of
# the measure it is of, read by hand.
SCOPE_READ_KINDS = ("level", "count", "cumulative")


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
    Column("scope", "what it measures: " + "; ".join(f"{k} = {v}" for k, v in SCOPE_MEANING.items()), SCOPES),
    Column("area", "whose number it is: " + "; ".join(f"{k} = {v}" for k, v in AREA_MEANING.items()), AREAS),
    Column("status", "; ".join(f"{k} = {v}" for k, v in STATUS_MEANING.items()), STATUSES),
    Column("name_en", "English name"),
    Column("name_zh", "Chinese name"),
    Column("reading_note", "why the row reads its sentence as it does where the words alone would mislead "
           "(a list's shared verb, an ambiguity); required where scope or area differs from what its words say",
           optional=True),
)
EXCLUSION_COLUMNS: tuple[Column, ...] = (
    Column("text", "an exact substring of the report; every occurrence is excluded"),
    Column("reason", "why these numerals are not quantities"),
)


def _validate_indicator(line: int, row: dict[str, str], report: Report, name: str) -> list[Problem]:
    out: list[Problem] = []

    def bad(column: str, message: str) -> None:
        out.append(Problem(name, line, column, message))

    for col in INDICATOR_COLUMNS:
        if not row[col.name] and not col.optional:
            bad(col.name, f"is empty; expected {col.meaning}")
        elif col.allowed and row[col.name] and row[col.name] not in col.allowed:
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
    _check_reading(row, report, where, q, bad)
    return out


def is_fixed_fact(row: dict[str, str], q) -> bool:
    """Not a statistic of its year: an anniversary (1800年) or the size of a set named by a Chinese numeral
    (三大功能区, 六大低碳场景)."""
    return ((row["unit"] == "years" and row["kind"] == "level")
            or (row["kind"] in ("count", "target") and q.unit != "class" and not q.text[0].isdigit()))


def _check_reading(row: dict[str, str], report: Report, where, q, bad) -> None:
    """The rules of reading: scope and area from the governing words, status from the period."""
    evidence = read_governing(report, where.start, where.end)
    reason = row["reading_note"]
    if row["kind"] in SCOPE_READ_KINDS and not reason:
        allowed = evidence.allowed_scopes()
        if allowed is not None and row["scope"] not in allowed:
            said = (f"{evidence.scope_word} governs it" if evidence.scope else "全年 governs it")
            bad("scope", f"rule 'scope from the governing word': {said}, so expected "
                         f"{' or '.join(sorted(allowed))}; found {row['scope']!r} (or give a reading_note)")
    if evidence.area and row["area"] != evidence.area and not reason:
        bad("area", f"rule 'area from the governing word': {evidence.area_word} stands before it, so expected "
                    f"{evidence.area!r}; found {row['area']!r} (or give a reading_note)")
    try:
        first, last = period_years(row["period"])
    except ValueError as err:
        bad("period", f"{err}; expected a year or span of years (2023, as of 2023, 2019-2023)")
        return
    expected = status_for(first, last, REPORT_WRITTEN)
    if expected == "estimate" and is_fixed_fact(row, q):
        expected = "fixed"
    if row["status"] != expected:
        bad("status", f"rule 'status from when it was written': the report was written at the end of 2023, and a "
                      f"figure of {row['period']} is then {expected!r}; found {row['status']!r}")


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
    df["half_step"] = [find_quantities(q)[0].half_step for q in df["quote"]]  # the rounding rule's input
    return df.set_index("id", drop=False)


def _display(row) -> str:
    """The number as the report writes it, with its qualifier word: 超2.2万亿元, 6.5%左右."""
    return find_quantities(row.quote)[0].phrase



# -- selections of the indicator table --------------------------------------------------------------------------


def indicator_set(ind: pd.DataFrame, sections: Iterable[str], *, kinds: Iterable[str] | None = None,
                  units: Iterable[str] | None = None, scopes: Iterable[str] | None = None,
                  areas: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> list[str]:
    """Ids of the indicators of some sections (optionally of some kinds, units, scopes, areas), in the report's
    order."""
    sub = ind[ind["section_key"].isin(list(sections))]
    for column, wanted in (("kind", kinds), ("unit", units), ("scope", scopes), ("area", areas)):
        if wanted is not None:
            sub = sub[sub[column].isin(list(wanted))]
    sub = sub[~sub.index.isin(list(exclude))]
    return list(sub.sort_values("offset").index)


def in_report_order(ind: pd.DataFrame, ids: Iterable[str]) -> list[str]:
    """The given indicator ids, once each, in the order their quotes stand in the report."""
    wanted = set(ids)
    return [i for i in ind.sort_values("offset")["id"] if i in wanted]
