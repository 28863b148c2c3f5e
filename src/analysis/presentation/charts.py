"""Charts for the book: one Altair theme, source lines, and chart types shared by chapters that keep the
report's qualifiers visible (a lower bound is never drawn as an exact value). How a chart is shown (offline
HTML, PNG, CSV) is ``analysis.presentation.display``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import altair as alt
import pandas as pd

from analysis.methods.derived import Derived, bound_qualifier
from analysis.report.quantities import display_factor
from analysis.report.reading import PERIOD_SCOPES
from analysis.report.text import SECTION_BY_KEY

FONT = "Noto Sans CJK SC"
PALETTE = ["#1f5f8b", "#c8553d", "#588b8b", "#f2a541", "#6b4e71", "#8c8c8c"]
REPORT_TITLE = "《勇挑大梁 走在前列 奋力推进中国式现代化武昌实践》"

# How each qualifier is drawn: the bar's opacity, the end marker and the legend's words.
QUALIFIER_STYLE: dict[str, tuple[float, str, str]] = {
    "exact": (1.0, "stroke", "exact 确数"),
    "over": (0.85, "triangle-right", "lower bound 超/突破/余 (more than shown)"),
    "at_least": (0.85, "triangle-right", "floor 以上 (at least)"),
    "near": (0.55, "triangle-left", "just under 近 (less than shown)"),
    "approx": (0.55, "diamond", "approximate 左右/约"),
}


def altair_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 11, "titleFontSize": 12, "labelLimit": 300,
                     "gridColor": "#e6e6e6"},
            "legend": {"labelFont": FONT, "titleFont": FONT, "labelLimit": 320},
            "title": {"font": FONT, "subtitleFont": FONT, "fontSize": 15, "anchor": "start",
                      "subtitleColor": "#555555", "subtitleFontSize": 10},
            "header": {"labelFont": FONT, "titleFont": FONT},
            "text": {"font": FONT},
            "range": {"category": PALETTE},
            "view": {"stroke": None},
            "background": "white",
        }
    }


alt.theme.register("wuchang", enable=True)(altair_theme)


def source_line(*section_keys: str) -> str:
    """The line under every chart naming the report sections its data come from."""
    names = "、".join(SECTION_BY_KEY[k].heading for k in section_keys)
    return f"Source: {REPORT_TITLE}, section {names}; data/indicators.csv"


def base_qualifier(qualifier: str) -> str:
    """The qualifier that decides how a value is drawn; 预计 (expected) alone is drawn as stated."""
    parts = [p for p in qualifier.split("+") if p != "expected"]
    return parts[0] if parts else "exact"


def titled(title: str, sections: Sequence[str], *notes: str) -> alt.TitleParams:
    """A chart title with its notes and, last, the source line of the report sections it draws from."""
    return alt.TitleParams(text=title, subtitle=[*notes, source_line(*sections)])


def text_width(text: str, font_size: float = 11) -> float:
    """A rough rendered width in pixels: a CJK character is about one em, other characters about 0.58 em."""
    return sum(font_size if ord(c) > 0x2E80 else 0.58 * font_size for c in str(text))


def label_room_max(values: Sequence[float], labels: Sequence[str], width: int, offset: float = 9,
                   font_size: float = 11) -> float:
    """The x-axis maximum at which each bar's end label (drawn ``offset`` px right of the bar) still fits.

    For a bar of value v and a label w px wide: v · width / max + offset + w ≤ width.
    """
    need = 0.0
    for v, text in zip(values, labels, strict=True):
        room = width - offset - text_width(text, font_size) - 4
        if v > 0:
            need = max(need, v * width / max(room, width * 0.25))
    return need


def qualified_bars(df: pd.DataFrame, title: str, sections: Sequence[str], axis_title: str,
                   width: int = 520) -> alt.LayerChart:
    """Horizontal bars that keep the report's qualifiers visible.

    ``df`` needs columns label, shown (the value to draw), phrase (the report's words, the end label),
    qualifier, quote, name_en. A lower bound (超, 突破) ends in a right-pointing triangle, "just under" (近)
    in a left-pointing one, an approximate value (左右) in a diamond; the bars of inexact values are lighter.
    The x axis runs from zero and far enough right for every end label to fit; a label written
    "中文\nEnglish" is drawn on two lines.
    """
    data = df.copy()
    data["qual_base"] = [base_qualifier(q) for q in data["qualifier"]]
    data["opacity"] = data["qual_base"].map(lambda q: QUALIFIER_STYLE[q][0])
    data["legend"] = data["qual_base"].map(lambda q: QUALIFIER_STYLE[q][2])
    data["expected"] = data["qualifier"].str.startswith("expected").map({True: "yes (预计)", False: "no"})
    order = list(data["label"])
    legend_values = [QUALIFIER_STYLE[q][2] for q in QUALIFIER_STYLE if q in set(data["qual_base"])]
    shapes = [QUALIFIER_STYLE[q][1] if QUALIFIER_STYLE[q][1] != "stroke" else "M-1,-1L1,-1L1,1L-1,1Z"
              for q in QUALIFIER_STYLE if q in set(data["qual_base"])]
    tooltip = [
        alt.Tooltip("label:N", title="indicator"),
        alt.Tooltip("name_en:N", title="English"),
        alt.Tooltip("phrase:N", title="report says"),
        alt.Tooltip("qualifier:N"),
        alt.Tooltip("expected:N", title="estimate"),
        alt.Tooltip("quote:N", title="quote"),
    ]
    two_lines = data["label"].str.contains("\n").any()
    axis = alt.Axis(labelExpr="split(datum.label, '\\n')", labelLineHeight=13, labelLimit=440) if two_lines \
        else alt.Axis()
    y = alt.Y("label:N", sort=order, title=None, axis=axis)
    x_scale = alt.Scale(domain=[min(0.0, float(data["shown"].min())),
                                label_room_max(list(data["shown"]), list(data["phrase"]), width)])
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    bars = base.mark_bar(height=16, color=PALETTE[0]).encode(
        x=alt.X("shown:Q", title=axis_title, scale=x_scale),
        opacity=alt.Opacity("opacity:Q", legend=None, scale=None)
    )
    ends = base.mark_point(filled=True, size=110, color=PALETTE[1]).encode(
        x="shown:Q",
        shape=alt.Shape("legend:N", title="qualifier",
                        scale=alt.Scale(domain=legend_values, range=shapes),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
    )
    labels = base.mark_text(align="left", dx=9, fontSize=11, color="#333333").encode(x="shown:Q", text="phrase:N")
    return alt.layer(bars, ends, labels).properties(width=width, height=alt.Step(34 if two_lines else 24),
                                                    title=titled(title, sections))


def two_line_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Chart labels as Chinese name over English name, so long names need no truncation (see ``two_line``)."""
    out = frame.copy()
    out["label"] = out["name_zh"] + "\n" + out["name_en"]
    return out


def two_line(chart: alt.TopLevelMixin, step: int = 36) -> alt.TopLevelMixin:
    """Draw y-axis labels written as "中文\nEnglish" on two lines, with room for both."""
    return chart.properties(height=alt.Step(step)).configure_axisY(labelExpr="split(datum.label, '\\n')",
                                                                   labelLimit=420, labelLineHeight=13)


def derived_frame(derived: Sequence[Derived], digits: int = 2) -> pd.DataFrame:
    """Derived figures as chart data: value, how to draw it, bounds and formula for tooltips.

    The columns match ``chart_frame`` so derived rows can stand beside reported ones in
    ``qualified_bars`` (the 'quote' of a derived row is its formula).
    """
    quals = [bound_qualifier(d) for d in derived]
    # A lower bound is drawn at its bound, rounded down; anything else at its value.
    shown = [math.floor(d.bounds.lo * 10 ** digits + 1e-9) / 10 ** digits if q == "over" else round(d.value, digits)
             for q, d in zip(quals, derived, strict=True)]
    return pd.DataFrame({
        "id": [d.key for d in derived],
        "label": [f"{d.name_zh} {d.name_en}" for d in derived],
        "shown": shown,
        "phrase": [("≥" if q == "over" else "≈" if q == "approx" else "") + f"{v:,.{digits}f}{d.unit} (derived)"
                   for q, v, d in zip(quals, shown, derived, strict=True)],
        "qualifier": quals,
        "quote": [f"derived 推算: {d.formula}" for d in derived],
        "name_en": [d.name_en for d in derived],
        "name_zh": [d.name_zh for d in derived],
        "unit_zh": [d.unit for d in derived],
        "formula": [d.formula for d in derived],
        "reading": [d.reading for d in derived],
        "lower": [d.bounds.lo for d in derived],
        "upper": [None if math.isinf(d.bounds.hi) else d.bounds.hi for d in derived],
    })


def wrap_source(text: str, width: int = 64, extra: str = "") -> list[str]:
    """A source line (``source_line``) broken at 、 into lines a chart subtitle can hold."""
    text += f"; {extra}" if extra else ""
    lines, current = [], ""
    for i, part in enumerate(text.split("、")):
        piece = part if i == 0 else "、" + part
        if current and len(current) + len(piece) > width:
            lines.append(current + "、")  # the mark ends its line; it never starts one
            current = piece.lstrip("、")
        else:
            current += piece
    return [*lines, current]


def shown(ind: pd.DataFrame) -> pd.Series:
    """Values in the report's own display units (亿元 stays 亿元)."""
    return pd.Series([v / display_factor(u) for v, u in zip(ind["value"], ind["unit_zh"], strict=True)],
                     index=ind.index)


# Units whose numbers are ratios (a rate, a share, a rank): their scope is that of the measure they are of.
RATIO_UNITS = ("percent", "rank", "multiple", "class")


def scope_group(scope: str) -> str:
    """Scopes that may share an axis: what happened in the period (new, flow), a stock, a cumulative total."""
    return "in the period" if scope in PERIOD_SCOPES else scope


def check_comparable(ind: pd.DataFrame, ids: Iterable[str]) -> None:
    """One axis, one kind of quantity: never a stock beside a flow, nor the nation's figure beside the district's.

    Raises ValueError naming each figure with its scope and area when the figures are not comparable.
    """
    sub = ind.loc[list(ids)]
    sub = sub[~sub["unit"].isin(RATIO_UNITS)]
    groups = {(scope_group(s), a) for s, a in zip(sub["scope"], sub["area"], strict=True)}
    if len(groups) > 1:
        listed = "; ".join(f"{i}: {s}, {a}" for i, s, a in zip(sub.index, sub["scope"], sub["area"], strict=True))
        raise ValueError(f"these figures cannot share an axis (stocks, flows and cumulative totals, or different "
                         f"areas, are not comparable): {listed}")


def chart_frame(ind: pd.DataFrame, ids: Iterable[str]) -> pd.DataFrame:
    """The columns a qualifier-aware chart needs, for the given indicators in the given order; the figures must
    be comparable (``check_comparable``)."""
    ids = list(ids)
    check_comparable(ind, ids)
    sub = ind.loc[ids].copy()
    sub["label"] = sub["name_zh"] + " " + sub["name_en"]
    sub["shown"] = shown(sub)
    sub["phrase"] = sub["display"]
    return sub[["id", "label", "shown", "phrase", "qualifier", "quote", "name_en", "name_zh", "unit_zh", "section",
                "scope", "area"]]
