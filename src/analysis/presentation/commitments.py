"""The outlook's commitments as charts and tables, for every chapter that reads them: per paragraph and class
(``paragraph_chart``), and the clauses with their verb, object and what makes them checkable (``commitment_table``).
The classes are those of ``analysis.methods.commitments``, the book's one classifier."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.methods.commitments import CHECKABLE, MEASURES, evidence
from analysis.presentation.charts import wrap_source
from analysis.presentation.tables import Table
from analysis.report.text import SECTION_BY_KEY


def commitment_table(rows: pd.DataFrame, ind: pd.DataFrame, caption: str, compact: bool = False,
                     extra: dict[str, list] | None = None, place: str = "section"):
    """Commitments as the reader sees them: the clause, its verb and object, and what makes it checkable.

    ``compact`` gives the sub-heading, clause, verb and class only; ``extra`` adds columns (name → values)
    before the class, such as a chapter's own domain of each clause. ``place`` says where a clause stands:
    "section" (section heading and sub-heading), "subheading", or "none" (rows of a single paragraph).
    """
    extra = extra or {}
    if compact:
        return Table(pd.DataFrame({"№": rows["n"], "sub-heading 小标题": rows["subheading"],
                                   "clause 原文": rows["text"], "verb 动词": rows["verb"], **extra,
                                   "measurable by": rows["measure"]}), caption)
    where = {
        "section": {"section · sub-heading 小标题": [f"{SECTION_BY_KEY[s].heading}\n{h}" for s, h in
                                                   zip(rows["section"], rows["subheading"], strict=True)]},
        "subheading": {"sub-heading 小标题": list(rows["subheading"])},
        "none": {},
    }[place]
    return Table(pd.DataFrame({
        "№": rows["n"],
        **where,
        "clause 原文": rows["text"],
        "verb 动词": rows["verb"],
        "object 宾语": [(f"[{s}] " if s else "") + o for s, o in zip(rows["subject"], rows["object"], strict=True)],
        **extra,
        "measurable by": rows["measure"],
        "evidence": [evidence(r, ind) for r in rows.itertuples()],
    }), caption)


MEASURE_LABELS = {
    "number (outcome)": "number: an outcome 数字目标",
    "date": "date 时间节点",
    "named deliverable": "named deliverable 具名项目",
    "number (scope)": "number: scope only 范围数字",
    "vague": "vague 笼统表述",
}


MEASURE_COLORS = ["#1f5f8b", "#6b4e71", "#588b8b", "#f2a541", "#c9c9c9"]


def section_axis_label(key: str) -> str:
    """A two-line axis label: the Chinese heading, then its English name ('|' is the line break)."""
    spec = SECTION_BY_KEY[key]
    return f"{spec.heading}|{spec.name_en}"


def multiline_y(field: str, sort, title=None):
    return alt.Y(field, sort=sort, title=title, axis=alt.Axis(labelExpr="split(datum.label, '|')", labelLimit=400))


CHECKABLE_NOTE = "checkable = an outcome number, a date or a named deliverable"


def paragraph_chart(df: pd.DataFrame, title: str, source: str, width: int = 420):
    """Commitments per outlook paragraph (sub-heading), stacked by class, one panel per section.

    For chapters that read some sections: the rows come from ``select`` on the one ``commitments`` table, so a
    section's bars add up to its bar in ``measure_chart``.
    """
    data = (df.groupby(["section", "subheading", "measure"], sort=False)
            .agg(count=("n", "size"), clauses=("text", lambda t: " / ".join(t)[:320])).reset_index())
    data["heading"] = data["section"].map(section_axis_label)
    data["measure_label"] = data["measure"].map(MEASURE_LABELS)
    data["order"] = data["measure"].map(MEASURES.index)
    data["checkable"] = data["measure"].isin(CHECKABLE).map({True: "yes", False: "no"})
    domain = [MEASURE_LABELS[m] for m in MEASURES]
    bars = alt.Chart(data).mark_bar(height=20).encode(
        y=alt.Y("subheading:N", sort=list(dict.fromkeys(df["subheading"])), title=None),
        x=alt.X("count:Q", title="commitments 承诺条数", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("measure_label:N", title="measurable by", scale=alt.Scale(domain=domain,
                                                                              range=MEASURE_COLORS),
                        legend=alt.Legend(orient="bottom", columns=2)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("subheading:N", title="sub-heading 小标题"),
                 alt.Tooltip("measure_label:N", title="measurable by"), alt.Tooltip("checkable:N"),
                 alt.Tooltip("count:Q", title="commitments"), alt.Tooltip("clauses:N", title="the clauses")],
    ).properties(width=width, height=alt.Step(28))
    headings = [section_axis_label(k) for k in dict.fromkeys(df["section"])]
    header = alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top", labelFontSize=12,
                        labelFontWeight="bold", labelExpr="split(datum.label, '|')", labelLimit=600)
    return bars.facet(row=alt.Row("heading:N", sort=headings, title=None, header=header)).resolve_scale(
        y="independent").properties(title=alt.TitleParams(title, subtitle=[
            CHECKABLE_NOTE, *wrap_source(source, extra="segmentation and classes: analysis.methods.commitments")]))
