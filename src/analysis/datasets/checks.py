"""Every data file checked before any chapter runs: one call, every problem listed with file, line and column."""

from __future__ import annotations

import re
from pathlib import Path

from analysis.datasets import context_series, notes
from analysis.datasets.carbon_market import validate_carbon_market
from analysis.datasets.csv_rows import Column, read_csv_rows
from analysis.datasets.indicators import (
    INDICATOR_COLUMNS,
    uncovered_numerals,
    validate_exclusions,
    validate_indicators,
)
from analysis.datasets.later_reviews import validate_later_reviews
from analysis.datasets.outside_figures import validate_outside_figures
from analysis.datasets.wuhan_districts import validate_wuhan_districts
from analysis.errors import DataError, Problem
from analysis.paths import GLOSSARY, INDICATORS, NOTEBOOKS, relative
from analysis.report.text import load_report


def check_all() -> None:
    """Validate the report's tables, the outside series and prices, the source notes and the map layers.

    Raises DataError listing all problems.
    """
    report = load_report()
    problems: list[Problem] = validate_indicators(report=report) + validate_exclusions(report=report)
    if not problems:  # coverage is only meaningful once the rows themselves are valid
        problems = [Problem(relative(INDICATORS), None, "quote",
                            f"numeral {num!r} at {context_text!r} is neither in an indicator quote nor excluded")
                    for _, num, context_text in uncovered_numerals(report)]
    problems += context_series.validate_context()
    problems += validate_carbon_market()
    problems += validate_outside_figures()
    problems += validate_wuhan_districts()
    problems += validate_later_reviews(report=report)
    problems += validate_glossary(report=report)
    problems += notes.validate_source_notes(report=report)
    problems += _map_layer_problems()
    if problems:
        raise DataError(problems)


def _map_layer_problems() -> list[Problem]:
    from analysis.datasets import geo  # geopandas is slow to import; only needed here

    problems: list[Problem] = []
    for load in (geo.landmarks, geo.places):
        try:
            load()
        except DataError as err:
            problems += err.problems
    return problems


def contents_sentence() -> str:
    """What the book contains, counted from the data files: the report's figures and the outside figures by
    grade. The introduction and the citation page print it, so no page claims more than the data hold."""
    from collections import Counter

    from analysis.datasets.carbon_market import carbon_statements
    from analysis.datasets.indicators import load_indicators
    from analysis.datasets.outside_figures import outside_figures
    from analysis.datasets.wuhan_districts import load_wuhan_districts

    n_report = len(load_indicators())
    grades = Counter(context_series.load_context()["grade"])
    grades.update(s.grade for s in carbon_statements())
    grades.update(f.grade for f in outside_figures())
    grades.update(load_wuhan_districts()["grade"])
    by_grade = ", ".join(f"{grades[g]} {g}" for g in ("official", "official-secondary", "unofficial") if grades[g])
    return (f"The book reads **{n_report} figures from the report itself** (`data/indicators.csv`) and sets beside "
            f"them **{sum(grades.values())} figures from other pages** ({by_grade}; `data/context/`), each with its "
            "publisher, address, date, the words that state it and a grade of how authoritative its page is. The "
            "two are kept in separate files and cited separately.")


GLOSSARY_COLUMNS = (
    Column("term", "the term as the report writes it"),
    Column("reads_as", "the English the book uses for it"),
    Column("meaning", "what a Chinese reader understands by it"),
    Column("avoid", "English renderings that mislead, comma-separated; the book's prose and names must not use "
                    "them for this term", optional=True),
)


def validate_glossary(path: Path = GLOSSARY, report=None) -> list[Problem]:
    """Every term stands in the report, and no misleading rendering of it stands in the book's own words (the
    notebooks' prose and the indicator names)."""
    import json

    report = report or load_report()
    rows, problems = read_csv_rows(path, GLOSSARY_COLUMNS)
    name = relative(path)
    names = [row["name_en"] for _, row in read_csv_rows(INDICATORS, INDICATOR_COLUMNS)[0]]
    prose = {f"{relative(INDICATORS)} (name_en)": "\n".join(names).lower()}
    for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        prose[relative(nb)] = re.sub(r"`[^`]*`", "", text).lower()  # glue keys and code are not prose
    for line, row in rows:
        if not report.occurrences(row["term"]):
            problems.append(Problem(name, line, "term", f"{row['term']!r} is not in the report"))
        for wrong in filter(None, (w.strip().lower() for w in row["avoid"].split(","))):
            for where, text in prose.items():
                if wrong in text:
                    problems.append(Problem(where, None, None, f"renders {row['term']} as {wrong!r}; the glossary "
                                            f"({name}, line {line}) reads it as {row['reads_as']!r}"))
    return problems


def read_glossary(path: Path = GLOSSARY) -> list[dict[str, str]]:
    """The glossary's rows, validated."""
    problems = validate_glossary(path)
    if problems:
        raise DataError(problems)
    return [row for _, row in read_csv_rows(path, GLOSSARY_COLUMNS)[0]]
