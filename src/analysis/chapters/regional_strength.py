"""Chapter 01, regional strength: a 2024 GDP scenario against the target, drawn from zero, and the report's
rankings of the district, each in the group it was ranked in (ranks of different groups are not comparable)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from analysis.errors import DataError, Problem
from analysis.paths import INDICATORS, relative
from analysis.presentation.charts import PALETTE, source_line

# The group each rank is counted in, as the quote or the sentence around it names it.
RANK_GROUPS = {
    "main_indicators_rank_central_districts_2023": "group: Wuhan's central districts 中心城区",
    "china_district_top100_rank_2023": "group: China's urban districts, top-100 list 百强榜",
    "finance_rank_province_2023": "group: Hubei's cities and districts 全省(市、区)",
    "yellow_crane_golden_week_rank_2023": "group: Golden Week popular scenic spots 热门景点",
    "tourism_rank_wuhan_2023": "group: Wuhan's districts 武汉市",
}


def scenario_chart(ind: pd.DataFrame, scenario_growth: float, target_yi: float) -> alt.LayerChart:
    """2023 GDP (a lower bound) and 2024 at the scenario's growth, beside the level compared (by default the
    preface's 迈向2000亿元, a description, not a target); bars start at zero, so the step is drawn at its true
    size."""
    base_yi = ind.loc["gdp_2023", "value"] / 1e8
    scenario_yi = base_yi * (1 + scenario_growth / 100)
    path = pd.DataFrame({
        "step": ["2023 (reported, lower bound)", f"2024 at {scenario_growth:g}% (scenario)"],
        "gdp_yi": [base_yi, scenario_yi],
        "basis": [ind.loc["gdp_2023", "quote"], f"2023 lower bound × (1 + {scenario_growth:g}%)"],
    })
    bars = alt.Chart(path).mark_bar(width=60, color=PALETTE[0]).encode(
        x=alt.X("step:N", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("gdp_yi:Q", title="地区生产总值 GDP, 亿元 (axis from zero)",
                scale=alt.Scale(domain=[0, 1.12 * max(target_yi, scenario_yi)], nice=False)),
        tooltip=[alt.Tooltip("step:N"), alt.Tooltip("gdp_yi:Q", title="亿元", format=",.0f"),
                 alt.Tooltip("basis:N")],
    )
    values = bars.mark_text(baseline="top", dy=10, fontSize=11, color="white").encode(
        text=alt.Text("gdp_yi:Q", format=",.0f"))
    marks = alt.Chart(path).mark_point(shape="triangle-up", filled=True, size=160, color=PALETTE[1]).encode(
        x=alt.X("step:N", sort=None), y="gdp_yi:Q", tooltip=[alt.Tooltip("basis:N")])
    heading = f"迈向 heading toward {target_yi:,.0f}亿元 (preface)"
    target = alt.Chart(pd.DataFrame({"t": [target_yi], "label": [heading]}))
    rule = target.mark_rule(strokeDash=[6, 4], color=PALETTE[1]).encode(y="t:Q", tooltip=["label:N"])
    label = target.mark_text(align="left", dx=4, dy=-8, color=PALETTE[1]).encode(y="t:Q", text="label:N",
                                                                                  x=alt.value(0))
    return alt.layer(bars, values, marks, rule, label).properties(
        width=360, height=280,
        title=alt.TitleParams("GDP 2023 and a 2024 scenario beside the level the preface names", subtitle=[
            "▲ lower bound: 2023 GDP 突破 (exceeded) the value shown; the dashed line is a description, not a target",
            source_line("preface", "review-1")]))


def ranks(ind: pd.DataFrame, sections: Sequence[str]) -> pd.DataFrame:
    """The ranks the sections state, each with the group it was ranked in (``RANK_GROUPS``); a rank without a
    named group is an error, since ranks of different groups cannot be read together."""
    found = ind[(ind["kind"] == "rank") & ind["section_key"].isin(list(sections))].copy()
    missing = sorted(set(found.index) - set(RANK_GROUPS))
    if missing:
        raise DataError([Problem(relative(INDICATORS), None, "id", f"rank {i!r} has no group in "
                                 "analysis.chapters.regional_strength.RANK_GROUPS") for i in missing])
    found["group"] = found.index.map(RANK_GROUPS)
    found["label"] = found["name_zh"] + "\n" + found["group"]
    return found


def rank_chart(ranked: pd.DataFrame) -> alt.LayerChart:
    """Each rank on a log axis (1 = first), labelled with its group and the report's words."""
    chart = alt.Chart(ranked).mark_circle(size=220, color=PALETTE[0]).encode(
        y=alt.Y("label:N", title=None, sort="x",
                axis=alt.Axis(labelExpr="split(datum.label, '\\n')", labelLineHeight=13, labelLimit=360)),
        x=alt.X("value:Q", title="rank 名次 (1 = first; log scale)", scale=alt.Scale(type="log", domain=[0.8, 100])),
        tooltip=[alt.Tooltip("name_zh:N", title="ranking"), alt.Tooltip("name_en:N", title="English"),
                 alt.Tooltip("group:N"), alt.Tooltip("display:N", title="report says"), alt.Tooltip("quote:N")],
    )
    text = chart.mark_text(align="left", dx=12).encode(text="display:N")
    return (chart + text).properties(width=420, height=alt.Step(36), title=alt.TitleParams(
        "Where the report ranks Wuchang in 2023, each rank with its group",
        subtitle=["Ranks in different groups are not comparable with each other", source_line("review-1")]))
