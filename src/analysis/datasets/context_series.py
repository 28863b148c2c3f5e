"""The context series: figures from outside the report, Wuchang's headline series in other years, from
official district pages.

The report gives 2023 as it looked in December 2023, mostly as 预计 (expected) figures. Other district
pages (government work reports, plan-execution reports, final accounts) give the same series for other
years, and sometimes the same year twice: first as an estimate, later as a reported or final figure. They
live in ``data/context/context_series.csv``, apart from the report's own ``data/indicators.csv``, and every
row cites its page (title and address) and the words its value was read from.

Validation collects every problem before failing; each names the file, the line, the column, what was
expected and what was found. The qualifier of each figure (以上/突破 lower bound, 左右 about, 预计 expected)
is derived here from the words around the value, never typed by hand.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.datasets.csv_rows import Column, read_csv_rows
from analysis.datasets.provenance import PROVENANCE_COLUMNS, THOUSANDS, dated_month, provenance_problems
from analysis.errors import DataError, Problem
from analysis.paths import CONTEXT_SERIES, relative
from analysis.read_log import record_read
from analysis.report.quantities import Quantity, find_quantities, format_qualifier, half_step
from analysis.report.reading import status_for

STATUSES = ("estimate", "reported", "final", "target")
# Later statements outrank earlier ones: a figure implied by the next year's level and growth rate was
# stated a year later than a "reported" one, but through a rounded growth rate, so it sits between.
STATUS_RANK = {"target": -1.0, "estimate": 0.0, "reported": 1.0, "implied": 1.5, "final": 2.0}
STATUS_LABEL = {
    "estimate": "estimate 预计",
    "reported": "reported 完成",
    "implied": "implied 推算",
    "final": "final accounts 决算",
    "target": "plan target 计划目标",
}

# Where a figure comes from; the colours keep the report and the outside pages visibly apart.
ORIGIN_LABEL = {
    "report": "source: report 报告",
    "outside": "source: district pages (cited per row)",
    "note": "source: estimate quoted in a row's note",
    "implied": "derived: next year's level ÷ (1 + growth)",
}


@dataclass(frozen=True)
class Series:
    key: str
    name_zh: str
    name_en: str
    unit: str  # the unit of the csv's value column for this series
    nominal_growth: bool  # growth rates at current prices: level / (1 + growth) is last year's level
    report_id: str | None  # the report's 2023 figure of this series in data/indicators.csv


SERIES: dict[str, Series] = {s.key: s for s in (
    Series("gdp", "地区生产总值", "GDP", "亿元", False, "gdp_2023"),
    Series("gp_budget_revenue", "地方一般公共预算收入", "general public budget revenue", "亿元", True,
           "fiscal_revenue_2023"),
    Series("fai", "全社会固定资产投资", "fixed-asset investment", "亿元", True, "fixed_asset_investment_2023"),
    Series("services_va", "服务业增加值", "services value added", "亿元", False, "services_va_2023"),
    Series("retail_sales", "社会消费品零售总额", "retail sales of consumer goods", "亿元", True, "retail_sales_2023"),
    Series("gdp_q1q3", "地区生产总值(1–9月)", "GDP, January–September", "亿元", False, None),
    Series("services_va_q1q3", "服务业增加值(1–9月)", "services value added, January–September", "亿元", False, None),
    Series("census_pop", "常住人口(七普)", "resident population, 2020 census", "persons", False, None),
    Series("gdp_growth_target", "地区生产总值增长目标", "GDP growth target of the year's plan", "%", False, None),
    Series("gp_budget_revenue_growth_target", "地方一般公共预算收入增长目标",
           "budget revenue growth target of the year's plan", "%", False, None),
    Series("fai_target", "全社会固定资产投资计划", "fixed-asset investment planned for the year", "亿元", False, None),
    # The final accounts' general budget (决算): what the district spent, and what it received and paid beyond
    # its own revenue.
    Series("gp_budget_expenditure", "一般公共预算支出", "general public budget expenditure", "亿元", False, None),
    Series("transfers_general", "税收返还及一般转移支付", "tax rebates and general transfers from higher levels",
           "亿元", False, None),
    Series("transfers_special", "专项转移支付", "earmarked transfers from higher levels", "亿元", False, None),
    Series("remittances_up", "上解上级支出", "remittances to higher levels", "亿元", False, None),
)}
# A plan target and the series whose later account it is judged against: (target key, series key, what is set).
PLAN_TARGETS = (("gdp_growth_target", "gdp", "growth"), ("gp_budget_revenue_growth_target", "gp_budget_revenue",
                                                          "growth"), ("fai_target", "fai", "level"))
# Series of January–September: their period ends in September.
LAST_MONTH = {"gdp_q1q3": 9, "services_va_q1q3": 9}
HEADLINE = ("gdp", "gp_budget_revenue", "fai", "services_va", "retail_sales")

CONTEXT_COLUMNS: tuple[Column, ...] = (
    Column("year", "the year the figure refers to (four digits)"),
    Column("indicator", "the series key", tuple(SERIES)),
    Column("value", "the number in the unit column's unit"),
    Column("unit", "亿元 (hundred million yuan), persons, or % (a growth target)", ("亿元", "persons", "%")),
    Column("status", "what kind of statement it is, by the status rule (analysis.report.reading.status_for)",
           STATUSES),
    *PROVENANCE_COLUMNS,
    Column("note", "conflicts, revisions and bounds, in words"),
)
REQUIRED = ("year", "indicator", "value", "unit", "status")
# A growth rate after a level: "比2021下降3.0%", "同比增长0.3%", ",增长8%", or the next cell of a table "| 28%".
GROWTH_WORDS = re.compile(r"(增长|下降)(\d+(?:\.\d+)?)%(以上|左右)?")
GROWTH_CELL = re.compile(r"^\s*\|\s*(-?\d+(?:\.\d+)?)%(以上|左右)?")
# A title the page's stored excerpt does not show is marked in the data; readers see it said in words.
RECONSTRUCTED = "[title not in stored excerpt]"
RECONSTRUCTED_SAYS = "(title reconstructed; not in the stored excerpt)"


# -- reading the words ---------------------------------------------------------------------------------------


def display_title(title: str) -> str:
    """A page title as readers see it: a title marked as reconstructed says so in words at its end."""
    if title.startswith(RECONSTRUCTED):
        return f"{title.removeprefix(RECONSTRUCTED).strip()} {RECONSTRUCTED_SAYS}"
    return title


def normalise(text: str) -> str:
    """Drop thousands separators (1,351,100万元 → 1351100万元) so the quantity parser reads one number."""
    return THOUSANDS.sub("", text)


def value_in_unit(q: Quantity, unit: str) -> float | None:
    """A parsed quantity in the csv's unit, or None when it is not an amount of that kind."""
    if unit == "亿元":
        return q.value / 1e8 if q.unit == "yuan" else None
    if unit == "persons":
        return q.number * q.magnitude if q.unit in (None, "persons") else None
    if unit == "%":
        return q.value if q.unit == "percent" else None
    return None


def match_quantity(text: str, value: float, unit: str) -> Quantity | None:
    """The quantity in a text that states ``value`` (in ``unit``), with its qualifier words; None if absent."""
    for q in find_quantities(normalise(text)):
        v = value_in_unit(q, unit)
        if v is not None and math.isclose(v, value, rel_tol=1e-9, abs_tol=1e-9):
            return q
    return None


UNIT_BASE = {"亿元": 1e8, "persons": 1.0, "%": 1.0}


def printed_half_step(value: float, unit: str, excerpt: str) -> float:
    """Half the last digit of the value as its excerpt prints it, in the row's unit (the book's rounding rule:
    1,359,324万元 → 0.5万元 = 0.00005亿元); 0 when the excerpt does not print it."""
    if unit == "persons" and float(value).is_integer():
        return 0.0  # a head count printed in full
    q = match_quantity(excerpt, value, unit) if excerpt else None
    return q.half_step / UNIT_BASE[unit] if q else 0.0


def fmt_value(value: float) -> str:
    """A value as the pages write it: up to four decimals, no trailing zeros (135.9324, 1900)."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def derive_qualifier(value: float, unit: str, excerpt: str, note: str) -> tuple[str, str, str]:
    """The qualifier, the phrase as the excerpt writes it (突破2100亿元) and the phrase to show.

    The excerpt is read first; only a row without an excerpt falls back to its note. 预计 in the note (a table
    column headed 预计) marks the figure expected too. An amount written in 万元 is shown in 亿元 with the
    words as written beside it.
    """
    q = match_quantity(excerpt, value, unit) if excerpt else None
    if q is None and not excerpt and note:
        q = match_quantity(note, value, unit)
    quals = set(q.qualifiers) if q else set()
    if "预计" in note:
        quals.add("expected")
    if q is None:
        phrase = shown = f"{fmt_value(value)}{unit if unit != 'persons' else '人'}"
    else:
        phrase = shown = q.phrase
        if q.unit_zh and q.unit_zh != unit and unit == "亿元":
            written = q.phrase.replace(q.text, f"{q.number:,.0f}{q.unit_zh}" if q.number.is_integer() else q.text)
            shown = f"{fmt_value(value)}亿元 (written {written})"
    return format_qualifier(quals), phrase, shown


def stated_growth(excerpt: str, phrase: str) -> tuple[float, float, bool] | None:
    """The growth rate stated right after a level: (percent, half a unit of its last digit, lower bound?).

    Only the text up to the next amount or sentence end is read, so another series' growth is never taken.
    """
    text = normalise(excerpt)
    at = text.find(phrase)
    if at < 0:
        return None
    tail = re.split(r"[;。]|亿元|万元", text[at + len(phrase):], maxsplit=1)[0]
    m = GROWTH_CELL.match(tail)
    if m:
        number, word = m.group(1), m.group(2)
    else:
        m = GROWTH_WORDS.search(tail)
        if not m:
            return None
        number = ("-" if m.group(1) == "下降" else "") + m.group(2)
        word = m.group(3)
    return float(number), half_step(number.lstrip("-")), word == "以上"  # the book's one rounding rule


# -- validation ----------------------------------------------------------------------------------------------


def _validate_row(line: int, row: dict[str, str], name: str) -> list[Problem]:
    out: list[Problem] = []

    def bad(column: str, message: str) -> None:
        out.append(Problem(name, line, column, message))

    meaning = {c.name: c for c in CONTEXT_COLUMNS}
    for col in REQUIRED:
        if not row[col]:
            bad(col, f"is empty; expected {meaning[col].meaning}")
    out += provenance_problems(row, name, line)
    for col in CONTEXT_COLUMNS:
        if col.allowed and col not in PROVENANCE_COLUMNS and row[col.name] and row[col.name] not in col.allowed:
            bad(col.name, f"found {row[col.name]!r}; expected one of {', '.join(col.allowed)}")
    if out:
        return out
    if not re.fullmatch(r"\d{4}", row["year"]) or not 1949 <= int(row["year"]) <= 2100:
        bad("year", f"found {row['year']!r}; expected a four-digit year between 1949 and 2100")
    try:
        value = float(row["value"])
        if not math.isfinite(value) or value <= 0:
            raise ValueError
    except ValueError:
        bad("value", f"found {row['value']!r}; expected a positive finite number in {row['unit']}")
        return out
    series = SERIES[row["indicator"]]
    if row["unit"] != series.unit:
        bad("unit", f"found {row['unit']!r}; expected {series.unit!r} for indicator {series.key!r}")
        return out
    if row["excerpt"]:
        q = match_quantity(row["excerpt"], value, row["unit"])
        if q is None:
            found = [q.phrase for q in find_quantities(normalise(row["excerpt"]))
                     if value_in_unit(q, row["unit"]) is not None]
            bad("excerpt", f"does not state the value {value:g} {row['unit']}; expected it among the excerpt's "
                           f"amounts, found {', '.join(found) or 'none'}")
        elif row["status"] != "estimate" and "expected" in q.qualifiers:
            bad("status", f"found {row['status']!r}, but the excerpt says 预计 before {q.phrase!r}; "
                          "expected 'estimate'")
        elif "lower bound" in row["note"] and not ({"over", "at_least"} & q.qualifiers):
            bad("note", f"says 'lower bound', but the excerpt states {q.phrase!r} without 以上/突破/超; "
                        "expected the note and the excerpt to agree")
        if q is not None and not out:
            year = int(row["year"])
            title = row["source_title"]
            expected = status_for(year, year, dated_month(row["dated"]), last_month=LAST_MONTH.get(series.key, 12),
                                  final_source="决算" in title or "公报" in title,
                                  says_expected="expected" in q.qualifiers or "预计" in row["note"])
            if row["status"] != expected:
                bad("status", f"rule 'status from when it was written': a figure of {year} in a text dated "
                              f"{row['dated']} is {expected!r}; found {row['status']!r}")
    return out


def validate_context(path: Path = CONTEXT_SERIES) -> list[Problem]:
    """Every problem of the context file, each naming file, line, column, expected and found."""
    rows, problems = read_csv_rows(path, CONTEXT_COLUMNS)
    name = relative(path)
    seen: dict[tuple[str, ...], int] = {}
    for line, row in rows:
        problems.extend(_validate_row(line, row, name))
        key = (row["year"], row["indicator"], row["value"], row["source_url"], row["excerpt"])
        if key in seen:
            problems.append(Problem(name, line, None, f"repeats line {seen[key]} (same year, indicator, value, "
                                                      "page and excerpt); expected each figure once"))
        else:
            seen[key] = line
    return problems


# -- loading -------------------------------------------------------------------------------------------------


def with_names(frame: pd.DataFrame) -> pd.DataFrame:
    """The series' names and the status and origin labels, as columns of a frame of figures."""
    frame["name_zh"] = [SERIES[k].name_zh for k in frame["indicator"]]
    frame["name_en"] = [SERIES[k].name_en for k in frame["indicator"]]
    frame["series_label"] = frame["name_zh"] + " " + frame["name_en"]
    frame["status_label"] = frame["status"].map(STATUS_LABEL)
    frame["origin_label"] = frame["origin"].map(ORIGIN_LABEL)
    return frame


def load_context(path: Path = CONTEXT_SERIES) -> pd.DataFrame:
    """The validated context rows with derived columns: qualifier, phrase, origin and source label."""
    problems = validate_context(path)
    if problems:
        raise DataError(problems)
    record_read(path)
    rows, _ = read_csv_rows(path, CONTEXT_COLUMNS)
    frame = pd.DataFrame([{**row, "line": line} for line, row in rows])
    frame["year"] = frame["year"].astype(int)
    frame["value"] = frame["value"].astype(float)
    derived = [derive_qualifier(r.value, r.unit, r.excerpt, r.note) for r in frame.itertuples()]
    frame["qualifier"] = [d[0] for d in derived]
    frame["written"] = [d[1] for d in derived]  # as in the excerpt (thousands separators dropped)
    frame["phrase"] = [d[2] for d in derived]
    frame["half_step"] = [printed_half_step(r.value, r.unit, r.excerpt) for r in frame.itertuples()]
    frame["origin"] = "outside"
    frame["source"] = "source: " + frame["source_title"].map(display_title)
    frame["formula"] = ""
    frame["ref"] = [f"context_series.csv:{n}" for n in frame["line"]]
    return with_names(frame)


# -- the figure to believe -----------------------------------------------------------------------------------


def latest(ctx: pd.DataFrame, indicator: str, year: int) -> pd.Series | None:
    """The most authoritative row for a series and year (``STATUS_RANK``: final accounts before reports before
    estimates; the earlier line of the file first among equals), or None when the file has none."""
    rows = ctx[(ctx["indicator"] == indicator) & (ctx["year"] == year)]
    if rows.empty:
        return None
    order = rows.assign(rank=rows["status"].map(STATUS_RANK).fillna(0)).sort_values(["rank", "line"],
                                                                                     ascending=[False, True])
    return order.iloc[0]


def page_title(row: pd.Series) -> str:
    """The title of a context row's page as readers see it, in 《》. The data mark a title the stored excerpt
    does not show (``RECONSTRUCTED``); readers get that said in words after the title."""
    shown = display_title(str(row["source_title"]))
    if shown.endswith(RECONSTRUCTED_SAYS):
        return f"《{shown.removesuffix(RECONSTRUCTED_SAYS).strip()}》 {RECONSTRUCTED_SAYS}"
    return f"《{shown}》"
