"""Chapter 03, urban quality: the works of 2023 by count (on a log axis: 5 roads beside 13,000 parking spaces),
Wuhan's total implied by the district's share of its lifts, and water-quality classes read as the ranges a
stated class allows."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from analysis.methods.derived import Derived
from analysis.presentation.charts import PALETTE, QUALIFIER_STYLE, titled
from analysis.report.quantities import parse_qualifier

SECTIONS = ("review-3", "outlook-4")


def class_range(value: float, qualifier: str) -> tuple[int, int]:
    """Water-quality classes (地表水 Ⅰ best … Ⅴ worst) a stated class allows, as (best, worst).

    "Ⅱ类以上" means class Ⅱ *or better*, i.e. Ⅰ–Ⅱ: for classes "above" points to the lower numeral.
    """
    quals = parse_qualifier(qualifier) - {"expected"}
    cls = round(value)
    if not 1 <= cls <= 5:
        raise ValueError(f"water-quality class {value!r} is outside Ⅰ–Ⅴ")
    if quals & {"over", "at_least"}:
        return 1, cls
    return cls, cls


ROMAN = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "Ⅴ")


# The national standard the report's water classes refer to (its classes Ⅰ–Ⅴ; Ⅰ is the cleanest).
WATER_STANDARD = ("《地表水环境质量标准》GB 3838-2002 (Environmental quality standards for surface water), "
                  "which grades surface water from class Ⅰ (best) to class Ⅴ (worst)")


def log_count_bars(frame: pd.DataFrame, title: str, sections: Sequence[str], axis_title: str, *, log: bool = True,
                   width: int = 440) -> alt.LayerChart:
    """Counts of very different size (5 roads, 13000 parking spaces) on a log axis, coloured by sub-heading.

    ``frame`` needs label, shown, phrase, qualifier, quote, group. Inexact values get the same end markers
    as ``analysis.presentation.charts.qualified_bars``.
    """
    data = frame.copy()
    data["qual_base"] = [next((p for p in q.split("+") if p != "expected"), "exact") for q in data["qualifier"]]
    data["marker"] = data["qual_base"].map(lambda q: QUALIFIER_STYLE[q][2])
    scale = alt.Scale(type="log", domainMin=1) if log else alt.Scale()
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=list(data["label"]), title=None),
        tooltip=[alt.Tooltip("label:N", title="indicator"), alt.Tooltip("phrase:N", title="report says"),
                 alt.Tooltip("group:N", title="sub-heading 小标题"), alt.Tooltip("marker:N", title="qualifier"),
                 alt.Tooltip("quote:N")])
    groups = list(dict.fromkeys(data["group"]))
    bars = base.mark_bar(height=16).encode(
        x=alt.X("shown:Q", title=axis_title + (" (log scale 对数轴)" if log else ""), scale=scale),
        x2=alt.X2(datum=1) if log else alt.X2(datum=0),
        color=alt.Color("group:N", title="sub-heading 小标题", scale=alt.Scale(domain=groups, range=PALETTE),
                        legend=alt.Legend(orient="bottom", direction="vertical")))
    labels = base.mark_text(align="left", dx=4, fontSize=11, color="#333333").encode(x="shown:Q", text="phrase:N")
    layers = [bars, labels]
    inexact = data[data["qual_base"] != "exact"]
    if len(inexact):
        layers.append(alt.Chart(inexact).mark_point(filled=True, size=90, color=PALETTE[1], shape="triangle-right")
                      .encode(y=alt.Y("label:N", sort=list(data["label"])), x="shown:Q",
                              tooltip=[alt.Tooltip("marker:N", title="qualifier")]))
    return alt.layer(*layers).properties(width=width, height=alt.Step(24), title=titled(title, sections))


def share_split_chart(part: Derived | pd.Series, total: Derived, part_label: str, rest_label: str, title: str,
                      sections: Sequence[str], unit: str, note: str) -> alt.LayerChart:
    """One stacked bar: the district's part and the rest of an implied total, with the total's range."""
    part_value = float(part["value"]) if isinstance(part, pd.Series) else part.value
    data = pd.DataFrame({
        "bar": [total.name_zh] * 2,
        "piece": [part_label, rest_label],
        "value": [part_value, total.value - part_value],
        "start": [0.0, part_value],
        "end": [part_value, total.value],
        "basis": [f"“{part['quote']}”" if isinstance(part, pd.Series) else part.formula,
                  f"{total.formula} − {part_label}"],
    })
    tip = [alt.Tooltip("piece:N"), alt.Tooltip("value:Q", format=",.0f", title=unit), alt.Tooltip("basis:N")]
    bars = alt.Chart(data).mark_bar(height=34).encode(
        y=alt.Y("bar:N", title=None), x=alt.X("start:Q", title=unit), x2="end:Q",
        color=alt.Color("piece:N", title=None, sort=[part_label, rest_label],
                        scale=alt.Scale(range=[PALETTE[0], "#b9c7d3"]),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        tooltip=tip)
    text = alt.Chart(data).mark_text(color="white", fontSize=12, fontWeight="bold").encode(
        y="bar:N", x=alt.X("mid:Q"), text=alt.Text("value:Q", format=",.0f"), tooltip=tip,
    ).transform_calculate(mid="(datum.start + datum.end) / 2")
    rng = pd.DataFrame({"bar": [total.name_zh], "lo": [total.bounds.lo], "hi": [total.bounds.hi],
                        "reading": [total.reading]})
    whisk = alt.Chart(rng).mark_errorbar(ticks=alt.MarkConfig(size=44), color=PALETTE[1], thickness=2).encode(
        y="bar:N", x=alt.X("lo:Q", title=unit), x2="hi:Q",
        tooltip=[alt.Tooltip("lo:Q", format=",.1f", title="low"), alt.Tooltip("hi:Q", format=",.1f", title="high"),
                 alt.Tooltip("reading:N", title="what it allows")])
    return alt.layer(bars, text, whisk).properties(width=460, height=60, title=titled(title, sections, note))


def water_class_frame(ind: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    rows = []
    for key in ids:
        row = ind.loc[key]
        best, worst = class_range(row["value"], row["qualifier"])
        rows.append({"label": f"{row['name_zh']} ({row['period']})\n{row['name_en']}", "best": best,
                     "worst": worst, "allowed": f"{ROMAN[best - 1]}–{ROMAN[worst - 1]}" if best < worst
                     else ROMAN[best - 1], "phrase": row["display"], "quote": row["quote"], "kind": row["kind"]})
    return pd.DataFrame(rows)


def water_class_chart(frame: pd.DataFrame, title: str, sections: Sequence[str], note: str) -> alt.LayerChart:
    """Classes Ⅰ (best) to Ⅴ (worst): a dot for a stated class, a band for the classes a target allows."""
    axis = alt.Axis(values=[1, 2, 3, 4, 5], labelExpr="['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ', 'Ⅴ'][datum.value]",
                    title="water-quality class 水质类别 (Ⅰ best → Ⅴ worst)", grid=True)
    tooltip = [alt.Tooltip("label:N", title="water"), alt.Tooltip("phrase:N", title="report says"),
               alt.Tooltip("allowed:N", title="classes allowed"), alt.Tooltip("quote:N")]
    base = alt.Chart(frame).encode(y=alt.Y("label:N", sort=list(frame["label"]), title=None), tooltip=tooltip)
    band = base.mark_bar(height=14, opacity=0.35, color=PALETTE[2]).encode(
        x=alt.X("lo:Q", scale=alt.Scale(domain=[0.6, 5.4]), axis=axis), x2="hi:Q"
    ).transform_calculate(lo="datum.best - 0.4", hi="datum.worst + 0.4")
    dots = base.mark_point(filled=True, size=140, color=PALETTE[0]).encode(
        x="worst:Q", shape=alt.Shape("kind:N", title=None, scale=alt.Scale(
            domain=["level", "target"], range=["circle", "diamond"]),
            legend=alt.Legend(orient="bottom", labelExpr="datum.label == 'level' ? 'reported 2023 实绩' : "
                                                          "'target 2024 目标 (worst class allowed)'")))
    return alt.layer(band, dots).properties(width=420, height=alt.Step(34), title=titled(
        title, sections, note))
