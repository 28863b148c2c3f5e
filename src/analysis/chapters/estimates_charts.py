"""Chapter 06's charts and tables: each figure with its status and source, revisions with the range their
qualifiers allow, and GDP against the preface's 迈向2000亿元."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import altair as alt
import pandas as pd

from analysis.chapters.estimates import best_per_year
from analysis.datasets.context_series import HEADLINE, ORIGIN_LABEL, SERIES, STATUS_LABEL
from analysis.presentation.charts import PALETTE, qualified_bars
from analysis.presentation.tables import Table

STATUS_SHAPE = {"estimate": "circle", "reported": "square", "implied": "cross", "final": "diamond"}


ORIGIN_COLOR = {"report": PALETTE[1], "outside": PALETTE[0], "note": PALETTE[4], "implied": PALETTE[2]}


# Figures of one year sit side by side by origin, so the report's point never hides behind a page's.
X_OFFSET = {"report": -0.16, "note": -0.08, "outside": 0.0, "implied": 0.16}


LOWER_BOUND_REACH = 0.04  # how far up (share of the value) the arrow of a lower bound is drawn


# Level charts do not start at zero; each axis spans at least ± this share around its figures, so a change of
# one percent never fills a panel.
LEVEL_PAD = 0.10


LEVEL_NOTE = (f"The y axis does not start at zero: it spans at least ±{LEVEL_PAD:.0%} around the middle of the "
              "figures shown")


def figures_table(figures: pd.DataFrame, series: Sequence[str] = HEADLINE, caption: str = ""):
    """Each figure with its source kept apart: 'source: report' or the page's title, address and words."""
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
        layers = _layers("亿元 (hundred million yuan)", data["origin"], data["status"], data["year"],
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
                           "亿元 (hundred million yuan)")
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
