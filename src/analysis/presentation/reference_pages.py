"""The reader's reference pages, generated from the data and the schemas so they cannot drift from them: the
glossary (``data/glossary.csv`` and the book's own terms) and the data dictionary (every column of every data
file, with its meaning and allowed values, from the declarations the data check uses)."""

from __future__ import annotations

import re

from analysis.datasets.carbon_market import CARBON_COLUMNS
from analysis.datasets.checks import GLOSSARY_COLUMNS, read_glossary
from analysis.datasets.context_series import CONTEXT_COLUMNS
from analysis.datasets.csv_rows import Column
from analysis.datasets.indicators import EXCLUSION_COLUMNS, INDICATOR_COLUMNS
from analysis.datasets.later_reviews import FOLLOWUP_COLUMNS, REVIEW_COLUMNS
from analysis.datasets.notes import NOTE_COLUMNS
from analysis.datasets.outside_figures import OUTSIDE_COLUMNS
from analysis.datasets.provenance import GRADE_MEANING
from analysis.datasets.wuhan_districts import DISTRICT_COLUMNS
from analysis.paths import (
    CARBON_MARKET,
    COMMITMENT_FOLLOWUP,
    CONTEXT_SERIES,
    EXCLUSIONS,
    GLOSSARY,
    INDICATORS,
    LATER_REVIEWS,
    OUTSIDE_FIGURES,
    SOURCE_NOTES,
    WUHAN_DISTRICTS,
    relative,
)
from analysis.presentation.markdown import escape
from analysis.report.reading import AREA_MEANING, SCOPE_MEANING, STATUS_MEANING

# Each data file the check validates, with its declared columns, in the order of the data flow.
DATA_FILES: tuple[tuple[str, str, tuple[Column, ...]], ...] = (
    (relative(INDICATORS), "every quantitative claim of the report", INDICATOR_COLUMNS),
    (relative(EXCLUSIONS), "numerals of the report that are not quantities", EXCLUSION_COLUMNS),
    (relative(SOURCE_NOTES), "defects of the report's text", NOTE_COLUMNS),
    (relative(CONTEXT_SERIES), "the district's headline figures of other years, from other pages", CONTEXT_COLUMNS),
    (relative(CARBON_MARKET), "the national carbon market's published totals", CARBON_COLUMNS),
    (relative(OUTSIDE_FIGURES), "single outside figures the chapters use", OUTSIDE_COLUMNS),
    (relative(WUHAN_DISTRICTS), "Wuhan's districts: the 2020 census by area and 2023 figures", DISTRICT_COLUMNS),
    (relative(LATER_REVIEWS), "the district's later reviews read (their beginnings, in later_reviews/)",
     REVIEW_COLUMNS),
    (relative(COMMITMENT_FOLLOWUP), "what the later reviews say of the outlook's commitments", FOLLOWUP_COLUMNS),
    (relative(GLOSSARY), "the report's terms as Chinese readers mean them", GLOSSARY_COLUMNS),
)


# Column widths for the PDF (HTML tables size themselves): a name, a meaning, a short list.
PRINT_COLUMNS_3 = "```{tabularcolumns} |p{0.22\\linewidth}|p{0.48\\linewidth}|p{0.22\\linewidth}|\n```"
PRINT_COLUMNS_2 = "```{tabularcolumns} |p{0.22\\linewidth}|p{0.72\\linewidth}|\n```"


def _row(*cells: str) -> str:
    return "| " + " | ".join(escape(c).replace("\n", " ") for c in cells) + " |"


def glossary_markdown() -> str:
    """The report's terms (data/glossary.csv) as a Sphinx glossary, which the pages link to where a term first
    appears (``glossary_links``); then the book's own words: scopes, areas, statuses, grades."""
    lines = ["## The report's terms", "",
             "Each term, then the English this book uses for it and what a Chinese reader means by it.", "",
             "```{glossary}"]
    for t in read_glossary():
        lines += [t["term"], f"  *{escape(t['reads_as'])}*: {escape(t['meaning']).replace(chr(10), ' ')}", ""]
    lines += ["```"]
    for title, meanings in (("What a number measures (scope)", SCOPE_MEANING), ("Whose it is (area)", AREA_MEANING),
                            ("How final it is (status)", STATUS_MEANING),
                            ("How authoritative its page is (grade)", GRADE_MEANING)):
        lines += ["", f"## {title}", "", PRINT_COLUMNS_2, "", "| word | meaning |", "|---|---|"]
        lines += [_row(k, v) for k, v in meanings.items()]
    return "\n".join(lines)


def data_dictionary_markdown() -> str:
    """Every column of every data file: its meaning and, where the check restricts it, its allowed values."""
    lines: list[str] = []
    for path, what, columns in DATA_FILES:
        lines += [f"## `{path}`", "", f"{what[0].upper()}{what[1:]}.", "", PRINT_COLUMNS_3, "",
                  "| column | meaning | allowed values |", "|---|---|---|"]
        for c in columns:
            allowed = ", ".join(f"`{a}`" for a in c.allowed) if c.allowed else ("may be empty" if c.optional else "")
            lines.append("| " + " | ".join([f"`{c.name}`", escape(c.meaning).replace("\n", " "), allowed]) + " |")
        lines.append("")
    return "\n".join(lines)


def glossary_terms() -> list[tuple[str, re.Pattern[str]]]:
    """The report's terms with the pattern of their appearance in prose, longest first (碳普惠 before 普惠). A
    one-character qualifier (超, 近) counts only before a numeral: 超2.2万亿元, not 超过 or 附近."""
    terms = sorted((t["term"] for t in read_glossary()), key=len, reverse=True)
    numeral = r"(?=[0-9０-９〇一二两三四五六七八九十])"
    return [(t, re.compile(re.escape(t) + (numeral if len(t) == 1 else ""))) for t in terms]
