"""Chapter 90, source notes: the report's textual defects by kind and by section, and its punctuation widths."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.datasets.notes import PunctuationCount, section_label
from analysis.paths import RAW_REPORT, SOURCE_NOTES, relative
from analysis.presentation.charts import wrap_source
from analysis.report.text import SECTION_KEYS

ORIGIN_COLORS = ("#1f5f8b", "#f2a541")  # hand-written notes, detected layout breaks




def _origin_scale(notes: pd.DataFrame):
    return alt.Scale(domain=sorted(set(notes["origin"])), range=list(ORIGIN_COLORS))


def _subtitle(source: str, extra: str) -> list[str]:
    return wrap_source(source, extra=extra)


def kind_chart(notes: pd.DataFrame, source: str):
    """How many defects of each kind, hand-written notes and detected breaks told apart."""
    data = notes.groupby(["kind", "origin"]).agg(count=("id", "size"),
                                                passages=("passage", lambda p: " / ".join(p))).reset_index()
    order = list(notes["kind"].value_counts().sort_index().sort_values(ascending=False, kind="stable").index)
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("kind:N", sort=order, title=None),
        x=alt.X("count:Q", title="defects noted", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("origin:N", title="listed in", scale=_origin_scale(notes), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("kind:N"), alt.Tooltip("origin:N", title="listed in"), alt.Tooltip("count:Q"),
                 alt.Tooltip("passages:N", title="passages")],
    ).properties(width=380, height=alt.Step(22), title=alt.TitleParams(
        "Textual defects of the report by kind", subtitle=_subtitle(source, relative(SOURCE_NOTES))))


def section_chart(notes: pd.DataFrame, source: str):
    """Defects per section of the report, in reading order."""
    data = notes.groupby(["section", "section_label", "origin"]).agg(
        count=("id", "size"), kinds=("kind", lambda k: ", ".join(sorted(set(k))))).reset_index()
    keys = (*SECTION_KEYS[:6], "furniture", *SECTION_KEYS[6:])  # the byline stands between review and outlook
    empty = [k for k in keys if k not in set(data["section"])]  # sections without a note show as zero
    data = pd.concat([data, pd.DataFrame({"section": empty, "section_label": [section_label(k) for k in empty],
                                          "origin": notes["origin"].iloc[0], "count": 0, "kinds": "none"})],
                     ignore_index=True)
    order = [section_label(k) for k in keys]
    data["label"] = data["section_label"].str.replace(" (", "|(", regex=False)
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("label:N", sort=[o.replace(" (", "|(") for o in order], title=None,
                axis=alt.Axis(labelExpr="split(datum.label, '|')", labelLimit=400)),
        x=alt.X("count:Q", title="defects noted", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("origin:N", title="listed in", scale=_origin_scale(notes), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("section_label:N", title="section"), alt.Tooltip("origin:N", title="listed in"),
                 alt.Tooltip("count:Q"), alt.Tooltip("kinds:N")],
    ).properties(width=380, height=alt.Step(34), title=alt.TitleParams(
        "Where the defects stand: by section of the report", subtitle=_subtitle(source, relative(SOURCE_NOTES))))


def punctuation_chart(counts: list[PunctuationCount], source: str):
    """Half-width against full-width forms of each punctuation mark, as counted in the raw file."""
    rows = []
    for c in counts:
        rows.append({"mark": c.mark, "width": "half-width 半角", "form": c.half, "count": c.half_count})
        rows.append({"mark": c.mark, "width": "full-width 全角", "form": c.full, "count": c.full_count})
    data = pd.DataFrame(rows)
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("mark:N", sort=[c.mark for c in counts], title=None),
        yOffset=alt.YOffset("width:N"),
        x=alt.X("count:Q", title="occurrences in the raw text (decimal points excluded)"),
        color=alt.Color("width:N", title=None, scale=alt.Scale(range=["#c8553d", "#1f5f8b"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("mark:N"), alt.Tooltip("width:N"), alt.Tooltip("form:N", title="character"),
                 alt.Tooltip("count:Q")],
    ).properties(width=380, height=alt.Step(12), title=alt.TitleParams(
        "Punctuation: half-width against full-width forms",
        subtitle=_subtitle(source, f"counted in {relative(RAW_REPORT)}")))
