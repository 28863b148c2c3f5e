"""Chapter 07, the outlook as commitments: how measurable the outlook's commitments are per section, its verbs,
the words each part emphasises, the forward-looking statements a later official figure already checks, and what
the district's later reviews say about each commitment."""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import pandas as pd

from analysis.datasets.context_series import PLAN_TARGETS, latest, page_title, stated_growth
from analysis.datasets.later_reviews import NOT_MENTIONED, VERDICTS, LaterReviews
from analysis.methods.commitments import MEASURES
from analysis.methods.derived import APPROX_TOLERANCE, Interval, interval, stated_interval
from analysis.methods.words import distinctive, top_words
from analysis.presentation.charts import wrap_source
from analysis.presentation.commitments import (
    CHECKABLE_NOTE,
    MEASURE_COLORS,
    MEASURE_LABELS,
    multiline_y,
    section_axis_label,
)
from analysis.report.text import OUTLOOK


@dataclass(frozen=True)
class ContextCheck:
    what: str  # the commitment, in the report's words
    section: str
    target: str  # what the report sets, as it writes it
    indicator: str  # the context series used
    year: int
    found: str  # the later figure, as its source writes it
    status: str
    verdict: str
    formula: str
    source: str


def _judge(target: Interval, found: Interval) -> str:
    """met when all the account allows reaches the target's floor, missed when none of it does."""
    if found.lo >= target.lo:
        return "met"
    if found.hi < target.lo:
        return "missed"
    return "too close to call at the printed precision"


def plan_checks(ctx: pd.DataFrame, year: int = 2024, tolerance: float = APPROX_TOLERANCE) -> list[ContextCheck]:
    """The district's own plan targets for ``year`` (outside the report) against its account of that year."""
    checks = []
    for target_key, series, what in PLAN_TARGETS:
        target, account = latest(ctx, target_key, year), latest(ctx, series, year)
        if target is None or account is None:
            continue
        # A target is set, not measured: 增长5% aims at 5, not at 4.5–5.5 (左右 still loosens it).
        aim = interval(target["value"], target["qualifier"], tolerance)
        on = " (on an estimate)" if account["status"] == "estimate" else ""
        if what == "growth":
            growth = stated_growth(account["excerpt"], account["written"])
            if growth is None:
                found = f"{account['phrase']} ({account['status']}); no growth rate stated"
                verdict = "cannot be judged from the text read: the account gives the level, not the growth"
            else:
                rate, half, floor = growth
                found = f"growth {rate:g}%{'以上' if floor else ''} ({account['status']})"
                verdict = _judge(aim, Interval(rate - half, math.inf if floor else rate + half)) + on
        else:
            found = f"{account['phrase']} ({account['status']})"
            verdict = _judge(aim, interval(account["value"], account["qualifier"], tolerance,
                                           half_step=account["half_step"])) + on
        checks.append(ContextCheck(
            f"{target['name_zh']} ({target['name_en']}): {target['phrase']}", f"{year} plan (outside the report)",
            target["phrase"], series, year, found, account["status"], verdict,
            f"{year} account against the plan's floor", f"{page_title(account)} {account['source_url']}"))
    return checks


def context_checks(ind: pd.DataFrame, ctx: pd.DataFrame, heading_id: str = "gdp_heading_2000",
                   investment_base_id: str = "fixed_asset_investment_2023") -> list[ContextCheck]:
    """The report's forward-looking words that a later official figure bears on, and the district's own 2024
    plan targets against its account of 2024.

    The preface's 迈向2000亿元 ("heading toward") describes where 2023 stands; it is not a target and gets no
    verdict. The district's goals for 2024 are in its 2024 plan, an outside document (``plan_checks``).
    """
    checks = []
    heading = ind.loc[heading_id]
    gdp = latest(ctx, "gdp", 2024)
    if gdp is not None:
        checks.append(ContextCheck(
            f"{heading['name_zh']}: {heading['quote']}", heading["section"], "no target (迈向 describes 2023)",
            "gdp", 2024, f"{gdp['phrase']} ({gdp['status']})", gdp["status"],
            "no verdict: a description of direction is not a goal",
            "—", f"{page_title(gdp)} {gdp['source_url']}".strip()))
    checks += plan_checks(ctx)
    fai = latest(ctx, "fai", 2024)
    if fai is not None and investment_base_id in ind.index:
        base = ind.loc[investment_base_id]
        change = interval(fai["value"], fai["qualifier"], half_step=fai["half_step"]).scale(1e8) / \
            stated_interval(base)
        lo = math.floor(1000 * (change.lo - 1) + 1e-9) / 10  # a lower bound, rounded down
        hi = math.ceil(1000 * (change.hi - 1) - 1e-9) / 10 if math.isfinite(change.hi) else math.inf
        moved = f"at least {lo:+.1f}%" if math.isinf(hi) else f"between {lo:+.1f}% and {hi:+.1f}%"
        checks.append(ContextCheck(
            "狠抓项目投资 (push project investment)", "坚持夯基固本 着力增强发展基础支撑", "no number set",
            "fai", 2024, f"{fai['phrase']} ({fai['status']})", fai["status"],
            f"no target in the report; investment changed by {moved} on 2023's {base['display']}",
            "100 × (2024 investment / 2023 investment − 1)", f"{page_title(fai)} {fai['source_url']}".strip()))
    return checks


# Verdicts from the strongest to none: a commitment two texts speak of keeps the stronger verdict.
VERDICT_ORDER = ("reported done", "reported done later", "reported in part", "contradicted", "named differently",
                 "subject named", "related, not named", NOT_MENTIONED)
VERDICT_COLORS = ("#1f5f8b", "#4f86ad", "#588b8b", "#c8553d", "#f2a541", "#b9a3c4", "#e3d5ea", "#dedede")
assert set(VERDICT_ORDER) == {*VERDICTS, NOT_MENTIONED}


def followups(table: pd.DataFrame, later: LaterReviews) -> pd.DataFrame:
    """Every commitment of the outlook with what the later texts read say of it: one row per commitment, the
    strongest verdict any text gives, its quote and the text's key; NOT_MENTIONED where none speaks of it.

    A row of the follow-up file must name a commitment as the segmentation cuts it; one that names none (the
    segmentation changed) stops the chapter with its line, rather than dropping the match silently.
    """
    known = set(table["text"])
    lost = later.followups[~later.followups["commitment"].isin(known)]
    if len(lost):
        lines = ", ".join(f"line {r.line} ({r.commitment})" for r in lost.itertuples())
        raise ValueError(f"commitment_followup.csv: {lines} match no commitment of the outlook as "
                         "analysis.methods.commitments cuts it; expected a commitment's words exactly")
    rank = {v: i for i, v in enumerate(VERDICT_ORDER)}
    best = (later.followups.assign(rank=later.followups["verdict"].map(rank))
            .sort_values(["rank", "line"]).drop_duplicates("commitment"))
    texts = later.texts.set_index("key")
    out = table[["n", "section", "subheading", "text", "measure", "checkable"]].merge(
        best[["commitment", "review", "quote", "verdict", "note"]], how="left", left_on="text",
        right_on="commitment").drop(columns="commitment")
    out["verdict"] = out["verdict"].fillna(NOT_MENTIONED)
    out[["review", "quote", "note"]] = out[["review", "quote", "note"]].fillna("")
    out["reviews_year"] = out["review"].map(lambda k: texts.loc[k, "reviews_year"] if k else pd.NA)
    out["verdict_rank"] = out["verdict"].map(rank)
    return out


def followup_chart(rows: pd.DataFrame, source: str):
    """Commitments per outlook section, stacked by what the later texts read say of them."""
    data = (rows.groupby(["section", "verdict"])
            .agg(count=("n", "size"), examples=("text", lambda t: " / ".join(list(t)[:3]))).reset_index())
    data["label"] = data["section"].map(section_axis_label)
    data["order"] = data["verdict"].map(VERDICT_ORDER.index)
    return alt.Chart(data).mark_bar().encode(
        y=multiline_y("label:N", [section_axis_label(k) for k in OUTLOOK]),
        x=alt.X("count:Q", title="commitments 承诺条数"),
        color=alt.Color("verdict:N", title="the later texts read", scale=alt.Scale(
            domain=list(VERDICT_ORDER), range=list(VERDICT_COLORS)), legend=alt.Legend(orient="bottom", columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("label:N", title="section"), alt.Tooltip("verdict:N"),
                 alt.Tooltip("count:Q", title="commitments"), alt.Tooltip("examples:N", title="e.g.")],
    ).properties(width=460, height=alt.Step(44), title=alt.TitleParams(
        "Commitments for 2024 and what the district's next reviews say of them",
        subtitle=[f"{NOT_MENTIONED}: only the beginning of each later text could be read",
                  *wrap_source(source)]))


PART_COLORS = {"review 回眸": "#1f5f8b", "outlook 展望": "#c8553d"}


def measure_chart(df: pd.DataFrame, source: str):
    """Commitments per outlook section, stacked by how measurable they are."""
    data = df.groupby(["section", "measure"]).agg(count=("n", "size"),
                                                 examples=("text", lambda t: " / ".join(list(t)[:3]))).reset_index()
    data["label"] = data["section"].map(section_axis_label)
    data["measure_label"] = data["measure"].map(MEASURE_LABELS)
    data["order"] = data["measure"].map(MEASURES.index)
    domain = [MEASURE_LABELS[m] for m in MEASURES]
    return alt.Chart(data).mark_bar().encode(
        y=multiline_y("label:N", [section_axis_label(k) for k in OUTLOOK]),
        x=alt.X("count:Q", title="commitments 承诺条数"),
        color=alt.Color("measure_label:N", title="measurable by", scale=alt.Scale(domain=domain,
                                                                              range=MEASURE_COLORS),
                        legend=alt.Legend(orient="bottom", columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("label:N", title="section"), alt.Tooltip("measure_label:N", title="measurable by"),
                 alt.Tooltip("count:Q", title="commitments"), alt.Tooltip("examples:N", title="e.g.")],
    ).properties(width=460, height=alt.Step(44), title=alt.TitleParams(
        "Commitments for 2024 per outlook section, by what makes them checkable",
        subtitle=wrap_source(source, extra="segmentation: analysis.methods.commitments")))


def share_chart(per: pd.DataFrame, overall: float, source: str):
    """The share of each section's commitments a reader could check a year later."""
    data = per.reset_index()[["section", "total", "checkable", "share_checkable"]].copy()
    data["label"] = data["section"].map(section_axis_label)
    base = alt.Chart(data).encode(
        y=multiline_y("label:N", [section_axis_label(k) for k in OUTLOOK]),
        x=alt.X("share_checkable:Q", title="checkable 可核查, % of the section's commitments",
                scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("label:N", title="section"), alt.Tooltip("checkable:Q"), alt.Tooltip("total:Q"),
                 alt.Tooltip("share_checkable:Q", title="share, %", format=".1f")])
    bars = base.mark_bar(color=MEASURE_COLORS[0])
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text("share_checkable:Q", format=".0f"))
    rule_data = pd.DataFrame({"share": [overall], "label": [f"all sections {overall:.0f}%"]})
    rule = alt.Chart(rule_data).mark_rule(strokeDash=[5, 3], color="#c8553d").encode(
        x="share:Q", tooltip=[alt.Tooltip("label:N", title="overall")])
    return alt.layer(bars, text, rule).properties(width=420, height=alt.Step(44), title=alt.TitleParams(
        "Share of commitments a reader could check a year later",
        subtitle=[f"{CHECKABLE_NOTE}; share = 100 × checkable / total",
                  *wrap_source(source)]))


def verb_chart(df: pd.DataFrame, top_n: int, source: str):
    """The outlook's most frequent verbs, stacked by the measurability of the clauses they head."""
    totals = df["verb"].value_counts()
    top = sorted(totals.index, key=lambda v: (-totals[v], v))[:top_n]
    sub = df[df["verb"].isin(top)]
    data = sub.groupby(["verb", "measure"]).agg(count=("n", "size"),
                                               examples=("text", lambda t: " / ".join(list(t)[:3]))).reset_index()
    data["measure_label"] = data["measure"].map(MEASURE_LABELS)
    data["order"] = data["measure"].map(MEASURES.index)
    domain = [MEASURE_LABELS[m] for m in MEASURES]
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("verb:N", sort=top, title="verb 动词"),
        x=alt.X("count:Q", title="commitments headed by the verb"),
        color=alt.Color("measure_label:N", title="measurable by",
                        scale=alt.Scale(domain=domain, range=MEASURE_COLORS),
                        legend=alt.Legend(orient="bottom", columns=3)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("verb:N"), alt.Tooltip("measure_label:N", title="measurable by"),
                 alt.Tooltip("count:Q", title="commitments"), alt.Tooltip("examples:N", title="e.g.")],
    ).properties(width=420, height=alt.Step(20), title=alt.TitleParams(
        f"The {len(top)} most frequent verbs of the outlook", subtitle=wrap_source(source)))


def top_words_chart(counts: pd.DataFrame, top_n: int, source: str):
    """Each part's most frequent words, per 1000 words of that part, side by side."""
    panels = []
    for part in ("review", "outlook"):
        data = top_words(counts, part, top_n)
        other = "outlook" if part == "review" else "review"
        data["other"] = data[other]
        label = "review 回眸" if part == "review" else "outlook 展望"
        panels.append(alt.Chart(data).mark_bar(color=PART_COLORS[label]).encode(
            y=alt.Y("word:N", sort=list(data["word"]), title=None),
            x=alt.X("per_1000:Q", title=f"per 1000 words of the {part}"),
            tooltip=[alt.Tooltip("word:N"), alt.Tooltip("count:Q", title=f"count in the {part}"),
                     alt.Tooltip("per_1000:Q", title="per 1000 words", format=".1f"),
                     alt.Tooltip("other:Q", title=f"count in the {other}")],
        ).properties(width=230, height=alt.Step(17), title=label))
    return alt.hconcat(*panels).properties(title=alt.TitleParams(
        f"The {top_n} most frequent words of the review and of the outlook (jieba segmentation)",
        subtitle=wrap_source(source, extra="stopwords: analysis.methods.words.STOPWORDS")))


def distinctive_chart(ratios: pd.DataFrame, top_n: int, smoothing: float, min_count: int, source: str):
    """Words leaning most to each part, by smoothed log2 ratio of their rates."""
    data = distinctive(ratios, top_n)
    order = list(data.sort_values("log2_ratio", ascending=False)["word"])
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("word:N", sort=order, title=None),
        x=alt.X("log2_ratio:Q", title="log2 ratio of rates, outlook ÷ review (0 = equal emphasis)"),
        color=alt.Color("leans:N", title="leans to", scale=alt.Scale(domain=list(PART_COLORS),
                                                                  range=list(PART_COLORS.values())),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("word:N"), alt.Tooltip("review:Q", title="count in review"),
                 alt.Tooltip("outlook:Q", title="count in outlook"),
                 alt.Tooltip("log2_ratio:Q", title="log2 ratio", format="+.2f")],
    ).properties(width=420, height=alt.Step(15), title=alt.TitleParams(
        "Words distinctive of each part",
        subtitle=[f"log2 of (count + {smoothing:g}) / (words + {smoothing:g}·vocabulary), outlook over review; "
                  f"words seen at least {min_count} times", *wrap_source(source)]))


def gdp_step_chart(ind: pd.DataFrame, ctx: pd.DataFrame, source: str, base_id: str = "gdp_2023",
                   target_id: str = "gdp_heading_2000"):
    """The preface's step towards 2000亿元: 2023 as reported (a lower bound) and 2024 from the context series."""
    base, target = ind.loc[base_id], ind.loc[target_id]
    gdp = latest(ctx, "gdp", 2024)
    rows = [{"year": "2023", "yi": base["value"] / 1e8, "says": base["display"], "basis": f"report: “{base['quote']}”",
             "kind": "lower bound 突破 (more than shown)"}]
    if gdp is not None:
        rows.append({"year": "2024", "yi": gdp["value"], "says": f"{gdp['value']:g}{gdp['unit']}",
                     "basis": f"{gdp['status']}: {gdp['excerpt']}", "kind": f"{gdp['status']} 预计 (context series)"})
    data = pd.DataFrame(rows)
    scale = alt.Scale(domain=[1800, 2100], zero=False)
    points = alt.Chart(data).mark_point(filled=True, size=220).encode(
        x=alt.X("year:N", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("yi:Q", title="地区生产总值 GDP, 亿元", scale=scale),
        shape=alt.Shape("kind:N", title=None, scale=alt.Scale(domain=list(data["kind"]),
                                                               range=["triangle-up", "circle"][:len(data)]),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        color=alt.value("#1f5f8b"),
        tooltip=[alt.Tooltip("year:N"), alt.Tooltip("says:N", title="stated as"), alt.Tooltip("basis:N")])
    labels = points.mark_text(dx=14, align="left").encode(text="says:N")
    tdata = pd.DataFrame({"t": [target["value"] / 1e8], "label": [f"{target['quote']} (preface: heading toward)"]})
    rule = alt.Chart(tdata).mark_rule(strokeDash=[6, 4], color="#c8553d").encode(
        y=alt.Y("t:Q", scale=scale), tooltip=["label:N"])
    rlabel = alt.Chart(tdata).mark_text(align="left", dy=-8, color="#c8553d").encode(
        y=alt.Y("t:Q", scale=scale), x=alt.value(4), text="label:N")
    return alt.layer(rule, rlabel, points, labels).properties(width=320, height=260, title=alt.TitleParams(
        "Where the preface says GDP is heading, and the district's later estimate",
        subtitle=["▲ lower bound: 2023 GDP 突破 (exceeded) the value shown; the dashed line is a description "
                  "(迈向, heading toward), not a target",
                  *wrap_source(source)]))
