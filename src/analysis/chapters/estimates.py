"""Chapter 06, from estimate to final: every figure known for each year of the headline series (the report's,
the district pages', estimates quoted in notes, levels implied by next year's growth), how far estimates were
revised, and the pages they come from."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.datasets.bibliography import fields, source_key
from analysis.datasets.context_series import (
    HEADLINE,
    SERIES,
    STATUS_LABEL,
    STATUS_RANK,
    display_title,
    fmt_value,
    stated_growth,
    with_names,
)
from analysis.methods.derived import APPROX_TOLERANCE, Derived, Interval, interval
from analysis.paths import BIBLIOGRAPHY, CONTEXT_SERIES, relative
from analysis.presentation.charts import REPORT_TITLE
from analysis.presentation.markdown import escape
from analysis.report.quantities import half_step

REPORT_SOURCE = "source: report"


OUTSIDE_NOTE = "Outside the report: data/context/context_series.csv (each figure's page is cited in the table)"


# A revision smaller than this, in percent, is "unchanged": one unit in the last digit of a figure given to
# 0.01亿元 is about 0.007% of a budget revenue near 140亿元.
UNCHANGED_PCT = 0.01


NOTE_ESTIMATE = re.compile(r"(?P<when>[A-Z][a-z]+ \d{4}) estimate was (?P<value>\d+(?:\.\d+)?)亿元")


def report_figures(ind: pd.DataFrame, year: int = 2023) -> pd.DataFrame:
    """The report's own figures of the headline series, in the same shape as the context rows."""
    rows = []
    for key in HEADLINE:
        series = SERIES[key]
        r = ind.loc[series.report_id]
        rows.append({
            "year": year, "indicator": key, "value": r["value"] / 1e8, "unit": "亿元",
            "status": r["status"],  # by the status rule: every 2023 figure of the report is an estimate
            "source_title": REPORT_TITLE, "source_url": "", "excerpt": r["quote"],
            "note": f"section {r['section']}, paragraph {r['paragraph']}; id {r['id']}",
            "line": None, "half_step": r["half_step"] / 1e8, "grade": "report", "qualifier": r["qualifier"],
            "phrase": r["display"], "origin": "report",
            "source": REPORT_SOURCE, "formula": "", "ref": r["id"],
        })
    return with_names(pd.DataFrame(rows))


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
                "line": r.line, "half_step": half_step(m.group("value"), 1e8, "yuan") / 1e8, "grade": r.grade,
                "qualifier": "expected", "phrase": f"{m.group('value')}亿元", "origin": "note",
                "source": f"source: note on line {r.line} ({m.group('when')})", "formula": "",
                "ref": f"note of context_series.csv:{r.line}",
            })
    return with_names(pd.DataFrame(rows)) if rows else ctx.iloc[0:0].copy()


def implied_previous(ctx: pd.DataFrame, tolerance: float = APPROX_TOLERANCE) -> pd.DataFrame:
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
        level = interval(r.value, r.qualifier, tolerance, half_step=r.half_step)
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
    return with_names(pd.DataFrame(rows)) if rows else ctx.iloc[0:0].copy()


def with_bounds(frame: pd.DataFrame, tolerance: float = APPROX_TOLERANCE) -> pd.DataFrame:
    """lo/hi columns: the interval each figure's qualifier allows (an implied figure keeps its own)."""
    out = frame.copy()
    if "lo" not in out:
        out["lo"] = math.nan
        out["hi"] = math.nan
    for i, r in out.iterrows():
        if pd.isna(r["lo"]):
            b = interval(r["value"], r["qualifier"], tolerance, half_step=r["half_step"])
            out.at[i, "lo"], out.at[i, "hi"] = b.lo, b.hi
    return out


def all_figures(ctx: pd.DataFrame, ind: pd.DataFrame, tolerance: float = APPROX_TOLERANCE) -> pd.DataFrame:
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


def report_row(ind: pd.DataFrame, indicator_id: str, tolerance: float = APPROX_TOLERANCE) -> pd.Series:
    """A report indicator in 亿元 with its bounds, in the shape ``pick`` returns."""
    r = ind.loc[indicator_id]
    b = interval(r["value"] / 1e8, r["qualifier"], tolerance, half_step=r["half_step"] / 1e8)
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


def revision_summary(pairs: pd.DataFrame) -> dict[str, Any]:
    """How far estimates moved, each estimate counted once against the latest figure for its year: count,
    median and largest absolute revision, how many passed the threshold, and how many went up, went down
    or stayed unchanged (the pairs' direction, see ``comparisons``)."""
    rev = final_revisions(pairs)
    size = rev["change_pct"].abs()
    directions = rev["direction"].value_counts() if len(rev) else pd.Series(dtype=int)
    return {
        "count": len(rev),
        "series": sorted(set(rev["indicator"])) if len(rev) else [],  # what the evidence is of, and no more
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


@dataclass(frozen=True)
class Sources:
    """The pages a chapter's outside figures come from: cited by key in the book, listed plainly elsewhere."""

    rows: tuple[tuple[str, str, str, str], ...]  # (bibliography key or "", title, address, lines of the csv)

    def _repr_markdown_(self) -> str:
        items = []
        for key, title, url, lines in self.rows:
            cite = f" {{cite:p}}`{key}`" if key else ""
            where = f" <{url}>" if url else " (address not verified)"
            items.append(f"- {escape(title)}{cite}:{where} — {lines}")
        return "\n".join(items) + "\n"

    def __repr__(self) -> str:
        return "\n".join(f"{title}: {url or '(address not verified)'} — {lines}" for _, title, url, lines in self.rows)


def sources(ctx: pd.DataFrame, series: Iterable[str] = HEADLINE, path: Path = BIBLIOGRAPHY) -> Sources:
    """One entry per page that the given series were read from, in order of first appearance in the csv; a page
    without a bibliography entry stops the chapter (``source_key``)."""
    entries = fields(path)
    sub = ctx[ctx["indicator"].isin(list(series))]
    rows = []
    for (title, url), group in sub.groupby(["source_title", "source_url"], sort=False):
        lines = ", ".join(str(int(x)) for x in group["line"])
        word = "lines" if len(group) > 1 else "line"
        rows.append((source_key(url, title, entries=entries), display_title(title), url,
                     f"{relative(CONTEXT_SERIES)}, {word} {lines}"))
    return Sources(tuple(rows))
