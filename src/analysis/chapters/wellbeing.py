"""Chapter 04, well-being: the domains of the report's well-being statements (by keyword, first match wins) and
the total budget spending implied by 民生支出 and its share (a lower bound over a share)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import pandas as pd

from analysis.methods.commitments import MEASURES
from analysis.methods.derived import Interval
from analysis.methods.statements import NUMBERED, OTHER, UNNUMBERED
from analysis.presentation.charts import PALETTE, source_line
from analysis.presentation.commitments import MEASURE_COLORS, MEASURE_LABELS

# The outlook paragraph this chapter reads; 深化基层治理创新, the other paragraph of 紧盯群众需求, is governance's.
OUTLOOK_THEME = "提升民生保障水平"

# Domains of well-being, checked in this order (the first that matches wins): health before social security so
# that 医保定点机构…门诊 counts as health care, 婴幼儿 (childcare) is not 幼儿园 (pre-school education).
WELLBEING_DOMAINS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("finance & spending 财政与民生支出", ("民生支出", "预算支出", "财政", "保民生")),
    ("education 教育", ("教育", "学位", "幼儿园", "学校")),
    ("health 医疗卫生", ("医疗", "卫生", "医院", "门诊", "定点机构", "公卫")),
    ("jobs 就业", ("就业", "岗位", "创业", "春风行动", "学子")),
    ("elderly & childcare 一老一小", ("一老一小", "老年", "老人", "适老", "适儿", "托育", "托位", "托管", "婴幼儿",
                                      "养老", "妇幼")),
    ("social security 社会保障", ("社保", "医保", "社会保障", "救助", "困难", "低收入", "残疾", "兜底")),
    ("housing 住房", ("住房", "租赁")),
    ("culture & sport 文体", ("文化", "文体", "非遗", "运动", "马拉松", "古城", "遗址", "体育", "论坛", "推介会")),
)


def implied_total(part: float, share_pct: float) -> float:
    """The whole of which ``part`` is ``share_pct`` percent: part / (share / 100)."""
    if not 0 < share_pct <= 100:
        raise ValueError(f"share must be in (0, 100] percent, got {share_pct}")
    return part / (share_pct / 100)


def break_even_margin(part: float, share_pct: float, other: float) -> float:
    """By how much (percent) ``part`` would have to exceed its stated value for the implied total to equal ``other``.

    Negative when the implied total already exceeds ``other`` at the stated value.
    """
    return 100 * (other * share_pct / 100 / part - 1)


def margin_curve(part: float, share_pct: float, margins: Sequence[float]) -> pd.DataFrame:
    """Implied totals if the true ``part`` lies ``margin`` percent above its stated lower bound."""
    return pd.DataFrame({
        "margin_pct": list(margins),
        "implied_total": [implied_total(part * (1 + m / 100), share_pct) for m in margins],
    })


def margin_chart(curve: pd.DataFrame, *, spending_yi: float, share: float, revenue_yi: float, revenue_quote: str,
                 break_even: float, margin_pct: float, margin_total: float, spending_phrase: str) -> alt.LayerChart:
    """The general budget spending implied by 民生支出 over its share, as the true spending exceeds its lower bound
    by more (``margin_curve``), against budget revenue; the break-even and the chosen parameter marked."""
    line = alt.Chart(curve).mark_line(color=PALETTE[0], strokeWidth=2.5).encode(
        x=alt.X("margin_pct:Q", title=f"assumed excess of livelihood spending over {spending_yi:g}亿元, %"),
        y=alt.Y("implied_total:Q", title="implied general budget spending, 亿元", scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("margin_pct:Q", title="assumed excess, %", format=".1f"),
                 alt.Tooltip("implied_total:Q", title="implied spending, 亿元", format=",.0f"),
                 alt.Tooltip("relation:N", title="against revenue")],
    )
    rev = pd.DataFrame({"y": [revenue_yi], "label": [f"budget revenue 一般公共预算收入 {revenue_yi:.0f}亿元 (预计)"],
                        "quote": [revenue_quote]})
    rev_rule = alt.Chart(rev).mark_rule(color=PALETTE[1], strokeDash=[6, 4]).encode(
        y="y:Q", tooltip=[alt.Tooltip("label:N"), alt.Tooltip("quote:N")])
    rev_text = alt.Chart(rev).mark_text(align="left", dx=4, dy=-8, color=PALETTE[1]).encode(
        y="y:Q", x=alt.value(4), text="label:N")
    be = pd.DataFrame({"x": [break_even], "label": [f"break-even: +{break_even:.1f}%"]})
    be_rule = alt.Chart(be).mark_rule(color="#777777", strokeDash=[2, 3]).encode(
        x="x:Q", tooltip=[alt.Tooltip("label:N"), alt.Tooltip("x:Q", title="excess, %", format=".1f")])
    chosen = pd.DataFrame({"x": [margin_pct], "y": [margin_total],
                           "label": [f"parameter spending_margin_pct = {margin_pct:g}%"]})
    chosen_pt = alt.Chart(chosen).mark_point(filled=True, size=120, color=PALETTE[3], shape="diamond").encode(
        x="x:Q", y="y:Q", tooltip=[alt.Tooltip("label:N"), alt.Tooltip("y:Q", title="implied spending, 亿元",
                                                                        format=",.0f")])
    return alt.layer(line, rev_rule, rev_text, be_rule, chosen_pt).properties(
        width=520, height=280,
        title=alt.TitleParams(
            f"How much spending {spending_phrase} allows: implied general budget spending",
            subtitle=[f"implied spending = {spending_yi:g}亿元 × (1 + excess) / {share:g}%; "
                      "dashed: 2023 budget revenue", source_line("review-4", "review-1")]))


# The final accounts' items the chapter sets beside its inference, in the order of the budget's balance:
# (series key of data/context/context_series.csv, side of the account, short label).
ACCOUNT_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("gp_budget_revenue", "receipts 收入", "own revenue 地方一般公共预算收入"),
    ("transfers_general", "receipts 收入", "tax rebates and general transfers 税收返还及一般转移支付"),
    ("transfers_special", "receipts 收入", "earmarked transfers 专项转移支付"),
    ("gp_budget_expenditure", "uses 支出", "spending 一般公共预算支出"),
    ("remittances_up", "uses 支出", "remittances to higher levels 上解上级支出"),
)


@dataclass(frozen=True)
class FinalAccountsCheck:
    """The chapter's inference from 民生支出 and its share, against the final accounts of the same year."""

    spending: float  # general budget spending in the final accounts, 亿元
    implied_lo: float  # the chapter's lower bound on that spending, 亿元
    livelihood: Interval  # livelihood spending that the final spending, the printed share and 超 allow, 亿元
    net_outflow: float  # remittances to higher levels less transfers received, 亿元

    @property
    def confirms(self) -> bool:
        return self.spending >= self.implied_lo


def final_accounts_check(accounts: dict[str, float], implied_lo: float, livelihood_floor: float,
                         share: Interval) -> FinalAccountsCheck:
    """``accounts``: the final accounts' items by series key (``ACCOUNT_ITEMS``), 亿元. The livelihood spending
    the figures allow is the printed share of the final spending (its rounding interval), and more than the
    report's 超 floor."""
    spending = accounts["gp_budget_expenditure"]
    allowed = Interval(max(livelihood_floor, spending * share.lo / 100), spending * share.hi / 100)
    inflow = accounts["transfers_general"] + accounts["transfers_special"]
    return FinalAccountsCheck(spending, implied_lo, allowed, accounts["remittances_up"] - inflow)


def accounts_chart(accounts: dict[str, float], implied_lo: float, spending_phrase: str, share_phrase: str,
                   source: str) -> alt.LayerChart:
    """The final accounts' receipts and uses of 2023 that matter here, with the chapter's lower bound on spending
    as a rule: what the report's share implied, and where the district's money went beside spending."""
    rows = pd.DataFrame([{"side": side, "item": label, "value": round(accounts[key], 2)}
                         for key, side, label in ACCOUNT_ITEMS])
    bars = alt.Chart(rows).mark_bar().encode(
        x=alt.X("value:Q", title="亿元 (hundred million yuan), final accounts 决算 2023"),
        y=alt.Y("item:N", sort=None, title=None),
        color=alt.Color("side:N", title="side of the account", scale=alt.Scale(range=PALETTE[:2])),
        tooltip=["side:N", "item:N", alt.Tooltip("value:Q", format=",.2f")],
    )
    labels = bars.mark_text(align="left", dx=4, fontSize=10).encode(text=alt.Text("value:Q", format=",.2f"),
                                                                     color=alt.value("#333333"))
    bound_row = pd.DataFrame({"value": [implied_lo], "what": ["the chapter's lower bound on spending"]})
    bound = alt.Chart(bound_row).mark_rule(strokeDash=[4, 3], color="#333333").encode(
        x="value:Q", tooltip=["what:N", alt.Tooltip("value:Q", format=",.1f")])
    return alt.layer(bars, labels, bound).properties(
        width=460, height=170,
        title=alt.TitleParams("The 2023 general budget in the final accounts, against what the report implied",
                              subtitle=[f"Dashed: the lower bound on spending implied by {spending_phrase} at a "
                                        f"share of {share_phrase}", source]))


def _examples(s: pd.Series) -> str:
    return " | ".join(s.head(3))


def domain_counts(review: pd.DataFrame, outlook: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Statements of the review (with or without a number of the report) and commitments of the outlook (by what
    makes them checkable) per domain, with three examples each, and the domains present in reading order."""
    review_counts = (review.assign(kind=review["numbered"].map({True: NUMBERED, False: UNNUMBERED}))
                     .groupby(["domain", "kind"]).agg(clauses=("clause", "size"), examples=("clause", _examples))
                     .reset_index())
    outlook_counts = (outlook.assign(kind=outlook["measure"].map(MEASURE_LABELS))
                      .groupby(["domain", "kind"]).agg(clauses=("text", "size"), examples=("text", _examples))
                      .reset_index())
    present = set(review_counts["domain"]) | set(outlook_counts["domain"])
    order = [d for d in [d for d, _ in WELLBEING_DOMAINS] + [OTHER] if d in present]
    return review_counts, outlook_counts, order


def _domain_panel(data: pd.DataFrame, order: list[str], title: str, what: str, legend: str, kinds: list[str],
                  colors: list[str]) -> alt.Chart:
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y("domain:N", sort=order, scale=alt.Scale(domain=order), title=None),
        x=alt.X("clauses:Q", title=f"{what} 条", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=colors),
                        legend=alt.Legend(orient="bottom", direction="vertical", title=legend)),
        tooltip=[alt.Tooltip("domain:N"), alt.Tooltip("kind:N"), alt.Tooltip("clauses:Q", title=what),
                 alt.Tooltip("examples:N", title="first three")],
    ).properties(width=230, height=alt.Step(22), title=title)


def domain_chart(review_counts: pd.DataFrame, outlook_counts: pd.DataFrame, order: list[str], outlook_title: str,
                 sections: Sequence[str]) -> alt.HConcatChart:
    """What 2023 reported and what 2024 promises, side by side, by domain."""
    return alt.hconcat(
        _domain_panel(review_counts, order, "review 2023 回眸", "statements", "review: statements",
                      [NUMBERED, UNNUMBERED], [PALETTE[0], "#c9c9c9"]),
        _domain_panel(outlook_counts, order, outlook_title, "commitments", "outlook: measurable by",
                      [MEASURE_LABELS[m] for m in MEASURES], MEASURE_COLORS),
    ).resolve_scale(color="independent").properties(title=alt.TitleParams(
        "What 2023 reported and what 2024 promises, by domain",
        subtitle=["review: statements with and without a number of the report; outlook: commitments by what makes "
                  "them checkable (analysis.methods.commitments)", source_line(*sections)]))
