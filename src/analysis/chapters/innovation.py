"""Chapter 02, innovation: the review's counts of firms and platforms, the 2022 bases their stated multiples
imply, and the carbon market set against the district's economy, with its scope kept apart (the national,
cumulative market the district hosts is not the district's own activity)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from analysis.datasets.carbon_market import CarbonStatement
from analysis.methods.derived import Derived
from analysis.presentation.charts import PALETTE, QUALIFIER_STYLE, label_room_max, titled

SECTIONS = ("review-2", "outlook-2", "outlook-3")


def base_level_frame(pairs: Sequence[tuple[Derived, pd.Series, str]]) -> pd.DataFrame:
    """Rows for ``base_level_chart``: for each (implied base, reported level, display unit), two bars."""
    rows = []
    for base, level, unit in pairs:
        label = f"{level['name_zh']} ({unit})"
        shown = level["value"] / (1e8 if unit == "亿元" else 1)
        rows.append({"indicator": label, "year": "2022 implied 推算", "value": base.value, "lo": base.bounds.lo,
                     "hi": base.bounds.hi, "basis": base.formula, "reading": base.reading})
        rows.append({"indicator": label, "year": "2023 reported 报告", "value": shown, "lo": None, "hi": None,
                     "basis": f"“{level['quote']}”", "reading": "stated"})
    return pd.DataFrame(rows)


def base_level_chart(frame: pd.DataFrame, title: str, sections: Sequence[str], note: str) -> alt.FacetChart:
    """Implied previous-year base beside the reported level, one panel per indicator (own scale each)."""
    tooltip = [alt.Tooltip("indicator:N"), alt.Tooltip("year:N"), alt.Tooltip("value:Q", format=",.1f"),
               alt.Tooltip("lo:Q", title="low", format=",.1f"), alt.Tooltip("hi:Q", title="high", format=",.1f"),
               alt.Tooltip("basis:N", title="basis 依据"), alt.Tooltip("reading:N", title="what it allows")]
    base = alt.Chart().encode(x=alt.X("year:N", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
                              tooltip=tooltip)
    bars = base.mark_bar(width=46).encode(
        y=alt.Y("value:Q", title=None),
        color=alt.Color("year:N", legend=None, scale=alt.Scale(range=[PALETTE[5], PALETTE[0]])))
    whisk = base.mark_errorbar(ticks=True, color=PALETTE[1], thickness=2).encode(
        y=alt.Y("lo:Q", title=None), y2="hi:Q")
    text = base.mark_text(dy=-8, fontSize=11).encode(y="top:Q", text=alt.Text("value:Q", format=",.0f")
                                                     ).transform_calculate(top="max(datum.value, datum.hi || 0)")
    return alt.layer(bars, whisk, text, data=frame).properties(width=200, height=220).facet(
        column=alt.Column("indicator:N", title=None, header=alt.Header(labelFontSize=12)),
    ).resolve_scale(y="independent").properties(title=titled(title, sections, note))


SCOPE_COLOURS = {"district 武昌区 · annual 年度": PALETTE[0],
                 "national market 全国碳市场 · cumulative 累计": PALETTE[1]}


ESTIMATE = ("estimate", 0.45, "square", "estimate 估算 (volume × assumed price)")


def scope_bars(frame: pd.DataFrame, title: str, sections: Sequence[str], axis_title: str,
               notes: Sequence[str] = (), width: int = 460) -> alt.VConcatChart:
    """One panel per scope (district-annual, national-cumulative), each with its own axis: figures of different
    scope and area are set one above the other, never on one axis as if comparable. Qualifier end markers as in
    ``qualified_bars``.

    ``frame`` needs label, shown, phrase, qualifier (a report qualifier or 'estimate'), scope, basis.
    """
    data = frame.copy()
    styles = {**{q: (s[0], s[1], s[2]) for q, s in QUALIFIER_STYLE.items()}, ESTIMATE[0]: ESTIMATE[1:]}
    data["qual_base"] = [next((p for p in q.split("+") if p != "expected"), "exact") for q in data["qualifier"]]
    data["opacity"] = data["qual_base"].map(lambda q: styles[q][0])
    data["legend"] = data["qual_base"].map(lambda q: styles[q][2])
    present = [q for q in styles if q in set(data["qual_base"])]
    shapes = [styles[q][1] if styles[q][1] != "stroke" else "M-1,-1L1,-1L1,1L-1,1Z" for q in present]
    tooltip = [alt.Tooltip("label:N", title="figure"), alt.Tooltip("phrase:N", title="report says / estimate"),
               alt.Tooltip("scope:N"), alt.Tooltip("qualifier:N"), alt.Tooltip("basis:N", title="quote or formula")]
    shape = alt.Shape("legend:N", title="qualifier", scale=alt.Scale(domain=[styles[q][2] for q in present],
                                                                      range=shapes),
                      legend=alt.Legend(orient="bottom", direction="vertical"))
    panels = []
    for scope, colour in SCOPE_COLOURS.items():
        sub = data[data["scope"] == scope]
        if sub.empty:
            continue
        base = alt.Chart(sub).encode(y=alt.Y("label:N", sort=list(sub["label"]), title=None), tooltip=tooltip)
        x_scale = alt.Scale(domain=[0, label_room_max(list(sub["shown"]), list(sub["phrase"]), width)])
        bars = base.mark_bar(height=18, color=colour).encode(
            x=alt.X("shown:Q", title=axis_title, scale=x_scale), opacity=alt.Opacity("opacity:Q", legend=None,
                                                                                    scale=None))
        ends = base.mark_point(filled=True, size=110, color="#333333").encode(x="shown:Q", shape=shape)
        labels = base.mark_text(align="left", dx=9, fontSize=11, color="#333333").encode(x="shown:Q",
                                                                                         text="phrase:N")
        panels.append(alt.layer(bars, ends, labels).properties(width=width, height=alt.Step(30),
                                                               title=alt.TitleParams(scope, fontSize=12)))
    return alt.vconcat(*panels, spacing=20).resolve_scale(x="independent").properties(
        title=titled(title, sections, *notes))


def carbon_price_table(statements: Sequence[CarbonStatement]) -> pd.DataFrame:
    """The statements behind the default price, with their totals in 亿元 and 亿吨 and their addresses."""
    rows = [{"period": s.period, "turnover 成交额, 亿元": f"{s.turnover_yuan / 1e8:,.2f}",
             "volume 成交量, 亿吨": f"{s.volume_tonnes / 1e8:,.2f}",
             "average 元/吨": f"{s.turnover_yuan / s.volume_tonnes:,.2f}",
             "source 来源": f"{s.publisher}: 《{s.title}》, {s.dated}" + (f"; {s.note}" if s.note else "")
             + f"; grade: {s.grade}\n{s.url}"} for s in statements]
    total_t = sum(s.turnover_yuan for s in statements)
    total_v = sum(s.volume_tonnes for s in statements)
    rows.append({"period": "together: to the end of 2023", "turnover 成交额, 亿元": f"{total_t / 1e8:,.2f}",
                 "volume 成交量, 亿吨": f"{total_v / 1e8:,.2f}", "average 元/吨": f"{total_t / total_v:,.2f}",
                 "source 来源": "sum of the rows above"})
    return pd.DataFrame(rows)
