"""Chapter 06, Wuchang over the years: what the headline series say once their figures are read together — the
break the 2018 economic census left in the GDP level, budget revenue as a share of GDP, retail sales against
2018, and the three functional zones' "近2000亿元 in five years" against the district's whole investment.

Every figure comes from ``estimates.all_figures`` (the report's, the district pages', implied levels) with the
interval its wording allows; every result here is an interval too, and a bound that cannot be had is said.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from analysis.chapters.estimates import pick, report_row
from analysis.datasets.context_series import STATUS_LABEL, stated_growth
from analysis.methods.derived import APPROX_TOLERANCE, Interval, fmt_down, fmt_up
from analysis.presentation.charts import PALETTE

BREAK_YEAR = 2019  # the first year on the GDP level after the break (the 2018 economic census the likely cause)
BASIS = {False: "before the 2018→2019 level break", True: "after the 2018→2019 level break"}


@dataclass(frozen=True)
class CensusBreak:
    """GDP across the 2018 economic census: the 2018 estimate, the 2019 estimate, and the 2019 level that 2020's
    figure and its (real) growth imply — each step against the growth rates printed beside the levels."""

    gdp_2018: pd.Series
    gdp_2019: pd.Series
    gdp_2020: pd.Series
    growth_2018: float  # percent, as printed beside each level
    growth_2019: float
    growth_2020: float
    step_2018_2019: Interval  # percent, 2018 estimate → 2019 estimate
    implied_2019: Interval
    implied_2019_value: float
    revision_2019: Interval  # percent, 2019 estimate → the level 2020 implies
    jump: Interval  # percent, 2018 estimate → implied 2019


def _printed_growth(row: pd.Series) -> tuple[float, float]:
    growth = stated_growth(row["excerpt"], row["written"])
    if growth is None:
        raise ValueError(f"context_series.csv line {row['line']}: no growth rate in the excerpt {row['excerpt']!r}; "
                         "the census break needs the rate printed beside each level")
    return growth[0], growth[1]


def _change(later: Interval, earlier: Interval) -> Interval:
    q = later / earlier
    return Interval(100 * (q.lo - 1), 100 * (q.hi - 1))


def census_break(figures: pd.DataFrame) -> CensusBreak:
    """A level step between years that the printed growth rates cannot explain marks a change of basis: the
    revision of GDP levels after the 2018 economic census.

    The growth rates are real (at constant prices), so levels implied by them are indicative: prices move them
    by a few percent, not by a fifth. Bounds carry the rounding of the printed rates and levels.
    """
    rows = {year: pick(figures, "gdp", year, origin="outside") for year in (2018, 2019, 2020)}
    (g18, _), (g19, _), (g20, half) = (_printed_growth(rows[y]) for y in (2018, 2019, 2020))

    def span(row: pd.Series) -> Interval:
        return Interval(row["lo"], row["hi"])

    level = span(rows[2020]) / Interval(1 + (g20 - half) / 100, 1 + (g20 + half) / 100)
    return CensusBreak(rows[2018], rows[2019], rows[2020], g18, g19, g20,
                       _change(span(rows[2019]), span(rows[2018])), level, rows[2020]["value"] / (1 + g20 / 100),
                       _change(level, span(rows[2019])), _change(level, span(rows[2018])))


def _year_figures(figures: pd.DataFrame, key: str, year: int) -> pd.DataFrame:
    """The latest statements of a year (several when one page gives two), among stated and implied figures."""
    sub = figures[(figures["indicator"] == key) & (figures["year"] == year) &
                  figures["origin"].isin(["report", "outside", "implied"])]
    stated = sub[sub["origin"] != "implied"]
    sub = stated if len(stated) else sub
    return sub[sub["rank"] == sub["rank"].max()]


def envelope(figures: pd.DataFrame, key: str, year: int) -> pd.Series:
    """A year's latest figures as one: their mean, and the range all of them allow (two estimates of one year
    that disagree give a range covering both), in the shape ``estimates.pick`` returns."""
    sub = _year_figures(figures, key, year)
    if sub.empty:
        raise KeyError(f"no figure for {key} {year}")
    return pd.Series({"value": sub["value"].mean(), "lo": sub["lo"].min(), "hi": sub["hi"].max(),
                      "phrase": " / ".join(dict.fromkeys(sub["phrase"])), "ref": " + ".join(map(str, sub["ref"]))})


def implied_gdp_2019(brk: CensusBreak) -> pd.Series:
    """The census break's implied 2019 GDP in the shape ``estimates.pick`` returns."""
    return pd.Series({"value": brk.implied_2019_value, "lo": brk.implied_2019.lo, "hi": brk.implied_2019.hi,
                      "phrase": f"≈{brk.implied_2019_value:.0f}亿元", "ref": f"implied by {brk.gdp_2020['ref']}"})


def share_of_gdp(figures: pd.DataFrame, key: str = "gp_budget_revenue", gdp_key: str = "gdp",
                 gdp_2019: CensusBreak | None = None) -> pd.DataFrame:
    """A series as a percent of GDP (budget revenue, services value added), each year both are known, with the
    range both figures allow.

    Where a year has two latest figures (one page's table and text), the range covers both. 2019 has no GDP
    figure of its own; with ``gdp_2019`` it uses the level the census break implies, marked as such. Two floors
    (突破1700 over 突破1900) bound nothing: the range is then 0 to infinity and says so.
    """
    rows = []
    years = sorted(set(figures.loc[figures["indicator"] == key, "year"]))
    for year in years:
        part = _year_figures(figures, key, year)
        gdp = _year_figures(figures, gdp_key, year)
        if year == 2019 and gdp.empty and gdp_2019 is not None:
            gdp_lo, gdp_hi = gdp_2019.implied_2019.lo, gdp_2019.implied_2019.hi
            gdp_value, gdp_words = gdp_2019.implied_2019_value, "implied by 2020's level and real growth"
        elif part.empty or gdp.empty:
            continue
        else:
            gdp_lo, gdp_hi = gdp["lo"].min(), gdp["hi"].max()
            gdp_value, gdp_words = gdp["value"].mean(), " / ".join(dict.fromkeys(gdp["phrase"]))
        share = Interval(part["lo"].min(), part["hi"].max()) / Interval(gdp_lo, gdp_hi)
        statuses = sorted({*part["status"], *gdp["status"]} if len(gdp) else {*part["status"], "implied"})
        rows.append({
            "year": year, "share": 100 * part["value"].mean() / gdp_value,
            "lo": 100 * share.lo, "hi": 100 * share.hi, "gdp": gdp_words,
            "part": " / ".join(dict.fromkeys(part["phrase"])),
            "statuses": ", ".join(STATUS_LABEL.get(s, s) for s in statuses),
            "basis": BASIS[year >= BREAK_YEAR],
        })
    frame = pd.DataFrame(rows)
    frame["open_below"] = frame["lo"] <= 0  # a GDP floor without ceiling: the share has only an upper bound
    return frame


def share_words(shares: pd.DataFrame, label: str = "") -> str:
    """Each year's share as the figures allow it: one number, a range, a ceiling, or no bound at all."""
    out = []
    for r in shares.itertuples():
        if r.open_below and math.isinf(r.hi):
            words = f"{r.share:.1f}% on the two printed floors, either way unbounded (both are floors)"
        elif r.open_below:
            words = f"at most {fmt_up(r.hi)}%"
        elif r.hi - r.lo < 0.15:  # the rounding of both figures alone
            words = f"{r.share:.1f}%"
        else:
            words = f"{fmt_down(r.lo)}–{fmt_up(r.hi)}%"  # bounds rounded outwards, so they stay bounds
        out.append(f"{r.year}{label}: {words}")
    return "; ".join(out)


def revenue_share_chart(shares: pd.DataFrame, source: Sequence[str], width: int = 460) -> alt.LayerChart:
    """The share per year as a point with the range its figures allow, and a rule at the census break."""
    data = shares.copy()
    data["lo_draw"] = data["lo"].clip(lower=5)
    data["label"] = data.apply(lambda r: f"≤{r['hi']:.1f}%" if r["open_below"] else f"{r['share']:.1f}%", axis=1)
    x = alt.X("year:O", title="year", axis=alt.Axis(labelAngle=0))
    tooltip = [alt.Tooltip("year:O"), alt.Tooltip("share:Q", title="share, %", format=".2f"),
               alt.Tooltip("lo:Q", title="at least, %", format=".2f"),
               alt.Tooltip("hi:Q", title="at most, %", format=".2f"), alt.Tooltip("part:N", title="revenue"),
               alt.Tooltip("gdp:N", title="GDP"), alt.Tooltip("statuses:N", title="status"),
               alt.Tooltip("basis:N")]
    base = alt.Chart(data).encode(x=x, tooltip=tooltip)
    scale = alt.Scale(domain=[5, 12], clamp=True)
    y = alt.Y("share:Q", title="budget revenue, % of GDP 一般公共预算收入占GDP比重", scale=scale)
    ranges = base.mark_rule(strokeWidth=3, color=PALETTE[0], opacity=0.45).encode(
        y=alt.Y("lo_draw:Q", scale=scale, title="budget revenue, % of GDP 一般公共预算收入占GDP比重"), y2="hi:Q")
    points = base.mark_point(filled=True, size=70).encode(
        y=y, color=alt.Color("basis:N", title="GDP level", scale=alt.Scale(
            domain=[BASIS[False], BASIS[True]],
            range=[PALETTE[5], PALETTE[0]]), legend=alt.Legend(orient="bottom")))
    labels = base.mark_text(dx=10, align="left", fontSize=11).encode(y="share:Q", text="label:N")
    return alt.layer(ranges, points, labels).properties(width=width, height=260, title=alt.TitleParams(
        "Budget revenue as a share of GDP, every year both are known",
        subtitle=["share = 100 × 地方一般公共预算收入 / 地区生产总值",
                  "the bar: the range the two figures' wording allows (a GDP floor such as 突破1900亿元 leaves "
                  "only an upper bound, drawn to the axis)",
                  "2018's GDP is on the level before the break between the 2018 and 2019 estimates", *source]))


@dataclass(frozen=True)
class ZonesCheck:
    """The three functional zones' cumulative investment against the district's fixed-asset investment."""

    zones: pd.Series  # the report's figure, in 亿元, with lo/hi
    years: pd.DataFrame  # year, value, lo, hi, phrase, status, origin
    total: Interval
    total_value: float
    open_year: int | None  # the year whose figure is only a floor, if any
    needed: float  # what that year would need for the district's total to reach the zones' floor
    needed_over: float  # the same, in percent above that year's figure


def zones_against_investment(figures: pd.DataFrame, ind: pd.DataFrame, zones_id: str = "functional_zones_investment_5y",
                             first: int = 2019, last: int = 2023,
                             tolerance: float = APPROX_TOLERANCE) -> ZonesCheck:
    """近五年来 … 三大功能区累计完成投资近2000亿元 against 全社会固定资产投资 summed over the same five years.

    Each year takes its latest stated figure, or the level implied by the next year's growth where the year has
    none; of two latest figures (the report's 380亿元 and the plan report's 380亿元左右) the one whose wording
    allows most, so the district's total is never understated. If the district's total, at its largest, stays
    below the zones' smallest, the zones' figure cannot be fixed-asset investment in the statistical sense. A
    year stated only as a floor (以上) leaves the total without a ceiling; then the check says what that year
    would have to be.
    """
    zones = report_row(ind, zones_id, tolerance)
    rows = []
    for year in range(first, last + 1):
        best = _year_figures(figures, "fai", year)
        if best.empty:
            raise ValueError(f"no fixed-asset investment figure for {year}, stated or implied")
        r = best.sort_values("hi").iloc[-1]
        rows.append({"year": year, "value": r["value"], "lo": r["lo"], "hi": r["hi"], "phrase": r["phrase"],
                     "status": r["status"], "origin": r["origin"]})
    years = pd.DataFrame(rows)
    total = Interval(years["lo"].sum(), years["hi"].sum())
    open_years = years[years["hi"].map(math.isinf)]
    open_year = int(open_years["year"].iloc[0]) if len(open_years) == 1 else None
    needed = needed_over = math.nan
    if open_year is not None:
        rest = years.loc[years["year"] != open_year, "hi"].sum()
        needed = zones["lo"] - rest
        needed_over = 100 * (needed / years.loc[years["year"] == open_year, "value"].iloc[0] - 1)
    return ZonesCheck(zones, years, total, years["value"].sum(), open_year, needed, needed_over)


def zones_chart(check: ZonesCheck, source: Sequence[str], width: int = 480) -> alt.LayerChart:
    """Two bars: the district's investment of the five years stacked by year, and the zones' cumulative figure."""
    district = check.years.copy()
    district["bar"] = "全区全社会固定资产投资 district fixed-asset investment"
    district["part"] = [f"{r.year}: {r.phrase}" + (" (a floor)" if math.isinf(r.hi) else "")
                        for r in district.itertuples()]
    district["label"] = district["year"].astype(str) + [" ≥" if math.isinf(h) else "" for h in district["hi"]]
    span = f"{check.years['year'].min()}–{check.years['year'].max()}"
    zones = pd.DataFrame({"bar": ["三大功能区累计完成投资 the three functional zones"], "year": [span],
                          "value": [check.zones["value"]], "part": [f"{span}: {check.zones['phrase']}"],
                          "label": ["近2000"], "status": ["estimate"], "origin": ["report"]})
    data = pd.concat([district, zones], ignore_index=True)
    data["end"] = data.groupby("bar")["value"].cumsum()
    data["start"] = data["end"] - data["value"]
    data["mid"] = (data["start"] + data["end"]) / 2
    y = alt.Y("bar:N", title=None, sort=[data["bar"].iloc[0], data["bar"].iloc[-1]],
              axis=alt.Axis(labelLimit=330))
    base = alt.Chart(data).encode(y=y, tooltip=[alt.Tooltip("part:N", title="figure"), alt.Tooltip("status:N"),
                                                alt.Tooltip("origin:N")])
    bars = base.mark_bar(stroke="white", strokeWidth=1).encode(
        x=alt.X("start:Q", title="亿元 (hundred million yuan), 2019–2023"), x2="end:Q",
        color=alt.Color("year:O", scale=alt.Scale(domain=[*check.years["year"], span],
                                                  range=[*PALETTE[:len(check.years)], PALETTE[-1]]), legend=None))
    labels = base.mark_text(fontSize=10, color="white").encode(x="mid:Q", text="label:N")
    return alt.layer(bars, labels).properties(width=width, height=alt.Step(46), title=alt.TitleParams(
        "Five years of the district's investment against the three zones' cumulative figure",
        subtitle=["; ".join(["each year's latest figure (of two, the widest wording)",
                             *[f"{r.year} implied by the next year's level and growth"
                               for r in check.years.itertuples() if r.origin == "implied"],
                             *[f"{r.year} a floor ({r.phrase}, marked ≥)"
                               for r in check.years.itertuples() if math.isinf(r.hi)]]), *source]))
