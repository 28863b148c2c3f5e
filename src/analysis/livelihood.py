"""Well-being and governance: the review's statements as a structured list, and figures derived from its counts.

Two review sections of the report (人民福祉持续提升 / 社会大局和谐安宁) are mostly prose. To read them as data,
each paragraph is split into sentences and clauses; every clause is given a domain (by keyword) and the
report's numbers it holds. The outlook's commitments are not split here: they are read from
``analysis.commitments`` (one segmentation, one rule of what is checkable, for every chapter); this module only
gives them a domain (``with_domain``). The rules are plain keyword lists, shown to readers, so the
classification can be argued with.

Outside data (a population) stays outside: functions take it as an argument, never read it from the report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.derive import Derived, Interval, interval
from analysis.source import SECTION_BY_KEY, Report, load_report

REVIEW = tuple(k for k, spec in SECTION_BY_KEY.items() if spec.part == "review")

SENTENCE = re.compile(r"[^。!?;\uff01\uff1f\uff1b]+[。!?;\uff01\uff1f\uff1b]?")  # half- and full-width ends
CLAUSE_SPLIT = re.compile(r"[,\uff0c]")  # the report writes half-width commas; full-width ones too
END_PUNCT = re.compile(r"[。!?;\uff01\uff1f\uff1b]+$")
# A clause opening with these words states the purpose of the one before it (…,让居民享有…), not a new measure.
PURPOSE_OPENERS = ("让", "使", "以便", "确保")
# A paragraph whose first sentence is this short and has no comma opens with its own theme (教育医疗成色更足。).
MAX_THEME_CHARS = 14
OPENING = "opening 导语"

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
OTHER = "other 其他"


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph, each with its final 。/;/!/? (a trailing fragment is kept)."""
    return [s.strip() for s in SENTENCE.findall(text) if s.strip()]


def clauses(sentence: str) -> list[str]:
    """Comma-separated clauses of a sentence, end punctuation dropped, purpose clauses kept with their measure."""
    parts = [p.strip() for p in CLAUSE_SPLIT.split(END_PUNCT.sub("", sentence)) if p.strip()]
    merged: list[str] = []
    for part in parts:
        if merged and part.startswith(PURPOSE_OPENERS):
            merged[-1] += "," + part
        else:
            merged.append(part)
    return merged


def classify(text: str, domains: Sequence[tuple[str, tuple[str, ...]]]) -> str:
    """The first domain one of whose keywords occurs in the text; ``OTHER`` when none does."""
    for name, words in domains:
        if any(w in text for w in words):
            return name
    return OTHER


def split_theme(paragraph: str) -> tuple[str, str]:
    """(theme, rest): the paragraph's opening short sentence (教育医疗成色更足) if it has one, else OPENING."""
    first = sentences(paragraph)[:1]
    if first and len(first[0]) <= MAX_THEME_CHARS + 1 and not CLAUSE_SPLIT.search(first[0]):
        return first[0].rstrip("。"), paragraph[len(first[0]):]
    return OPENING, paragraph


def measures(section_keys: Iterable[str], domains: Sequence[tuple[str, tuple[str, ...]]],
             ind: pd.DataFrame | None = None, report: Report | None = None) -> pd.DataFrame:
    """Every clause of the review sections' body paragraphs, one row each, with its theme and domain.

    ``ind`` (the indicator table) marks clauses that contain an indicator's quote: they carry a number of
    the report (``numbered``), and its id and display form are given. Outlook sections are refused: their
    commitments are cut and classed by ``analysis.commitments`` alone, so no chapter counts them differently.
    """
    section_keys = list(section_keys)
    outlook = [k for k in section_keys if k not in REVIEW]
    if outlook:
        raise ValueError(f"{', '.join(outlook)}: not a review section; read outlook commitments with "
                         "analysis.commitments.commitments and select()")
    report = report or load_report()
    quotes = [] if ind is None else list(zip(ind["id"], ind["quote"], ind["display"], strict=True))
    rows = []
    for key in section_keys:
        for para in (p for p in report.paragraphs if p.section == key and p.role == "body"):
            theme, rest = split_theme(para.text)
            for s_no, sentence in enumerate(sentences(rest), start=1):
                for clause in clauses(sentence):
                    hits = [(i, d) for i, q, d in quotes if q in clause]
                    rows.append({
                        "section": key,
                        "heading": SECTION_BY_KEY[key].heading,
                        "part": SECTION_BY_KEY[key].part,
                        "paragraph": para.index + 1,
                        "theme": theme,
                        "sentence": s_no,
                        "clause": clause,
                        "domain": classify(clause, domains),
                        "numbered": bool(hits),
                        "indicators": ", ".join(i for i, _ in hits),
                        "figures": "、".join(d for _, d in hits),
                    })
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["order"] = frame.groupby(["section", "theme"], sort=False).cumcount() + 1
    return frame


def measure_table(frame: pd.DataFrame, caption: str):
    """The review's structured list as the book shows it."""
    from analysis.tables import Table

    return Table(pd.DataFrame({
        "theme 主题": frame["theme"],
        "statement 表述 (clause of the report)": frame["clause"],
        "domain 领域": frame["domain"],
        "figure 数字": frame["figures"].replace("", "—"),
        "¶": frame["paragraph"].astype(str),
    }), caption)


NUMBERED = "with a number of the report 有数字"
UNNUMBERED = "without a number 无数字"


def counts_by(frame: pd.DataFrame, by: str, column: str, values: Sequence[str]) -> pd.DataFrame:
    """Rows per ``by`` value and ``column`` value, every value present (zeros included) so charts keep their legend."""
    counts = frame.groupby([by, column]).size().rename("clauses").reset_index()
    full = pd.MultiIndex.from_product([frame[by].unique(), list(values)], names=[by, column])
    return counts.set_index([by, column]).reindex(full, fill_value=0).reset_index()


def with_domain(commitments: pd.DataFrame, domains: Sequence[tuple[str, tuple[str, ...]]]) -> pd.DataFrame:
    """Outlook commitments (rows of ``analysis.commitments.commitments``) with the chapter's domain of each."""
    out = commitments.copy()
    out["domain"] = out["text"].map(lambda t: classify(t, domains))
    return out


def indicators_in_theme(ind: pd.DataFrame, frame: pd.DataFrame, themes: Iterable[str]) -> list[str]:
    """Ids of the indicators whose quote stands in clauses of the given themes, in report order."""
    wanted = frame[frame["theme"].isin(list(themes)) & (frame["indicators"] != "")]
    ids = [i.strip() for cell in wanted["indicators"] for i in cell.split(",")]
    return [i for i in ind.sort_values("offset")["id"] if i in ids]


def in_report_order(ind: pd.DataFrame, ids: Iterable[str]) -> list[str]:
    """The given indicator ids, once each, in the order their quotes stand in the report."""
    wanted = set(ids)
    return [i for i in ind.sort_values("offset")["id"] if i in wanted]


def indicator_domains(ind: pd.DataFrame, ids: Iterable[str], domains: Sequence[tuple[str, tuple[str, ...]]],
                      report: Report | None = None) -> pd.Series:
    """The domain of each indicator, read from the clause its quote stands in (not from its name)."""
    report = report or load_report()
    out = {}
    for i in ids:
        loc = report.locate(ind.loc[i, "quote"])
        sentence = report.sentence(loc.start, loc.end)
        clause = next((c for c in clauses(sentence) if ind.loc[i, "quote"] in c), sentence)
        out[i] = classify(clause, domains)
    return pd.Series(out, name="domain")


# --- derived figures ------------------------------------------------------------------------------------------

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


@dataclass(frozen=True)
class WithOutside(Derived):
    """A derived figure that uses outside data; its reading says so, since "exact" would overstate it."""

    outside: str = ""

    @property
    def reading(self) -> str:
        return f"{super().reading}; uses {self.outside}" if self.outside else super().reading


def per_capita(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, num: str, population: float, *,
               per: float = 1.0, unit: str, formula: str, outside: str = "outside population data") -> WithOutside:
    """``per · indicator / population``; the population is outside data, taken as exact."""
    if population <= 0:
        raise ValueError(f"population must be positive, got {population}")
    a = ind.loc[num]
    k = per / population
    return WithOutside(key, name_en, name_zh, a["value"] * k, unit, formula,
                       interval(a["value"], a["qualifier"]).scale(k), (num, "population"), outside)


def residents_per(key: str, name_en: str, name_zh: str, ind: pd.DataFrame, den: str, population: float, *,
                  unit: str, formula: str, outside: str = "outside population data") -> WithOutside:
    """``population / indicator``: how many residents one counted thing serves on average."""
    if population <= 0:
        raise ValueError(f"population must be positive, got {population}")
    b = ind.loc[den]
    bounds = Interval(population, population) / interval(b["value"], b["qualifier"])
    return WithOutside(key, name_en, name_zh, population / b["value"], unit, formula, bounds, ("population", den),
                       outside)


def ratio_to_indicator(key: str, name_en: str, name_zh: str, num: Derived, num_base: float, ind: pd.DataFrame,
                       den: str, *, scale: float = 1.0, unit: str, formula: str) -> Derived:
    """A derived figure (in display units; ``num_base`` base units per display unit) over an indicator."""
    b = ind.loc[den]
    value = scale * num.value * num_base / b["value"]
    bounds = (num.bounds.scale(num_base) / interval(b["value"], b["qualifier"])).scale(scale)
    return Derived(key, name_en, name_zh, value, unit, formula, bounds, (*num.inputs, den))


def bound_qualifier(d: Derived) -> str:
    """The qualifier a derived figure is drawn with: lower bound as 'over', exact as 'exact', else 'approx'."""
    lo, hi = d.bounds.lo, d.bounds.hi
    if math.isclose(lo, hi, rel_tol=1e-12):
        return "exact"
    if math.isclose(lo, d.value, rel_tol=1e-12) and hi > d.value:
        return "over"
    return "approx"


def derived_frame(derived: Sequence[Derived], digits: int = 2) -> pd.DataFrame:
    """Derived figures as chart data: value, how to draw it, bounds and formula for tooltips.

    The columns match ``analysis.tables.chart_frame`` so derived rows can stand beside reported ones in
    ``analysis.charts.qualified_bars`` (the 'quote' of a derived row is its formula).
    """
    quals = [bound_qualifier(d) for d in derived]
    return pd.DataFrame({
        "id": [d.key for d in derived],
        "label": [f"{d.name_zh} {d.name_en}" for d in derived],
        "shown": [round(d.value, digits) for d in derived],
        "phrase": [("≥" if q == "over" else "≈" if q == "approx" else "") + f"{d.value:,.{digits}f}{d.unit} (derived)"
                   for q, d in zip(quals, derived, strict=True)],
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


@dataclass(frozen=True)
class OutsideFigure:
    """A figure from outside the report, with the source a reader can look up."""

    name: str
    value: float
    unit: str
    source: str


def outside_table(figures: Sequence[OutsideFigure]):
    from analysis.tables import Table

    return Table(pd.DataFrame({
        "figure 数据": [f.name for f in figures],
        "value 数值": [f"{f.value:,.10g} {f.unit}" for f in figures],
        "source 来源 (not the report)": [f.source for f in figures],
    }), "Outside data used in this chapter, kept apart from the report's figures")


__all__ = [
    "GOVERNANCE_DOMAINS", "NUMBERED", "UNNUMBERED", "WELLBEING_DOMAINS", "OutsideFigure", "WithOutside",
    "bound_qualifier", "break_even_margin", "classify", "clauses", "counts_by", "derived_frame", "implied_total",
    "in_report_order", "indicator_domains", "indicators_in_theme", "margin_curve", "measure_table", "measures",
    "outside_table", "per_capita", "ratio_to_indicator", "residents_per", "sentences", "split_theme", "with_domain",
]
