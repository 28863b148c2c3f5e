"""Chapter 04, well-being: the domains of the report's well-being statements (by keyword, first match wins) and
the total budget spending implied by 民生支出 and its share (a lower bound over a share)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

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
