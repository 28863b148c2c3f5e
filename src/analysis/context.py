"""Figures from outside the report: Wuchang's headline series in other years, from official district pages.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd

from analysis.charts import PALETTE, REPORT_TITLE, qualified_bars
from analysis.derive import Derived, Interval, interval
from analysis.errors import DataError, Problem
from analysis.indicators import Column, read_csv_rows
from analysis.inputs import record_read
from analysis.paths import BOOK, CONTEXT, relative
from analysis.quantities import Quantity, find_quantities, format_qualifier

CONTEXT_SERIES = CONTEXT / "context_series.csv"
BIBLIOGRAPHY = BOOK / "references.bib"  # one entry per source page, keyed for {cite} roles

STATUSES = ("estimate", "reported", "final")
# Later statements outrank earlier ones: a figure implied by the next year's level and growth rate was
# stated a year later than a "reported" one, but through a rounded growth rate, so it sits between.
STATUS_RANK = {"estimate": 0.0, "reported": 1.0, "implied": 1.5, "final": 2.0}
STATUS_LABEL = {
    "estimate": "estimate 预计",
    "reported": "reported 完成",
    "implied": "implied 推算",
    "final": "final accounts 决算",
}
STATUS_SHAPE = {"estimate": "circle", "reported": "square", "implied": "cross", "final": "diamond"}

# Where a figure comes from; the colours keep the report and the outside pages visibly apart.
ORIGIN_LABEL = {
    "report": "source: report 报告",
    "outside": "source: district pages (cited per row)",
    "note": "source: estimate quoted in a row's note",
    "implied": "derived: next year's level ÷ (1 + growth)",
}
ORIGIN_COLOR = {"report": PALETTE[1], "outside": PALETTE[0], "note": PALETTE[4], "implied": PALETTE[2]}
REPORT_SOURCE = "source: report"
OUTSIDE_NOTE = "Outside the report: data/context/context_series.csv (each figure's page is cited in the table)"
# Figures of one year sit side by side by origin, so the report's point never hides behind a page's.
X_OFFSET = {"report": -0.16, "note": -0.08, "outside": 0.0, "implied": 0.16}
LOWER_BOUND_REACH = 0.04  # how far up (share of the value) the arrow of a lower bound is drawn


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
)}
HEADLINE = ("gdp", "gp_budget_revenue", "fai", "services_va", "retail_sales")

CONTEXT_COLUMNS: tuple[Column, ...] = (
    Column("year", "the year the figure refers to (four digits)"),
    Column("indicator", "the series key", tuple(SERIES)),
    Column("value", "the number in the unit column's unit"),
    Column("unit", "亿元 (100 million yuan) or persons", ("亿元", "persons")),
    Column("status", "what kind of statement it is", STATUSES),
    Column("source_title", "the title of the page the figure was read from"),
    Column("source_url", "the page's address (http:// or https://), empty only when it could not be verified"),
    Column("excerpt", "the exact words the value was read from"),
    Column("note", "conflicts, revisions and bounds, in words"),
)
REQUIRED = ("year", "indicator", "value", "unit", "status", "source_title")
URL = re.compile(r"https?://[^\s/]+\.[^\s]+")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# A growth rate after a level: "比2021下降3.0%", "同比增长0.3%", ",增长8%", or the next cell of a table "| 28%".
GROWTH_WORDS = re.compile(r"(增长|下降)(\d+(?:\.\d+)?)%(以上|左右)?")
GROWTH_CELL = re.compile(r"^\s*\|\s*(-?\d+(?:\.\d+)?)%(以上|左右)?")
# A title the page's stored excerpt does not show is marked in the data; readers see it said in words.
RECONSTRUCTED = "[title not in stored excerpt]"
RECONSTRUCTED_SAYS = "(title reconstructed; not in the stored excerpt)"
# A revision smaller than this, in percent, is "unchanged": one unit in the last digit of a figure given to
# 0.01亿元 is about 0.007% of a budget revenue near 140亿元.
UNCHANGED_PCT = 0.01
# Level charts do not start at zero; each axis spans at least ± this share around its figures, so a change of
# one percent never fills a panel.
LEVEL_PAD = 0.10
LEVEL_NOTE = (f"The y axis does not start at zero: it spans at least ±{LEVEL_PAD:.0%} around the middle of the "
              "figures shown")
NOTE_ESTIMATE = re.compile(r"(?P<when>[A-Z][a-z]+ \d{4}) estimate was (?P<value>\d+(?:\.\d+)?)亿元")


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
    return None


def match_quantity(text: str, value: float, unit: str) -> Quantity | None:
    """The quantity in a text that states ``value`` (in ``unit``), with its qualifier words; None if absent."""
    for q in find_quantities(normalise(text)):
        v = value_in_unit(q, unit)
        if v is not None and math.isclose(v, value, rel_tol=1e-9, abs_tol=1e-9):
            return q
    return None


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
    decimals = len(number.split(".")[1]) if "." in number else 0
    return float(number), 0.5 * 10 ** -decimals, word == "以上"


# -- validation ----------------------------------------------------------------------------------------------


def _validate_row(line: int, row: dict[str, str], name: str) -> list[Problem]:
    out: list[Problem] = []

    def bad(column: str, message: str) -> None:
        out.append(Problem(name, line, column, message))

    meaning = {c.name: c for c in CONTEXT_COLUMNS}
    for col in REQUIRED:
        if not row[col]:
            bad(col, f"is empty; expected {meaning[col].meaning}")
    for col in CONTEXT_COLUMNS:
        if col.allowed and row[col.name] and row[col.name] not in col.allowed:
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
    if row["source_url"] and not URL.fullmatch(row["source_url"]):
        bad("source_url", f"found {row['source_url']!r}; expected an address starting http:// or https://, or empty")
    if not row["excerpt"] and not row["note"]:
        bad("excerpt", "is empty and so is the note; expected the words the value was read from, or a note "
                       "saying where it came from")
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


def _names(frame: pd.DataFrame) -> pd.DataFrame:
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
    frame["origin"] = "outside"
    frame["source"] = "source: " + frame["source_title"].map(display_title)
    frame["formula"] = ""
    frame["ref"] = [f"context_series.csv:{n}" for n in frame["line"]]
    return _names(frame)


def report_figures(ind: pd.DataFrame, year: int = 2023) -> pd.DataFrame:
    """The report's own figures of the headline series, in the same shape as the context rows."""
    rows = []
    for key in HEADLINE:
        series = SERIES[key]
        r = ind.loc[series.report_id]
        rows.append({
            "year": year, "indicator": key, "value": r["value"] / 1e8, "unit": "亿元",
            "status": "estimate" if "expected" in r["qualifier"] else "reported",
            "source_title": REPORT_TITLE, "source_url": "", "excerpt": r["quote"],
            "note": f"section {r['section']}, paragraph {r['paragraph']}; id {r['id']}",
            "line": None, "qualifier": r["qualifier"], "phrase": r["display"], "origin": "report",
            "source": REPORT_SOURCE, "formula": "", "ref": r["id"],
        })
    return _names(pd.DataFrame(rows))


def note_estimates(ctx: pd.DataFrame, known: pd.DataFrame | None = None) -> pd.DataFrame:
    """Earlier estimates that a row's note quotes ("December 2022 estimate was 128.93亿元").

    One that repeats a figure already in ``known`` (same series, year and value) is dropped.
    """
    known = ctx if known is None else known
    rows = []
    for r in ctx.itertuples():
        for m in NOTE_ESTIMATE.finditer(r.note):
            value = float(m.group("value"))
            same = known[(known["indicator"] == r.indicator) & (known["year"] == r.year)
                         & ((known["value"] - value).abs() < 1e-9)]
            if len(same):
                continue
            rows.append({
                "year": r.year, "indicator": r.indicator, "value": value, "unit": r.unit, "status": "estimate",
                "source_title": f"note on line {r.line} of data/context/context_series.csv (page of the "
                                f"estimate not recorded)", "source_url": "", "excerpt": "", "note": m.group(0),
                "line": r.line, "qualifier": "expected", "phrase": f"{m.group('value')}亿元", "origin": "note",
                "source": f"source: note on line {r.line} ({m.group('when')})", "formula": "",
                "ref": f"note of context_series.csv:{r.line}",
            })
    return _names(pd.DataFrame(rows)) if rows else ctx.iloc[0:0].copy()


def implied_previous(ctx: pd.DataFrame, tolerance: float = 0.05) -> pd.DataFrame:
    """Last year's level implied by a row's level and the growth rate stated after it: level / (1 + g).

    Only series whose growth is nominal (budget revenue, investment, retail sales); GDP and services growth
    are real rates. The bounds carry the rounding of the rate (half a unit of its last digit) and the level's
    qualifier; a pair that bounds nothing (a lower-bound level over a lower-bound rate) is left out.
    """
    rows = []
    for r in ctx[ctx["origin"] == "outside"].itertuples():
        if not SERIES[r.indicator].nominal_growth or not r.excerpt:
            continue
        growth = stated_growth(r.excerpt, r.written)
        if growth is None:
            continue
        g, half, over = growth
        level = interval(r.value, r.qualifier, tolerance)
        rate = Interval(1 + (g - half) / 100, math.inf if over else 1 + (g + half) / 100)
        bounds = level / rate
        if math.isinf(bounds.hi) or bounds.lo <= 0:
            continue
        value = r.value / (1 + g / 100)
        rows.append({
            "year": r.year - 1, "indicator": r.indicator, "value": value, "unit": r.unit, "status": "implied",
            "source_title": r.source_title, "source_url": r.source_url, "excerpt": r.excerpt,
            "note": f"implied by the {r.year} figure {r.written} and its growth {g:g}%", "line": r.line,
            "qualifier": "approx", "phrase": f"≈{value:.2f}亿元", "origin": "implied",
            "source": f"derived from line {r.line}: {display_title(r.source_title)}",
            "formula": f"{fmt_value(r.value)}亿元 / (1 + {g:g}%)", "lo": bounds.lo, "hi": bounds.hi,
            "ref": f"implied by context_series.csv:{r.line}",
        })
    return _names(pd.DataFrame(rows)) if rows else ctx.iloc[0:0].copy()


def with_bounds(frame: pd.DataFrame, tolerance: float = 0.05) -> pd.DataFrame:
    """lo/hi columns: the interval each figure's qualifier allows (an implied figure keeps its own)."""
    out = frame.copy()
    if "lo" not in out:
        out["lo"] = math.nan
        out["hi"] = math.nan
    for i, r in out.iterrows():
        if pd.isna(r["lo"]):
            b = interval(r["value"], r["qualifier"], tolerance)
            out.at[i, "lo"], out.at[i, "hi"] = b.lo, b.hi
    return out


def all_figures(ctx: pd.DataFrame, ind: pd.DataFrame, tolerance: float = 0.05) -> pd.DataFrame:
    """Report figures, context rows, estimates quoted in notes and implied levels, with bounds."""
    report = report_figures(ind)
    base = pd.concat([report, ctx], ignore_index=True)
    parts = [base, note_estimates(ctx, base), implied_previous(ctx, tolerance)]
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True)
    frame["rank"] = frame["status"].map(STATUS_RANK)
    return with_bounds(frame, tolerance)


def pick(figures: pd.DataFrame, key: str, year: int, origin: str | None = None,
         status: str | None = None, value: float | None = None) -> pd.Series:
    """The one figure of a series and year that matches; an error naming what was asked when none or several do."""
    sub = figures[(figures["indicator"] == key) & (figures["year"] == year)]
    if origin is not None:
        sub = sub[sub["origin"] == origin]
    if status is not None:
        sub = sub[sub["status"] == status]
    if value is not None:
        sub = sub[(sub["value"] - value).abs() < 1e-9]
    if len(sub) != 1:
        raise KeyError(f"{len(sub)} figures for {key} {year} (origin={origin}, status={status}, value={value}); "
                       "expected exactly one")
    return sub.iloc[0]


def report_row(ind: pd.DataFrame, indicator_id: str, tolerance: float = 0.05) -> pd.Series:
    """A report indicator in 亿元 with its bounds, in the shape ``pick`` returns."""
    r = ind.loc[indicator_id]
    b = interval(r["value"] / 1e8, r["qualifier"], tolerance)
    return pd.Series({"value": r["value"] / 1e8, "lo": b.lo, "hi": b.hi, "ref": indicator_id,
                      "phrase": r["display"], "qualifier": r["qualifier"]})


def ratio_of(key: str, name_en: str, name_zh: str, num: pd.Series, den: pd.Series, *, formula: str,
             growth: bool = False) -> Derived:
    """100 · num / den (a share) or 100 · (num / den − 1) (a change), with bounds from both figures."""
    q = Interval(num["lo"], num["hi"]) / Interval(den["lo"], den["hi"])
    value = num["value"] / den["value"]
    if growth:
        return Derived(key, name_en, name_zh, 100 * (value - 1), "%", formula,
                       Interval(100 * (q.lo - 1), 100 * (q.hi - 1)), (num["ref"], den["ref"]))
    return Derived(key, name_en, name_zh, 100 * value, "%", formula, q.scale(100), (num["ref"], den["ref"]))


# -- comparing vintages --------------------------------------------------------------------------------------


def _same_page(a: pd.Series, b: pd.Series) -> bool:
    return a["origin"] == b["origin"] == "outside" and a["source_title"] == b["source_title"]


def direction(change_pct: float, unchanged_pct: float = UNCHANGED_PCT) -> str:
    """'up', 'down', or 'unchanged' when the change is smaller than ``unchanged_pct`` either way."""
    if abs(change_pct) < unchanged_pct:
        return "unchanged"
    return "up" if change_pct > 0 else "down"


def comparisons(figures: pd.DataFrame, threshold_pct: float, series: Iterable[str] = HEADLINE,
                unchanged_pct: float = UNCHANGED_PCT) -> pd.DataFrame:
    """Every pair of differing figures for the same series and year, later against earlier.

    kind: 'revision' (an estimate against a later statement), 'conflict' (two figures of one status on one
    page), 'check' (reported/implied/final against each other: consistency of later figures).
    change_pct = 100 · (later / earlier − 1); its bounds follow from both figures' qualifiers; direction is
    'unchanged' below ``unchanged_pct`` either way.
    """
    rows = []
    sub = figures[figures["indicator"].isin(list(series))]
    for (key, year), group in sub.groupby(["indicator", "year"], sort=False):
        items = group.sort_values("rank", kind="stable").to_dict("records")
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                if math.isclose(a["value"], b["value"], rel_tol=1e-9):
                    continue
                if a["rank"] == b["rank"]:
                    kind = "conflict" if _same_page(pd.Series(a), pd.Series(b)) else "differing estimates"
                elif a["status"] == "estimate":
                    kind = "revision"
                else:
                    kind = "check"
                change = 100 * (b["value"] / a["value"] - 1)
                ratio = Interval(b["lo"], b["hi"]) / Interval(a["lo"], a["hi"])
                lo, hi = 100 * (ratio.lo - 1), 100 * (ratio.hi - 1)
                rows.append({
                    "indicator": key, "year": int(year), "series_label": a["series_label"], "kind": kind,
                    "earlier": f"{a['phrase']} ({STATUS_LABEL[a['status']]}; {a['source']})",
                    "later": f"{b['phrase']} ({STATUS_LABEL[b['status']]}; {b['source']})",
                    "earlier_value": a["value"], "later_value": b["value"],
                    "earlier_status": a["status"], "later_status": b["status"], "later_rank": b["rank"],
                    "earlier_origin": a["origin"], "later_origin": b["origin"],
                    "earlier_title": display_title(a["source_title"]), "later_title": display_title(b["source_title"]),
                    "change_pct": change, "change_lo": lo, "change_hi": hi,
                    "large": abs(change) > threshold_pct, "direction": direction(change, unchanged_pct),
                    "formula": f"100 × ({fmt_value(b['value'])} / {fmt_value(a['value'])} − 1)",
                })
    frame = pd.DataFrame(rows)
    if len(frame):
        order = {k: i for i, k in enumerate(series)}
        frame = frame.assign(_o=frame["indicator"].map(order)).sort_values(["_o", "year"], kind="stable")
        frame = frame.drop(columns="_o").reset_index(drop=True)
        frame["label"] = [f"{r.year} {r.series_label.split(' ')[0]}: {r.earlier.split(' (')[0]} → "
                          f"{r.later.split(' (')[0]}" for r in frame.itertuples()]
    return frame


def final_revisions(pairs: pd.DataFrame) -> pd.DataFrame:
    """Each estimate once, against the latest statement about its year (final > implied > reported)."""
    rev = pairs[pairs["kind"] == "revision"]
    if not len(rev):
        return rev
    rev = rev.sort_values("later_rank", kind="stable")
    return rev.groupby(["indicator", "year", "earlier"], sort=False).tail(1).sort_values(["indicator", "year"])


def revision_summary(pairs: pd.DataFrame) -> dict[str, float]:
    """How far estimates moved, each estimate counted once against the latest figure for its year: count,
    median and largest absolute revision, how many passed the threshold, and how many went up, went down
    or stayed unchanged (the pairs' direction, see ``comparisons``)."""
    rev = final_revisions(pairs)
    size = rev["change_pct"].abs()
    directions = rev["direction"].value_counts() if len(rev) else pd.Series(dtype=int)
    return {
        "count": len(rev),
        "median_abs_pct": float(size.median()) if len(rev) else math.nan,
        "max_abs_pct": float(size.max()) if len(rev) else math.nan,
        "large": int(rev["large"].sum()),
        "upward": int(directions.get("up", 0)),
        "downward": int(directions.get("down", 0)),
        "unchanged": int(directions.get("unchanged", 0)),
    }


def direction_words(summary: dict[str, float], unchanged_pct: float = UNCHANGED_PCT) -> dict[str, str]:
    """The directions of a ``revision_summary`` in words: a phrase for the count, a short form, and which way
    an estimate is more likely to err."""
    up, down, same = summary["upward"], summary["downward"], summary["unchanged"]

    def n(k: float) -> str:
        return "none" if k == 0 else f"{k:g}"

    phrase = (f"all {n(up)} were revised upwards" if up == summary["count"] else
              f"{n(up)} {'was' if up == 1 else 'were'} revised upwards and {n(down)} downwards")
    if same:
        phrase += (f", while {n(same)} {'was' if same == 1 else 'were'} unchanged "
                   f"(a revision of less than {unchanged_pct:g}% either way counts as none)")
    short = ("never downwards" if up and not down else "never upwards" if down and not up
             else "in both directions" if up and down else "not at all")
    lean = ("somewhat more likely low than high" if up > down else "as likely high as low" if up == down
            else "somewhat more likely high than low")
    return {"phrase": phrase, "short": short, "lean": lean}


def best_per_year(figures: pd.DataFrame, key: str) -> pd.DataFrame:
    """The latest statement per year for a series, among the rows and the report (not derived figures).

    Figures tied at the top (two estimates on one page) are all kept; ``on_line`` marks one per year.
    """
    sub = figures[(figures["indicator"] == key) & figures["origin"].isin(["report", "outside"])]
    top = sub.groupby("year")["rank"].transform("max")
    best = sub[sub["rank"] == top].sort_values("year", kind="stable").reset_index(drop=True)
    best["on_line"] = ~best["year"].duplicated()
    return best


# -- citing the pages -----------------------------------------------------------------------------------------


def bib_keys(path: Path = BIBLIOGRAPHY) -> dict[str, str]:
    """Page address → bibliography key, read from the book's references.bib (empty when it is absent)."""
    if not Path(path).exists():
        return {}
    record_read(path)
    text = Path(path).read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r"@\w+\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", text, flags=re.S):
        url = re.search(r"url\s*=\s*\{([^}]*)\}", m.group(2))
        if url:
            out[url.group(1).strip()] = m.group(1)
    return out


@dataclass(frozen=True)
class Sources:
    """The pages a chapter's outside figures come from: cited by key in the book, listed plainly elsewhere."""

    rows: tuple[tuple[str, str, str, str], ...]  # (bibliography key or "", title, address, lines of the csv)

    def _repr_markdown_(self) -> str:
        items = []
        for key, title, url, lines in self.rows:
            cite = f" {{cite:p}}`{key}`" if key else ""
            where = f" <{url}>" if url else " (address not verified)"
            items.append(f"- {_md_text(title)}{cite}:{where} — {lines}")
        return "\n".join(items) + "\n"

    def __repr__(self) -> str:
        return "\n".join(f"{title}: {url or '(address not verified)'} — {lines}" for _, title, url, lines in self.rows)


def _md_text(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)


def sources(ctx: pd.DataFrame, series: Iterable[str] = HEADLINE, path: Path = BIBLIOGRAPHY) -> Sources:
    """One entry per page that the given series were read from, in order of first appearance in the csv."""
    keys = bib_keys(path)
    sub = ctx[ctx["indicator"].isin(list(series))]
    rows = []
    for (title, url), group in sub.groupby(["source_title", "source_url"], sort=False):
        lines = ", ".join(str(int(x)) for x in group["line"])
        word = "lines" if len(group) > 1 else "line"
        rows.append((keys.get(url, ""), display_title(title), url, f"data/context/context_series.csv, {word} {lines}"))
    return Sources(tuple(rows))


# -- tables --------------------------------------------------------------------------------------------------


def figures_table(figures: pd.DataFrame, series: Sequence[str] = HEADLINE, caption: str = ""):
    """Each figure with its source kept apart: 'source: report' or the page's title, address and words."""
    from analysis.tables import Table

    sub = figures[figures["indicator"].isin(list(series)) & figures["origin"].isin(["report", "outside"])]
    order = {k: i for i, k in enumerate(series)}
    sub = sub.assign(_o=sub["indicator"].map(order)).sort_values(["_o", "year", "rank"], kind="stable")
    # Five columns fit the book's text width; its table style keeps the fifth column wide and wraps the last,
    # so the source (title and address) goes there.
    words = sub["excerpt"].where(sub["excerpt"] != "", "(no excerpt)")
    frame = pd.DataFrame({
        "year": sub["year"].astype(str),
        "指标 series": sub["name_zh"] + "\n" + sub["name_en"],
        "figure · status · qualifier": sub["phrase"] + "\n" + sub["status_label"] + "\n" + sub["qualifier"],
        "words 原文 (note)": [f"{w}\n({n})" if n else w for w, n in zip(words, sub["note"], strict=True)],
        "source 来源 (page, address)": [f"{src}\n{url}" if url else src for src, url in
                                       zip(sub["source"], sub["source_url"], strict=True)],
    })
    return Table(frame, caption or "The headline series with each figure's source: the report, or the district "
                                   "page it was read from (title, address, exact words)")


def comparison_table(pairs: pd.DataFrame, caption: str = ""):
    from analysis.tables import Table

    frame = pd.DataFrame({
        "year · series": pairs["year"].astype(str) + "\n" + pairs["series_label"].str.split(" ").str[0],
        "kind": pairs["kind"],
        "earlier figure": pairs["earlier"],
        "later figure": pairs["later"],
        "change 变化": [f"{_pct(v)}{' (unchanged)' if d == 'unchanged' else ''}\nqualifiers allow {_range(lo, hi)}"
                      f"\nbeyond threshold: {'yes' if big else 'no'}"
                      for v, lo, hi, big, d in zip(pairs["change_pct"], pairs["change_lo"], pairs["change_hi"],
                                                   pairs["large"], pairs["direction"], strict=True)],
        "formula 算法": pairs["formula"],
    })
    return Table(frame, caption or "Figures for the same year that differ: how far, by formula")


def implied_table(figures: pd.DataFrame, caption: str = ""):
    from analysis.tables import Table

    sub = figures[figures["origin"] == "implied"].sort_values(["indicator", "year"])
    frame = pd.DataFrame({
        "year · series": sub["year"].astype(str) + "\n" + sub["name_zh"],
        "implied level 推算": [f"{v:.2f}亿元\nrange {_range(lo, hi, '亿元')}" for v, lo, hi in
                             zip(sub["value"], sub["lo"], sub["hi"], strict=True)],
        "formula 算法": sub["formula"],
        "words 原文": sub["excerpt"],
        "from": sub["source"],
    })
    return Table(frame, caption or "Levels implied by the next year's figure and its growth rate (the range carries "
                                   "the rounding of the rate and the level's qualifier)")


def _pct(value: float) -> str:
    """A change in percent to two decimals, or to two significant digits when that would show 0.00."""
    return f"{value:+.2f}%" if abs(value) >= 0.005 or value == 0 else f"{value:+.2g}%"


def _range(lo: float, hi: float, unit: str = "%") -> str:
    if math.isinf(hi):
        return f"at least {lo:+.2f}{unit}" if unit == "%" else f"at least {lo:.2f}{unit}"
    if unit == "%":
        return f"{lo:+.2f}% to {hi:+.2f}%"
    return f"{lo:.2f}–{hi:.2f}{unit}"


# -- charts --------------------------------------------------------------------------------------------------


def _origin_scale(origins: Iterable[str]) -> alt.Scale:
    present = [o for o in ORIGIN_LABEL if o in set(origins)]
    return alt.Scale(domain=[ORIGIN_LABEL[o] for o in present], range=[ORIGIN_COLOR[o] for o in present])


def _status_scale(statuses: Iterable[str]) -> alt.Scale:
    present = [s for s in STATUS_LABEL if s in set(statuses)]
    return alt.Scale(domain=[STATUS_LABEL[s] for s in present], range=[STATUS_SHAPE[s] for s in present])


def _drawn(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns for drawing qualifiers: a bar over the range an approximate or implied figure allows, and an
    arrow upwards from a lower bound (the true value is higher)."""
    out = frame.copy()
    out["bound"] = ["lower bound 以上/突破" if math.isinf(h) else ("range 左右/rounding" if h > lo else "exact")
                    for lo, h in zip(out["lo"], out["hi"], strict=True)]
    out["bar_lo"] = [v if math.isinf(h) else lo for v, lo, h in zip(out["value"], out["lo"], out["hi"], strict=True)]
    out["bar_hi"] = [v * (1 + LOWER_BOUND_REACH) if math.isinf(h) else h
                     for v, h in zip(out["value"], out["hi"], strict=True)]
    out["short"] = [p.split(" (written")[0] for p in out["phrase"]]
    out["url"] = out["source_url"].where(out["source_url"] != "", "—")
    out["xpos"] = out["year"] + out["origin"].map(X_OFFSET).fillna(0.0)
    return out


TOOLTIP = [
    alt.Tooltip("year:O"), alt.Tooltip("series_label:N", title="series"),
    alt.Tooltip("phrase:N", title="figure as written"), alt.Tooltip("status_label:N", title="status"),
    alt.Tooltip("qualifier:N"), alt.Tooltip("source:N"), alt.Tooltip("url:N", title="page"),
    alt.Tooltip("excerpt:N", title="words 原文"),
]
QUALIFIER_NOTE = ("A vertical arrow above a point: a lower bound (以上/突破, the true value is higher); "
                  "a vertical bar: the range a 左右 or an implied figure allows")


def _year_axis(years: Iterable[int], title: bool = True) -> alt.X:
    years = list(years)
    return alt.X("xpos:Q", title="year 年份" if title else None, axis=alt.Axis(format="d", tickMinStep=1),
                 scale=alt.Scale(domain=[min(years) - 0.5, max(years) + 0.5], nice=False, zero=False))


def level_domain(frame: pd.DataFrame, pad: float = LEVEL_PAD) -> list[float]:
    """The y range of a level chart: its figures and their bars, widened to at least ± ``pad`` around their
    middle (a change of one percent then takes a small part of the axis, not all of it)."""
    values = pd.concat([frame["value"], frame["bar_lo"], frame["bar_hi"]])
    lo, hi = float(values.min()), float(values.max())
    mid = (lo + hi) / 2
    lo, hi = min(lo, mid * (1 - pad)), max(hi, mid * (1 + pad))
    margin = 0.04 * (hi - lo)
    return [max(0.0, lo - margin), hi + margin]


def _with_target(domain: list[float], target: float | None) -> list[float]:
    """A level domain widened, if need be, to show a target line with room around it."""
    if target is None:
        return domain
    return [min(domain[0], 0.97 * target), max(domain[1], 1.03 * target)]


def _layers(y_title: str, origins: Iterable[str], statuses: Iterable[str], years: Iterable[int],
            size: int = 90, domain: Sequence[float] | None = None, year_title: bool = True) -> list[alt.Chart]:
    x = _year_axis(years, year_title)
    origins = list(origins)
    color = alt.Color("origin_label:N", title="source", scale=_origin_scale(origins),
                      legend=alt.Legend(orient="bottom", direction="vertical"))
    y_scale = alt.Scale(zero=False, domain=list(domain)) if domain is not None else alt.Scale(zero=False)
    bars = alt.Chart().mark_rule(strokeWidth=2).encode(
        x=x, y=alt.Y("bar_lo:Q", title=y_title, scale=y_scale), y2="bar_hi:Q", color=color,
        tooltip=TOOLTIP,
    ).transform_filter("datum.bound != 'exact'")
    tips = alt.Chart().mark_point(shape="triangle-up", filled=True, size=50).encode(
        x=x, y="bar_hi:Q", color=color, tooltip=TOOLTIP,
    ).transform_filter("datum.bound == 'lower bound 以上/突破'")
    points = alt.Chart().mark_point(filled=True, size=size, opacity=0.9, stroke="white", strokeWidth=0.5).encode(
        x=x, y="value:Q", color=color,
        shape=alt.Shape("status_label:N", title="status", scale=_status_scale(statuses),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=TOOLTIP,
    )
    return [bars, tips, points]


def series_chart(figures: pd.DataFrame, source: Sequence[str], series: Sequence[str] = HEADLINE,
                 width: int = 300, height: int = 180, columns: int = 2) -> alt.ConcatChart:
    """The headline series over the years, one panel each: every stated figure with its status and source.

    The panels sit in a grid of ``columns`` so the chart is about as wide as tall and keeps legible labels
    when a printed page scales it down. Each panel has its own y range (``level_domain``); all share the years
    and the legends. ``source``: the chart's source lines (the report's sections, the outside file).
    """
    data = _drawn(figures[figures["indicator"].isin(list(series)) & figures["origin"].isin(["report", "outside"])])
    panels = []
    shown = [k for k in series if (data["indicator"] == k).any()]
    for i, key in enumerate(shown):
        sub = data[data["indicator"] == key]
        bottom = i >= len(shown) - columns  # no panel below it: its x axis carries the title
        layers = _layers("亿元 (100 million yuan)", data["origin"], data["status"], data["year"],
                         domain=level_domain(sub), year_title=bottom)
        panels.append(alt.layer(*layers).transform_filter(alt.datum.indicator == key).properties(
            width=width, height=height, title=alt.TitleParams(f"{SERIES[key].name_zh} {SERIES[key].name_en}",
                                                              fontSize=12, anchor="start")))
    return alt.concat(*panels, data=data, columns=columns, spacing=18).resolve_scale(y="independent").properties(
        title=alt.TitleParams(
            f"Wuchang's headline series, {data['year'].min()}–{data['year'].max()}: every figure and its status",
            subtitle=[*source, *QUALIFIER_NOTE.split("; "), LEVEL_NOTE + " (in each panel)"]))


def focus_chart(figures: pd.DataFrame, key: str, source: Sequence[str], target: float | None = None,
                target_label: str = "", width: int = 560) -> alt.LayerChart:
    """One series with everything known about each year: stated figures, quoted estimates, implied levels."""
    data = _drawn(figures[figures["indicator"] == key])
    series = SERIES[key]
    domain = _with_target(level_domain(data), target)
    layers = _layers(f"{series.name_zh} {series.name_en}, 亿元", data["origin"], data["status"], data["year"], size=110,
                     domain=domain)
    # Only the latest statement of each year is labelled, centred below its point (the figures of other origins
    # sit beside it, lower-bound arrows above it); the others speak through their tooltips.
    data["labelled"] = False
    best = best_per_year(figures, key)
    for r in best.itertuples():
        data.loc[(data["year"] == r.year) & (data["value"] == r.value) & (data["origin"] == r.origin),
                 "labelled"] = True
    data.loc[data.duplicated(["year", "value"]), "labelled"] = False  # the same figure twice: one label
    labels = alt.Chart().mark_text(align="center", baseline="top", dy=9, fontSize=10, color="#333333").encode(
        x="xpos:Q", y="value:Q", text="short:N", tooltip=TOOLTIP).transform_filter("datum.labelled")
    layers.append(labels)
    if target is not None:
        t = pd.DataFrame({"t": [target], "label": [target_label]})
        layers.append(alt.Chart(t).mark_rule(strokeDash=[6, 4], color=PALETTE[1]).encode(
            y="t:Q", tooltip=[alt.Tooltip("label:N", title="report")]))
        layers.append(alt.Chart(t).mark_text(align="left", x=4, dy=-7, color=PALETTE[1], fontSize=11).encode(
            y="t:Q", text="label:N"))
    return alt.layer(*layers, data=data).properties(width=width, height=320, title=alt.TitleParams(
        f"{series.name_zh} {series.name_en}: every figure for every year, 亿元",
        subtitle=[*source, QUALIFIER_NOTE, LEVEL_NOTE]))


def comparison_chart(pairs: pd.DataFrame, threshold_pct: float, source: Sequence[str],
                     width: int = 420) -> alt.LayerChart:
    """Each pair's change in percent with the range its qualifiers allow; dashed lines at ± the threshold."""
    data = pairs.copy()
    data["lo_draw"] = data["change_lo"].clip(lower=-30, upper=30)
    data["hi_draw"] = data["change_hi"].clip(lower=-30, upper=30)
    data["range"] = [_range(lo, hi) for lo, hi in zip(data["change_lo"], data["change_hi"], strict=True)]
    data["change_text"] = [_pct(v) + (" unchanged" if d == "unchanged" else "")
                           for v, d in zip(data["change_pct"], data["direction"], strict=True)]
    kinds = [k for k in ("revision", "conflict", "differing estimates", "check") if k in set(data["kind"])]
    colors = {"revision": PALETTE[0], "conflict": PALETTE[1], "differing estimates": PALETTE[3], "check": PALETTE[5]}
    color = alt.Color("kind:N", title="comparison", scale=alt.Scale(domain=kinds, range=[colors[k] for k in kinds]),
                      legend=alt.Legend(orient="bottom"))
    tooltip = [alt.Tooltip("label:N", title="pair"), alt.Tooltip("kind:N"), alt.Tooltip("earlier:N"),
               alt.Tooltip("later:N"), alt.Tooltip("change_pct:Q", title="change %", format="+.4f"),
               alt.Tooltip("range:N", title="range the qualifiers allow"), alt.Tooltip("formula:N")]
    y = alt.Y("label:N", title=None, sort=list(data["label"]))
    span = max(6.0, float(data["change_pct"].abs().max()) + 1, threshold_pct + 1)
    x = alt.X("change_pct:Q", title="change 变化, % (later ÷ earlier − 1)", scale=alt.Scale(domain=[-span, span]))
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    ranges = base.mark_rule(strokeWidth=3, opacity=0.35).encode(
        x=alt.X("lo_draw:Q", scale=alt.Scale(domain=[-span, span]), title=None), x2="hi_draw:Q", color=color)
    points = base.mark_point(filled=True, size=90).encode(x=x, color=color)
    text = base.mark_text(align="left", dx=8, fontSize=10).encode(x=x, text="change_text:N")
    rules = pd.DataFrame({"x": [-threshold_pct, 0.0, threshold_pct],
                          "what": [f"−{threshold_pct:g}% threshold", "no change", f"+{threshold_pct:g}% threshold"]})
    refs = alt.Chart(rules).mark_rule(strokeDash=[4, 4], color="#888888").encode(
        x="x:Q", tooltip=[alt.Tooltip("what:N")])
    return alt.layer(refs, ranges, points, text).properties(width=width, height=alt.Step(26), title=alt.TitleParams(
        "How far figures for the same year differ, %",
        subtitle=[*source,
                  "Light bar: the range the qualifiers and the rounding of growth rates allow (clipped at ±30%)"]))


def report_vs_outside_bars(figures: pd.DataFrame, source: Sequence[str], year: int = 2023) -> alt.LayerChart:
    """The report's figures for one year next to what the district pages said, drawn qualifier-aware."""
    sub = figures[(figures["year"] == year) & figures["indicator"].isin(HEADLINE)
                  & figures["origin"].isin(["report", "outside"])]
    order = {k: i for i, k in enumerate(HEADLINE)}
    sub = sub.assign(_o=sub["indicator"].map(order), _r=(sub["origin"] != "report").astype(int))
    sub = sub.sort_values(["_o", "_r", "rank"], kind="stable")
    frame = pd.DataFrame({
        "label": [f"{r.name_zh} · {'report 报告' if r.origin == 'report' else STATUS_LABEL[r.status]}"
                  + ("" if r.origin == "report" else f" (line {int(r.line)})") for r in sub.itertuples()],
        "shown": sub["value"], "phrase": [p.split(" (written")[0] for p in sub["phrase"]],
        "qualifier": sub["qualifier"],
        "quote": [f"{s}: {e}" for s, e in zip(sub["source"], sub["excerpt"], strict=True)],
        "name_en": sub["name_en"], "origin_label": sub["origin"].map(ORIGIN_LABEL),
    })
    chart = qualified_bars(frame, f"{year} in the report and on the district's other pages, 亿元", ["review-1"],
                           "亿元 (100 million yuan)")
    origins = sub["origin"]
    chart.layer[0] = chart.layer[0].encode(color=alt.Color(
        "origin_label:N", title="source", scale=_origin_scale(origins),
        legend=alt.Legend(orient="bottom", direction="vertical")))
    chart.title = alt.TitleParams(f"{year} in the report and on the district's other pages, 亿元",
                                  subtitle=list(source))
    return chart


def path_to_target(figures: pd.DataFrame, target_yi: float, target_label: str, source: Sequence[str],
                   years: tuple[int, int] = (2020, 2025), width: int = 480) -> alt.LayerChart:
    """GDP year by year (latest statement per year) against the report's 迈向2000亿元."""
    best = _drawn(best_per_year(figures, "gdp"))
    best = best[(best["year"] >= years[0]) & (best["year"] <= years[1])]
    layers = _layers("地区生产总值 GDP, 亿元", best["origin"], best["status"], best["year"], size=130,
                     domain=_with_target(level_domain(best), target_yi))
    line = alt.Chart().mark_line(color="#bbbbbb", strokeWidth=1).encode(
        x="xpos:Q", y="value:Q").transform_filter("datum.on_line")
    best["labelled"] = ~best.duplicated(["year", "value"])  # the same figure twice (report and page): one label
    labels = alt.Chart().mark_text(align="left", dx=9, dy=10, fontSize=10).encode(
        x="xpos:Q", y="value:Q", text="short:N").transform_filter("datum.labelled")
    t = pd.DataFrame({"t": [target_yi], "label": [target_label]})
    rule = alt.Chart(t).mark_rule(strokeDash=[6, 4], color=PALETTE[1]).encode(
        y="t:Q", tooltip=[alt.Tooltip("label:N", title="report")])
    tlabel = alt.Chart(t).mark_text(align="left", x=4, dy=-7, color=PALETTE[1], fontSize=11).encode(
        y="t:Q", text="label:N")
    return alt.layer(line, *layers, labels, rule, tlabel, data=best).properties(
        width=width, height=300, title=alt.TitleParams(
            f"GDP against the preface's {target_label.removeprefix('report: ')}: the latest figure for each year",
            subtitle=[*source, QUALIFIER_NOTE, LEVEL_NOTE]))
