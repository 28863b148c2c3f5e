"""Chapter 05, governance: the domains of the report's statements on grass-roots governance and a
service-oriented government (by keyword, first match wins), averages per governance unit and per resident, and
the governance commitments for 2024 one by one."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from analysis.methods.commitments import MEASURES
from analysis.methods.statements import OTHER, counts_by
from analysis.presentation.charts import PALETTE, source_line
from analysis.presentation.commitments import MEASURE_COLORS, MEASURE_LABELS

# The four outlook paragraphs this chapter reads, in the text's order, and the section each stands in.
GOVERNANCE_THEME = "深化基层治理创新"  # the governance paragraph of 紧盯群众需求 (outlook-5)
PARAGRAPHS = ("建设为民亲善政府", "建设法治高效政府", "建设担当有为政府", GOVERNANCE_THEME)
SECTION_SHORT = {"outlook-6": "突出提能增效", "outlook-5": "紧盯群众需求"}
MEASURE_SCALE = alt.Scale(domain=[MEASURE_LABELS[m] for m in MEASURES], range=MEASURE_COLORS)

GOVERNANCE_DOMAINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("livelihood projects 民生实事", ("民生实事", "主题教育")),
    ("capacity 能力效能", ("培训", "能力", "一网统管", "督查", "考核")),
    ("services for firms 营商服务", ("企业", "民营", "国企", "政企", "市场", "员工", "三岗")),
    ("integrity & initiative 担当廉政", ("廉政", "八项规定", "四风", "审计", "紧日子", "不担当", "不作为", "干事创业",
                                        "敢想", "风清气正")),
    ("rule of law 法治监督", ("法定", "法治", "监督", "执法", "公开", "审管")),
    ("grass-roots governance 基层治理", ("治理", "共同缔造", "社区", "小区", "街道", "党建", "党组织", "党员",
                                         "下沉", "群众", "议事", "驿站", "典型案例", "物业", "群团", "共建", "问题",
                                         "电梯", "民族团结", "枫桥", "矛盾", "资源", "体制机制")),
)


def _ratio_bars(frame: pd.DataFrame, colour: str, x_title: str,
                tooltip: list[alt.Tooltip]) -> tuple[alt.Chart, alt.Chart]:
    bars = alt.Chart(frame).mark_bar(color=colour, height=18).encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=420)),
        x=alt.X("shown:Q", title=x_title), tooltip=tooltip)
    text = bars.mark_text(align="left", dx=4, color="#333333").encode(text=alt.Text("shown:Q", format=".2f"))
    return bars, text


def per_unit_chart(per_unit: pd.DataFrame) -> alt.LayerChart:
    """Averages per governance unit and per project (rows of ``derived_frame``), with a rule at one."""
    bars, text = _ratio_bars(per_unit, PALETTE[2], "ratio (exact counts, so the ratio is exact)", [
        alt.Tooltip("label:N", title="figure"), alt.Tooltip("shown:Q", title="value", format=".2f"),
        alt.Tooltip("formula:N", title="formula 算法"), alt.Tooltip("reading:N", title="what the inputs allow")])
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#999999", strokeDash=[3, 3]).encode(x="x:Q")
    return alt.layer(bars, text, one).properties(width=460, height=alt.Step(30), title=alt.TitleParams(
        "Averages per governance unit and per project, 2023", subtitle=[
            "ratios of the review's counts; averages only, the report gives no distribution over units",
            source_line("review-5")]))


def per_resident_chart(per_resident: pd.DataFrame, per_residents: int, population: int) -> alt.LayerChart:
    """Counts of the review per ``per_residents`` residents (rows of ``derived_frame`` with the report's words)."""
    bars, text = _ratio_bars(per_resident, PALETTE[0], f"per {per_residents:,} residents (2020 census)", [
        alt.Tooltip("label:N", title="figure"), alt.Tooltip("shown:Q", title="value", format=".2f"),
        alt.Tooltip("count:N", title="report says"), alt.Tooltip("formula:N", title="formula 算法")])
    return alt.layer(bars, text).properties(width=460, height=alt.Step(30), title=alt.TitleParams(
        f"Governance units, projects and problems solved per {per_residents:,} residents", subtitle=[
            f"population: 2020 census, {population:,} residents (outside data, not from the report)",
            source_line("review-5")]))


def commitment_squares(outlook: pd.DataFrame) -> alt.Chart:
    """One square per governance commitment, per paragraph in the text's order, coloured by what makes it
    checkable."""
    data = outlook.copy()
    data["measure_label"] = data["measure"].map(MEASURE_LABELS)
    data["order"] = data.groupby("subheading").cumcount() + 1
    data["paragraph_label"] = data["subheading"] + " (" + data["section"].map(SECTION_SHORT) + ")"
    label_order = [f"{t} ({SECTION_SHORT['outlook-6'] if t != GOVERNANCE_THEME else SECTION_SHORT['outlook-5']})"
                   for t in PARAGRAPHS]
    squares = alt.Chart(data).mark_square(size=330).encode(
        x=alt.X("order:O", title="commitments in the order of the text →", axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("paragraph_label:N", title=None, sort=label_order),
        color=alt.Color("measure_label:N", scale=MEASURE_SCALE,
                        legend=alt.Legend(orient="bottom", columns=3, title="measurable by")),
        tooltip=[alt.Tooltip("text:N", title="commitment 承诺"), alt.Tooltip("subheading:N", title="paragraph"),
                 alt.Tooltip("domain:N"), alt.Tooltip("measure_label:N", title="measurable by"),
                 alt.Tooltip("verb:N", title="verb 动词")],
    )
    return squares.properties(width=alt.Step(26), height=alt.Step(34), title=alt.TitleParams(
        "Governance commitments for 2024, one square per commitment", subtitle=[
            "classes of analysis.methods.commitments, as in the chapter on the outlook: checkable = an outcome "
            "number, a date or a named deliverable", source_line("outlook-6", "outlook-5")]))


def domain_counts(outlook: pd.DataFrame) -> pd.DataFrame:
    """Governance commitments per domain and class, every class present (zeros included)."""
    labelled = outlook.assign(measure_label=outlook["measure"].map(MEASURE_LABELS))
    return counts_by(labelled, "domain", "measure_label", [MEASURE_LABELS[m] for m in MEASURES])


def domain_chart(by_domain: pd.DataFrame, sections: Sequence[str] = ("outlook-6", "outlook-5")) -> alt.Chart:
    """Governance commitments per domain (rows of ``counts_by``), stacked by what makes them checkable."""
    order = [d for d, _ in GOVERNANCE_DOMAINS] + [OTHER]
    return alt.Chart(by_domain[by_domain["clauses"] > 0]).mark_bar().encode(
        y=alt.Y("domain:N", sort=order, title=None),
        x=alt.X("clauses:Q", title="commitments 条", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("measure_label:N", scale=MEASURE_SCALE,
                        legend=alt.Legend(orient="bottom", columns=3, title="measurable by")),
        tooltip=[alt.Tooltip("domain:N"), alt.Tooltip("measure_label:N", title="measurable by"),
                 alt.Tooltip("clauses:Q", title="commitments")],
    ).properties(width=420, height=alt.Step(24), title=alt.TitleParams(
        "What the governance commitments are about", subtitle=[
            "domains by keyword rule (analysis.chapters.governance.GOVERNANCE_DOMAINS); classes of "
            "analysis.methods.commitments", source_line(*sections)]))
